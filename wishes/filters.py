"""Filters of the wish API (/api/v1/wishes/): region, status, category, updated since."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grids.models import Region
from portal.filters import IsoDateTimeFilter
from wishes.models import Wish, WishCategory, WishStatus


class WishFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", max_length=15, label=_("区划代码（含下级）"))
    status = django_filters.ChoiceFilter(choices=WishStatus.choices, label=_("状态"))
    category = django_filters.ChoiceFilter(choices=WishCategory.choices, label=_("类别"))
    updated_since = IsoDateTimeFilter(
        field_name="updated_at", lookup_expr="gte", label=_("此时间及之后有更新")
    )

    class Meta:
        model = Wish
        fields = ["region", "status", "category", "updated_since"]

    def filter_region(self, queryset: QuerySet[Wish], name: str, value: str) -> QuerySet[Wish]:
        # A filter within what the scope already allows (the viewset's queryset), not a scope.
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(community__path__startswith=region.path) if region else queryset.none()
