"""/api/v1/activities/ (read, and create for keys holding activities:write) and /api/v1/bases/ (read).

Reads are scoped to the requester by the base viewset. A create is validated by the serializer
(types, existence) and decided by ``activity_create``, the same service the page calls: the key's
region must contain the organization, and the record rules are the page's rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import BaseRouter

from brands.filters import ActivityFilter, BaseFilter
from brands.images import ProcessedImage, process_upload
from brands.models import ActivityKind, ActivityRecord, BaseBooking, BaseSlot, Brand, OrgLifeBase
from brands.selectors.activities import activities_visible_to, bases_visible
from brands.services.activities import (
    KEY_WRITE_ACTION,
    MAX_OTHER_PARTICIPANTS,
    MAX_PEOPLE_SERVED,
    MAX_PHOTOS,
    activity_create,
)
from grids.models import PartyMember, PartyOrganization
from portal.api.viewsets import CreateReadViewSet, ReadOnlyViewSet
from portal.ids import IdSerializerField

MAX_ATTENDEES = 2000


class ActivityPhotoSerializer(serializers.Serializer):
    image = serializers.ImageField(read_only=True)
    thumbnail = serializers.ImageField(read_only=True)


class _KindLabelField(serializers.CharField):
    """The kind's label from the enum: ``get_kind_display`` rebuilt the choices dict per row."""

    def to_representation(self, value: str) -> str:
        return str(ActivityKind(value).label)


def attach_attendee_ids(records: list[ActivityRecord]) -> None:
    """Every record's attendee ids (``attendee_ids``), in one query over the link table.

    Ids, not member objects: prefetching members built ~750 model instances for a page of 50
    records only to read their ids (issue 6). Ordered as the members are (organization, id).
    """
    ids: dict[int, list[int]] = {record.pk: [] for record in records}
    if ids:
        links = ActivityRecord.attendees.through.objects.filter(activityrecord_id__in=ids)
        pairs = links.order_by("partymember__organization_id", "partymember_id").values_list(
            "activityrecord_id", "partymember_id"
        )
        for record_id, member_id in pairs:
            ids[record_id].append(member_id)
    for record in records:
        record.attendee_ids = ids[record.pk]


class _ActivityListSerializer(serializers.ListSerializer):
    def to_representation(self, data: Any) -> list[Any]:
        records = list(data.all() if hasattr(data, "all") else data)
        attach_attendee_ids(records)
        return super().to_representation(records)


class ActivitySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    brand_name = serializers.CharField(source="brand.name", read_only=True, default=None, allow_null=True)
    kind_display = _KindLabelField(source="kind", read_only=True)
    attendees = serializers.ListField(source="attendee_ids", child=serializers.IntegerField(), read_only=True)
    attendance_rate = serializers.IntegerField(read_only=True, allow_null=True)
    photos = ActivityPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ActivityRecord
        fields = [
            "id", "organization", "organization_name", "region", "brand", "brand_name", "kind",
            "kind_display", "started_at", "ended_at", "place", "base_booking", "topic", "summary",
            "attendees", "attendee_count", "member_count", "attendance_rate", "other_participants",
            "people_served", "satisfaction", "photos", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields
        list_serializer_class = _ActivityListSerializer

    def to_representation(self, instance: ActivityRecord) -> dict[str, Any]:
        """The same dict DRF's field-by-field walk builds (a test compares them), built directly.

        A page is 50 records × 24 fields; the generic walk was most of the list's CPU (issue 6).
        Fields with formatting rules of their own (decimal, photos' absolute URLs) still go
        through their DRF fields.
        """
        if not hasattr(instance, "attendee_ids"):  # one record (retrieve, create): its own query
            attach_attendee_ids([instance])
        fields = self.fields
        zone = timezone.get_current_timezone()
        record = instance
        region, brand = record.region, record.brand
        satisfaction = record.satisfaction
        return {
            "id": record.pk,
            "organization": record.organization_id,
            "organization_name": record.organization.name,
            "region": region.code if region is not None else None,
            "brand": record.brand_id,
            "brand_name": brand.name if brand is not None else None,
            "kind": record.kind,
            "kind_display": str(ActivityKind(record.kind).label),
            "started_at": _iso(record.started_at, zone),
            "ended_at": _iso(record.ended_at, zone),
            "place": record.place,
            "base_booking": record.base_booking_id,
            "topic": record.topic,
            "summary": record.summary,
            "attendees": record.attendee_ids,
            "attendee_count": record.attendee_count,
            "member_count": record.member_count,
            "attendance_rate": record.attendance_rate,
            "other_participants": record.other_participants,
            "people_served": record.people_served,
            "satisfaction": (
                fields["satisfaction"].to_representation(satisfaction) if satisfaction is not None else None
            ),
            "photos": fields["photos"].to_representation(_photos(record)),
            "created_at": _iso(record.created_at, zone),
            "updated_at": _iso(record.updated_at, zone),
        }

    def generic_representation(self, instance: ActivityRecord) -> dict[str, Any]:
        """DRF's own field-by-field representation: what ``to_representation`` must equal."""
        if not hasattr(instance, "attendee_ids"):
            attach_attendee_ids([instance])
        return dict(super().to_representation(instance))


def _photos(record: ActivityRecord) -> Any:
    # Prefetched as a list by the viewset; a record from elsewhere reads its own.
    return record.photo_list if hasattr(record, "photo_list") else record.photos.all()


def _iso(value: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, UTC as ``Z``)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class ImageUploadSerializerField(serializers.FileField):
    """An uploaded image, cleaned by the form's rules (``brands.images``): a ``ProcessedImage``."""

    def to_internal_value(self, data: Any) -> ProcessedImage:
        try:
            return process_upload(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


# Checks types and existence only; whether the record may be made is activity_create's decision.
class ActivityCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=PartyOrganization.objects.select_related("region")
    )
    brand = serializers.PrimaryKeyRelatedField(queryset=Brand.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    started_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    base_booking = serializers.PrimaryKeyRelatedField(
        queryset=BaseBooking.objects.select_related("slot__base"), required=False, allow_null=True
    )
    topic = serializers.CharField(max_length=120)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    attendees = serializers.ListField(
        child=IdSerializerField(),
        required=False,
        default=list,
        max_length=MAX_ATTENDEES,
        help_text=_("参加党员的编号（须为该党组织的党员）。"),
    )
    other_participants = serializers.IntegerField(
        min_value=0, max_value=MAX_OTHER_PARTICIPANTS, required=False, default=0
    )
    people_served = serializers.IntegerField(
        min_value=0, max_value=MAX_PEOPLE_SERVED, required=False, default=0
    )
    satisfaction = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    # Multipart only: each "photos" part an image, under the form's rules (JPEG/PNG/WebP, 10 MB,
    # 40 megapixels); each is re-encoded without its metadata before anything is stored.
    photos = serializers.ListField(
        child=ImageUploadSerializerField(),
        required=False,
        default=list,
        max_length=MAX_PHOTOS,
        help_text=_("照片（multipart/form-data，可多张，最多 9 张；JPEG、PNG、WebP，每张不超过 10 MB）。"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Out-of-scope ids read exactly like ids that do not exist: the API must not confirm them.
        request = self.context.get("request")
        actor = request.user if request is not None else None  # no requester (schema): nothing in scope
        for name in ("organization", "brand", "base_booking"):
            field = self.fields[name]
            field.queryset = field.queryset.visible_to(actor)
            field.error_messages["does_not_exist"] = _(
                "编号为 %(pk)s 的对象不存在，或不在您的权限范围内。"
            ) % {"pk": "{pk_value}"}
        self._members = PartyMember.objects.visible_to(actor)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # A field this endpoint does not take (a misspelt "people_serverd", "photos") is refused,
        # not dropped in silence under a 201 that leaves the value out.
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("不支持的字段。")] for name in unknown})
        return super().to_internal_value(data)

    def validate_attendees(self, ids: list[int]) -> list[PartyMember]:
        # One query for the whole list (a PrimaryKeyRelatedField would cost one per member).
        members = list(self._members.filter(pk__in=set(ids)).only("id", "name", "organization_id"))
        unknown = set(ids) - {m.pk for m in members}
        if unknown:
            raise serializers.ValidationError(
                _("不存在的党员编号：%(ids)s") % {"ids": ", ".join(map(str, sorted(unknown)))}
            )
        return members


def _with_details(records: QuerySet[ActivityRecord]) -> QuerySet[ActivityRecord]:
    # Attendee ids are read by the serializer in one query per page (attach_attendee_ids).
    return records.select_related("organization", "region", "brand").prefetch_related(
        # to_attr: a list, not a fresh queryset built per record by ``photos.all()``.
        Prefetch("photos", to_attr="photo_list")
    )


class ActivityViewSet(CreateReadViewSet):
    """Activity records in the requester's scope; partner keys with `activities:write` may create.

    Filters: `region` (code, its subtree included), `organization` (id, its sub-organizations
    included), `brand`, `kind`, `date_from`/`date_to` (local dates of the start), `updated_after`.
    A key creates records only for organizations inside its region, under the same rules as the
    portal's form (ended, not in the future, attendees from the organization, its own brand). Sent
    as `multipart/form-data`, a create may carry up to 9 `photos` (JPEG, PNG or WebP, 10 MB and 40
    megapixels at most, as in the form); a file that is not such an image is a 400 and nothing is
    saved. A create with an `Idempotency-Key` header is made once and replayed on retries.
    """

    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["id", "started_at", "updated_at"]
    required_write_scope = KEY_WRITE_ACTION

    def get_queryset(self) -> QuerySet[ActivityRecord]:
        return _with_details(activities_visible_to(self.request.user))

    @extend_schema(request=ActivityCreateSerializer, responses={201: ActivitySerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = ActivityCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        record = activity_create(actor=request.user, **given.validated_data)
        # Not through the scoped read: a key may hold activities:write without read.
        created = _with_details(ActivityRecord.objects.filter(pk=record.pk)).get()
        return Response(
            ActivitySerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("activity-detail", args=[created.pk], request=request)},
        )


class BaseSlotSerializer(serializers.ModelSerializer):
    free = serializers.IntegerField(read_only=True)

    class Meta:
        model = BaseSlot
        fields = ["id", "starts_at", "ends_at", "capacity", "booked", "free"]
        read_only_fields = fields


class OrgLifeBaseSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    slots = BaseSlotSerializer(source="upcoming", many=True, read_only=True)

    class Meta:
        model = OrgLifeBase
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "address",
            "theme",
            "description",
            "capacity",
            "slots",
        ]
        read_only_fields = fields


class OrgLifeBaseViewSet(ReadOnlyViewSet):
    """Open organizational-life bases in the requester's region, each with its coming slots
    (`slots`: capacity, booked, free)."""

    serializer_class = OrgLifeBaseSerializer
    filterset_class = BaseFilter
    ordering_fields = ["id", "name"]

    def get_queryset(self) -> QuerySet[OrgLifeBase]:
        return bases_visible(self.request.user)


def register(router: BaseRouter) -> None:
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("bases", OrgLifeBaseViewSet, basename="base")
