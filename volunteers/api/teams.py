"""/api/v1/teams/: volunteer teams in the requester's scope, with their station, leader (masked)
and confirmed hours."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from grids.models import Region
from portal.api.viewsets import ReadOnlyViewSet
from volunteers.models import Station, Team


class TeamFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))

    class Meta:
        model = Team
        fields = ["region"]

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value[:15]).only("path").first()
        return queryset.filter(region__path__startswith=region.path) if region else queryset.none()


class StationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Station
        fields = ["id", "name", "region", "address"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    specialty = serializers.CharField(source="specialty.name", read_only=True, default=None, allow_null=True)
    station = StationSerializer(read_only=True)
    leader_name = serializers.CharField(source="leader.masked_name", read_only=True)
    members = serializers.IntegerField(source="member_count", read_only=True)

    class Meta:
        model = Team
        fields = [
            "id", "name", "specialty", "region", "station", "leader", "leader_name", "description",
            "members", "hours_total", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class TeamViewSet(ReadOnlyViewSet):
    """Volunteer teams (志愿服务队) in the requester's region: station (驿站), masked leader name,
    approved member count and confirmed hours. Filter: `region` (code, its subtree included)."""

    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    ordering_fields = ["id", "name", "hours_total"]

    def get_queryset(self) -> QuerySet[Team]:
        from volunteers.selectors import teams_with_counts

        return teams_with_counts(Team.objects.visible_to(self.request.user))


def register(router: BaseRouter) -> None:
    router.register("teams", TeamViewSet, basename="team")
