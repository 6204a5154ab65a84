"""``/api/v1/stats/``: snapshot figures by region node and period, for partner keys in their region."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from grids.models import RegionLevel
from portal.api.viewsets import ReadOnlyViewSet
from portal.stats.models import Period, StatSnapshot


class SnapshotFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", max_length=15, label=_("区划代码"))
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices, label=_("层级"))
    period = django_filters.ChoiceFilter(choices=Period.choices, label=_("周期"))
    since = django_filters.DateFilter(field_name="period_start", lookup_expr="gte", label=_("起始日期（含）"))
    until = django_filters.DateFilter(field_name="period_start", lookup_expr="lte", label=_("截止日期（含）"))

    class Meta:
        model = StatSnapshot
        fields = ["region", "level", "period", "since", "until"]


class SnapshotSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    compliance_rate = serializers.IntegerField(read_only=True, allow_null=True)
    attendance_rate = serializers.IntegerField(read_only=True, allow_null=True)
    satisfaction_rate = serializers.IntegerField(read_only=True, allow_null=True)
    activities_by_kind = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    brands_by_status = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = StatSnapshot
        fields = [
            "id", "region", "region_name", "level", "period", "period_start",
            "organizations", "branches", "members", "volunteers", "brands_by_status",
            "activities", "activities_by_kind", "attendees", "participants", "people_served",
            "compliance_due", "compliance_met", "compliance_rate", "attendance_rate",
            "service_records", "service_hours",
            "wishes_submitted", "wishes_approved", "wishes_claimed", "wishes_fulfilled", "wishes_confirmed",
            "median_hours_to_claim", "median_hours_to_fulfil", "satisfaction_rate",
            "pledges", "pledge_amount", "computed_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("统计快照"),
        description=_(
            "各级区域（市、区县、街道、社区、网格）按日、按月的统计数据，由后台统计任务生成；"
            "只返回调用方区域之内的节点。按 region、level、period、since、until 筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("统计快照详情")),
)
class SnapshotViewSet(ReadOnlyViewSet):
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering_fields = ["id", "period_start"]

    def get_queryset(self) -> QuerySet[StatSnapshot]:
        return StatSnapshot.objects.visible_to(self.request.user).select_related("region")


def register(router: BaseRouter) -> None:
    router.register("stats", SnapshotViewSet, basename="stats")
