"""Filtersets of the brands app: brands (API and wall), activity records (page and API), bases."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from brands.models import (
    ActivityKind,
    ActivityRecord,
    Brand,
    BrandCategory,
    BrandLevel,
    BrandStatus,
    OrgLifeBase,
)
from brands.selectors.activities import local_midnight
from brands.selectors.brands import wall_districts, wall_tags
from grids.models import PartyOrganization, Region
from portal.filters import DateFilter, IdFilter, IsoDateTimeFilter


class _RegionAndOrganizationFilter(django_filters.FilterSet):
    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(region__path__startswith=region.path) if region else queryset.none()

    def filter_organization(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        org = PartyOrganization.objects.filter(pk=value).only("path").first()
        return queryset.filter(organization__path__startswith=org.path) if org else queryset.none()


class _BrandFilterBase(_RegionAndOrganizationFilter):
    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # EXISTS, not a join: a join would repeat brands and multiply the figures beside them.
        through = Brand.tags.through
        return queryset.filter(Exists(through.objects.filter(brand=OuterRef("pk"), tag__name=value)))


class BrandFilter(_BrandFilterBase):
    """Filters of the brand API."""

    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    organization = IdFilter(method="filter_organization", label=_("党组织（含下级）"))
    category = django_filters.ChoiceFilter(choices=BrandCategory.choices, label=_("类别"))
    level = django_filters.ChoiceFilter(choices=BrandLevel.choices, label=_("品牌级别"))
    status = django_filters.ChoiceFilter(choices=BrandStatus.choices, label=_("状态"))
    tag = django_filters.CharFilter(method="filter_tag", label=_("标签"))
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("品牌名称"))

    class Meta:
        model = Brand
        fields = ["region", "organization", "category", "level", "status", "tag", "q"]


class WallFilter(_BrandFilterBase):
    """The public wall (published brands only): district and tag are lists to pick from."""

    q = django_filters.CharFilter(
        field_name="name",
        lookup_expr="icontains",
        label=_("搜索品牌名称"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如：小板凳")}),
    )
    district = django_filters.ChoiceFilter(method="filter_region", label=_("区县(市)"), empty_label=_("全部"))
    category = django_filters.ChoiceFilter(
        choices=BrandCategory.choices, label=_("类别"), empty_label=_("全部")
    )
    level = django_filters.ChoiceFilter(
        choices=BrandLevel.choices, label=_("品牌级别"), empty_label=_("全部")
    )
    tag = django_filters.ChoiceFilter(method="filter_tag", label=_("标签"), empty_label=_("全部"))

    class Meta:
        model = Brand
        fields = ["q", "district", "category", "level", "tag"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Two small queries for the choices; an unknown value is then simply invalid (and ignored).
        self.filters["district"].extra["choices"] = [(r.code, r.name) for r in wall_districts()]
        self.filters["tag"].extra["choices"] = [(t.name, t.name) for t in wall_tags()]


class ActivityFilter(_RegionAndOrganizationFilter):
    """Shared by the activity list page and /api/v1/activities/."""

    q = django_filters.CharFilter(method="filter_q", label=_("主题或党组织"))
    kind = django_filters.ChoiceFilter(
        choices=ActivityKind.choices, label=_("活动类型"), empty_label=_("全部类型")
    )
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    organization = IdFilter(method="filter_organization", label=_("党组织（含下级）"))
    brand = IdFilter(field_name="brand_id", label=_("品牌"))
    date_from = DateFilter(
        method="filter_date_from", label=_("开始日期（含）"), widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = DateFilter(
        method="filter_date_to", label=_("结束日期（含）"), widget=forms.DateInput(attrs={"type": "date"})
    )
    updated_after = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gt", label=_("在此时间之后有更新")
    )

    class Meta:
        model = ActivityRecord
        fields = ["q", "kind", "region", "organization", "brand", "date_from", "date_to", "updated_after"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(topic__icontains=value) | Q(organization__name__icontains=value))

    # Dates are local (Asia/Shanghai) days; compared as instants so the started_at index serves.
    def filter_date_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(started_at__gte=local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(started_at__lt=local_midnight(value + dt.timedelta(days=1)))


class BaseFilter(_RegionAndOrganizationFilter):
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    q = django_filters.CharFilter(method="filter_q", label=_("名称或主题"))

    class Meta:
        model = OrgLifeBase
        fields = ["region", "q"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(theme__icontains=value))
