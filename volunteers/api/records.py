"""/api/v1/service-records/: read (scoped; a volunteer's session sees its own records) and create
for partner keys holding ``service:write`` — an external system reporting hours for a volunteer
named by id or by ID number (matched through the keyed hash, never stored).

A create is validated by the serializer (types, bounds) and decided by ``record_create``, the
service the pages use. The partner's reference is unique per partner: the same reference twice is
a 409, and a retry with the same ``Idempotency-Key`` replays the first answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import BaseRouter

from grids.models import Region
from portal.api.auth import PartnerPrincipal
from portal.api.viewsets import CreateReadViewSet
from portal.errors import NotAllowed
from portal.filters import DateFilter, IdFilter
from portal.ids import IdSerializerField
from portal.privacy import hash_id_number
from portal.scoping import Action
from portal.validators import validate_id_number
from volunteers.models import RecordSource, RecordStatus, ServiceRecord, Volunteer
from volunteers.services.hours import KEY_WRITE_ACTION, record_create

UNKNOWN_VOLUNTEER = _("未找到该志愿者，或该志愿者不在此 API 密钥的区域内。")


class ServiceRecordFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    team = IdFilter(field_name="team_id", label=_("志愿服务队"))
    date_from = DateFilter(field_name="served_on", lookup_expr="gte", label=_("服务日期起"))
    date_to = DateFilter(field_name="served_on", lookup_expr="lte", label=_("服务日期止"))
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label=_("状态"))

    class Meta:
        model = ServiceRecord
        fields = ["region", "team", "date_from", "date_to", "status"]

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value[:15]).only("path").first()
        return queryset.filter(region__path__startswith=region.path) if region else queryset.none()


class ServiceRecordSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.masked_name", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = ServiceRecord
        fields = [
            "id", "volunteer", "volunteer_name", "region", "event", "team", "source", "served_on",
            "hours", "description", "status", "decline_reason", "partner", "external_ref",
            "created_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = fields


# Checks types and bounds; who the volunteer is and whether the key may report for them is decided here
# (inside the key's region only) and by record_create.
class ServiceRecordCreateSerializer(serializers.Serializer):
    volunteer = IdSerializerField(required=False, help_text=_("志愿者编号（与 id_number 二选一）。"))
    id_number = serializers.CharField(
        required=False,
        max_length=18,
        write_only=True,
        help_text=_("志愿者的身份证号（与 volunteer 二选一）。"),
    )
    served_on = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24")
    )
    description = serializers.CharField(max_length=200)
    external_ref = serializers.CharField(
        max_length=64, help_text=_("合作系统自己的记录编号，同一编号只接收一次。")
    )

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("不支持的字段。")] for name in unknown})
        return super().to_internal_value(data)

    def validate_id_number(self, value: str) -> str:
        try:
            validate_id_number(value)
        except Exception as error:  # Django's ValidationError: the message is the field's error
            raise serializers.ValidationError(getattr(error, "messages", [str(error)])) from None
        return value

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        if ("volunteer" in data) == ("id_number" in data):
            raise serializers.ValidationError(_("请提供 volunteer 或 id_number 其中之一。"))
        actor = self.context["request"].user
        volunteers = Volunteer.objects.visible_to(actor, KEY_WRITE_ACTION).select_related("user", "community")
        if "volunteer" in data:
            found = volunteers.filter(pk=data.pop("volunteer")).first()
        else:
            found = volunteers.filter(id_number_hash=hash_id_number(data.pop("id_number"))).first()
        if found is None:
            raise serializers.ValidationError({"volunteer": [UNKNOWN_VOLUNTEER]})
        data["volunteer"] = found
        return data


def _with_details(records: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    return records.select_related("volunteer", "region")


def records_visible_to(actor: Any) -> QuerySet[ServiceRecord]:
    """Staff and partner keys: the records of their region; a volunteer's session: its own records too."""
    records = ServiceRecord.objects.visible_to(actor, Action.VIEW)
    if getattr(actor, "pk", None) is not None and not isinstance(actor, PartnerPrincipal):
        records = records | ServiceRecord.objects.filter(volunteer__user=actor)
    return records


class ServiceRecordViewSet(CreateReadViewSet):
    """Service records in the requester's scope (a volunteer sees their own); volunteers' names masked.

    Filters: `region` (code, its subtree included), `team`, `date_from`/`date_to` (service date),
    `status`. Partner keys holding `service:write` report hours for a volunteer inside the key's
    region, named by `volunteer` (id) or `id_number`; the record waits for confirmation (`pending`).
    Each `external_ref` is accepted once per partner (409 after that); a create with an
    `Idempotency-Key` header is made once and replayed on retries.
    """

    serializer_class = ServiceRecordSerializer
    filterset_class = ServiceRecordFilter
    ordering_fields = ["id", "served_on"]
    required_write_scope = KEY_WRITE_ACTION

    def get_queryset(self) -> QuerySet[ServiceRecord]:
        return _with_details(records_visible_to(self.request.user))

    @extend_schema(request=ServiceRecordCreateSerializer, responses={201: ServiceRecordSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        actor = request.user
        if not isinstance(actor, PartnerPrincipal):
            # People confirm hours on the pages; reporting them here is for partner systems.
            raise NotAllowed(
                _("只有持有“%(scope)s”权限的合作系统 API 密钥可以提交服务时长。")
                % {"scope": KEY_WRITE_ACTION}
            )
        given = ServiceRecordCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        record = record_create(
            actor=actor,
            source=RecordSource.API,
            partner=actor.api_key.partner if isinstance(actor, PartnerPrincipal) else "",
            **given.validated_data,
        )
        created = _with_details(ServiceRecord.objects.filter(pk=record.pk)).get()
        return Response(
            ServiceRecordSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("service-record-detail", args=[created.pk], request=request)},
        )


def register(router: BaseRouter) -> None:
    router.register("service-records", ServiceRecordViewSet, basename="service-record")
