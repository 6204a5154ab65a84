"""/api/v1/fengling/…: the Fengling index, read-only — the indicator sets, and members' monthly totals
and yearly ratings in the requester's scope (names masked)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from fengling.models import MAX_MONTHLY_LIMIT, MAX_POINTS, Behaviour, IndicatorSet, MonthlyScore, YearlyRating
from portal.api.viewsets import ReadOnlyViewSet
from portal.filters import DateFilter, IdFilter


class BehaviourSerializer(serializers.ModelSerializer):
    points = serializers.IntegerField(min_value=-MAX_POINTS, max_value=MAX_POINTS, read_only=True)
    monthly_limit = serializers.IntegerField(min_value=1, max_value=MAX_MONTHLY_LIMIT, read_only=True)

    class Meta:
        model = Behaviour
        fields = ["id", "code", "dimension", "name", "points", "monthly_limit"]
        read_only_fields = fields


class IndicatorSetSerializer(serializers.ModelSerializer):
    behaviours = BehaviourSerializer(many=True, read_only=True)

    class Meta:
        model = IndicatorSet
        fields = ["id", "field", "name", "behaviours", "updated_at"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("锋领指标体系"), description=_("各领域的锋领指标：4 个维度、16 项行为的分值和每月上限。")
    ),
    retrieve=extend_schema(summary=_("锋领指标体系详情")),
)
class IndicatorSetViewSet(ReadOnlyViewSet):
    serializer_class = IndicatorSetSerializer
    ordering_fields = ["id"]

    def get_queryset(self) -> QuerySet[IndicatorSet]:
        # Reference data, the same for every requester (as the region tree is).
        return IndicatorSet.objects.prefetch_related("behaviours").order_by("id")


class ScoreFilter(django_filters.FilterSet):
    member = IdFilter(field_name="member_id", label=_("党员 ID"))
    organization = IdFilter(field_name="organization_id", label=_("党组织 ID"))


class MonthlyScoreFilter(ScoreFilter):
    month = DateFilter(field_name="month", label=_("月份（当月 1 日）"))

    class Meta:
        model = MonthlyScore
        fields = ["member", "organization", "month"]


class MonthlyScoreSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.masked_name", read_only=True)

    class Meta:
        model = MonthlyScore
        fields = [
            "id", "member", "member_name", "organization", "month", "gained", "deducted", "total", "events",
            "computed_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("党员锋领积分月度汇总"),
        description=_(
            "由后台任务汇总；只返回调用方范围内的党员，姓名脱敏。按 member、organization、month 筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("党员锋领积分月度汇总详情")),
)
class MonthlyScoreViewSet(ReadOnlyViewSet):
    serializer_class = MonthlyScoreSerializer
    filterset_class = MonthlyScoreFilter
    ordering_fields = ["id", "month", "total"]

    def get_queryset(self) -> QuerySet[MonthlyScore]:
        return MonthlyScore.objects.visible_to(self.request.user).select_related("member").order_by("-id")


class YearlyRatingFilter(ScoreFilter):
    year = django_filters.NumberFilter(field_name="year", label=_("年度"), min_value=2000, max_value=2100)

    class Meta:
        model = YearlyRating
        fields = ["member", "organization", "year"]


class YearlyRatingSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.masked_name", read_only=True)
    # Plain text, not an enum: the schema's enum named after a field "rating" is the wishes' (满意…).
    rating = serializers.CharField(read_only=True, help_text="excellent | qualified | basic | unqualified")
    rating_label = serializers.CharField(source="get_rating_display", read_only=True)

    class Meta:
        model = YearlyRating
        fields = [
            "id", "member", "member_name", "organization", "year", "score", "rating", "rating_label", "computed_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("党员锋领指数年度考评"),
        description=_("基础分加全年积分，按阈值评为优秀、合格、基本合格、不合格；只返回调用方范围内的党员。"),
    ),
    retrieve=extend_schema(summary=_("党员锋领指数年度考评详情")),
)
class YearlyRatingViewSet(ReadOnlyViewSet):
    serializer_class = YearlyRatingSerializer
    filterset_class = YearlyRatingFilter
    ordering_fields = ["id", "year", "score"]

    def get_queryset(self) -> QuerySet[YearlyRating]:
        return YearlyRating.objects.visible_to(self.request.user).select_related("member").order_by("-id")


def register(router: BaseRouter) -> None:
    router.register("fengling/indicator-sets", IndicatorSetViewSet, basename="fengling-indicator-set")
    router.register("fengling/monthly-scores", MonthlyScoreViewSet, basename="fengling-monthly-score")
    router.register("fengling/yearly-ratings", YearlyRatingViewSet, basename="fengling-yearly-rating")
