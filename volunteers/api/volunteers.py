"""Read API of volunteers: scoped to the requester as the staff pages are, personal data masked."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from portal.api.viewsets import ReadOnlyViewSet
from volunteers import selectors
from volunteers.filters import VolunteerFilter
from volunteers.models import Volunteer


class VolunteerSerializer(serializers.ModelSerializer):
    """Name, mobile and ID number leave only masked; the party member record is never exposed."""

    name = serializers.CharField(source="masked_name", read_only=True)
    mobile = serializers.CharField(source="masked_mobile", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    community = serializers.SlugRelatedField(slug_field="code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    specialties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_party_member = serializers.BooleanField(read_only=True)
    stars = serializers.IntegerField(read_only=True)

    class Meta:
        model = Volunteer
        fields = [
            "id", "name", "mobile", "id_number", "community", "community_name", "status",
            "specialties", "is_party_member", "is_in_service", "hours_total", "stars", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("志愿者列表"),
        description=_("可见范围内的志愿者，默认按 id 倒序。姓名、手机号、身份证号一律脱敏。"),
    ),
    retrieve=extend_schema(summary=_("志愿者详情（脱敏）")),
)
class VolunteerViewSet(ReadOnlyViewSet):
    serializer_class = VolunteerSerializer
    filterset_class = VolunteerFilter
    ordering_fields = ["id", "hours_total", "created_at"]
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Volunteer]:
        return selectors.volunteer_list(self.request.user).prefetch_related("specialties")
