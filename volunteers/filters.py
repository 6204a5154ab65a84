"""Filters of the volunteer list page and the volunteer API (the same filterset for both)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grids.models import Region
from volunteers.models import Specialty, Volunteer, VolunteerStatus

# "全部 / 是 / 否" rather than the default "未知 / 是 / 否": no choice means no filter.
YES_NO = forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))])


class VolunteerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("姓名"), max_length=50)
    status = django_filters.ChoiceFilter(
        choices=VolunteerStatus.choices, label=_("状态"), empty_label=_("全部")
    )
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"), max_length=15)
    specialty = django_filters.ModelChoiceFilter(
        queryset=Specialty.objects.all(),
        to_field_name="code",
        method="filter_specialty",
        label=_("专长"),
        empty_label=_("全部"),
    )
    is_party_member = django_filters.BooleanFilter(
        field_name="member", lookup_expr="isnull", exclude=True, label=_("党员"), widget=YES_NO
    )
    is_in_service = django_filters.BooleanFilter(label=_("在职党员"), widget=YES_NO)

    class Meta:
        model = Volunteer
        fields = ["q", "status", "region", "specialty", "is_party_member", "is_in_service"]

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__startswith=value) | Q(name__icontains=value)) if value else queryset

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(community__path__startswith=region.path) if region else queryset.none()

    def filter_specialty(self, queryset: QuerySet, name: str, value: Specialty) -> QuerySet:
        return queryset.filter(specialties=value) if value else queryset
