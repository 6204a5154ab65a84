"""Filters of the event list (page and API): region subtree, specialty, dates, status, upcoming."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Region
from portal.filters import DateFilter, IdFilter
from volunteers.models import Event, EventStatus, Specialty


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class EventFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", max_length=15, label=_("区域代码（含下级）"))
    specialty = django_filters.CharFilter(
        method="filter_specialty", max_length=30, label=_("需要的专长（代码）")
    )
    status = django_filters.ChoiceFilter(choices=EventStatus.choices, label=_("状态"))
    team = IdFilter(field_name="team_id", label=_("服务队编号"))
    organization = IdFilter(field_name="organization_id", label=_("党组织编号"))
    date_from = DateFilter(method="filter_date_from", label=_("开始日期不早于"))
    date_to = DateFilter(method="filter_date_to", label=_("开始日期不晚于"))
    upcoming = django_filters.BooleanFilter(method="filter_upcoming", label=_("只看未结束的活动"))

    class Meta:
        model = Event
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(region__path__startswith=region.path) if region else queryset.none()

    def filter_specialty(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # EXISTS, not a join: a join would repeat events and multiply their waitlist counts.
        wanted = Event.wanted_specialties.through.objects.filter(
            event_id=OuterRef("pk"), specialty__code=value
        )
        return queryset.filter(Exists(wanted))

    def filter_date_from(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(starts_at__gte=_local_midnight(value))

    def filter_date_to(self, queryset: QuerySet, name: str, value: dt.date) -> QuerySet:
        return queryset.filter(starts_at__lt=_local_midnight(value + dt.timedelta(days=1)))

    def filter_upcoming(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        now = timezone.now()
        return queryset.filter(ends_at__gt=now) if value else queryset.filter(ends_at__lte=now)


def specialties() -> QuerySet[Specialty]:
    return Specialty.objects.only("code", "name")
