"""Reads for activity records, branch pages and organizational-life bases.

Every list here costs a fixed number of queries whatever the number of rows: related rows are
joined or prefetched, and the 三会一课 compliance grid comes from one aggregated query.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import chain
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from brands.models import (
    ActivityKind,
    ActivityPhoto,
    ActivityRecord,
    BaseBooking,
    BaseSlot,
    BookingStatus,
    Brand,
    BrandStatus,
    OrgLifeBase,
)
from grids.models import PartyMember, PartyOrganization
from grids.selectors import organizations_changeable
from portal import history
from portal.models import Role
from portal.scoping import Action, Actor

# ---------------------------------------------------------------------------------------------
# Members and organizations


def members_of(organization: PartyOrganization) -> QuerySet[PartyMember]:
    """The organization's members, its 党小组 included: who may attend its meetings."""
    return PartyMember.objects.filter(organization__path__startswith=organization.path)


def recordable_organizations(actor: Actor) -> QuerySet[PartyOrganization]:
    """Organizations the actor records activities for as their branch secretary (usually one)."""
    return PartyOrganization.objects.filter(
        roleassignment__user=actor, roleassignment__role=Role.BRANCH_SECRETARY
    ).select_related("region")


def default_organization(actor: Actor) -> PartyOrganization | None:
    """The one organization a secretary works for; None when there are several or none."""
    organizations = list(recordable_organizations(actor)[:2])
    return organizations[0] if len(organizations) == 1 else None


def organizations_to_choose(actor: Actor, query: str = "", limit: int = 30) -> list[PartyOrganization]:
    """Branches a staff member may record for, narrowed by name (a city has ~14,700 of them)."""
    organizations = organizations_changeable(actor).branches()
    if query:
        organizations = organizations.filter(name__icontains=query)
    return list(organizations.select_related("region").order_by("region__path", "name")[:limit])


# ---------------------------------------------------------------------------------------------
# Activity records


def activities_visible_to(actor: Actor, action: str = Action.VIEW) -> QuerySet[ActivityRecord]:
    return ActivityRecord.objects.visible_to(actor, action)


# What a row of the list pages shows (brands/activity_items.html): at city scale building the
# records and their related objects was most of a district's page (issue 6), so only these are read.
LIST_FIELDS = (
    "id",
    "organization_id",
    "region_id",
    "brand_id",
    "kind",
    "started_at",
    "topic",
    "place",
    "attendee_count",
    "member_count",
)


def _list_photos() -> Prefetch:
    # Into a list: ``photos.all()`` would build a filtered queryset per record just to read the cache.
    return Prefetch("photos", queryset=ActivityPhoto.objects.order_by("position", "id"), to_attr="photo_list")


def activity_list(actor: Actor) -> QuerySet[ActivityRecord]:
    """Rows for the activity list page: three queries for a page whatever its length."""
    return (
        activities_visible_to(actor)
        .select_related("organization", "region", "brand")
        .only(*LIST_FIELDS, "organization__name", "region__name", "brand__name")
        .prefetch_related(_list_photos())
        .order_by("-started_at", "-id")
    )


def activity_for_page(actor: Actor, pk: int) -> ActivityRecord | None:
    return (
        activities_visible_to(actor)
        .select_related("organization__region", "region", "brand", "created_by", "base_booking__slot__base")
        .prefetch_related("photos", Prefetch("attendees", queryset=PartyMember.objects.order_by("id")))
        .filter(pk=pk)
        .first()
    )


def branch_records(organization: PartyOrganization, month: dt.date | None = None) -> QuerySet[ActivityRecord]:
    """The branch's records (its 党小组 included), newest first; one month's when ``month`` is given."""
    records = (
        ActivityRecord.objects.filter(organization__path__startswith=organization.path)
        .select_related("brand", "organization")
        .only(*LIST_FIELDS, "organization__name", "brand__name")
        .prefetch_related(_list_photos())
        .order_by("-started_at", "-id")
    )
    if month is not None:
        records = records.filter(
            started_at__gte=local_midnight(month), started_at__lt=local_midnight(add_months(month, 1))
        )
    return records


def brands_for(organization: PartyOrganization, keep: Brand | None = None) -> QuerySet[Brand]:
    """Brands a record of this organization may be filed under: its own, not archived."""
    condition = Q(organization=organization) & ~Q(status=BrandStatus.ARCHIVED)
    if keep is not None:
        condition |= Q(pk=keep.pk)
    return Brand.objects.filter(condition).only("id", "name").order_by("name")


def bookings_to_record(
    organization: PartyOrganization, keep: BaseBooking | None = None
) -> QuerySet[BaseBooking]:
    """Live bookings of the organization that a record may name as its place.

    Only slots that have begun by the end of today: a record is never about the future.
    """
    tomorrow = local_midnight(timezone.localdate() + dt.timedelta(days=1))
    condition = Q(
        organization=organization,
        status=BookingStatus.BOOKED,
        activity__isnull=True,
        slot__starts_at__lt=tomorrow,
    )
    if keep is not None:
        condition |= Q(pk=keep.pk)
    return BaseBooking.objects.filter(condition).select_related("slot__base").order_by("-slot__starts_at")


# ---------------------------------------------------------------------------------------------
# History

HISTORY_LENGTH = 50
# Fields a person can read in the history, in the order they appear on the form.
HISTORY_FIELDS = (
    "kind", "topic", "started_at", "ended_at", "place", "base_booking", "brand", "attendees",
    "other_participants", "people_served", "satisfaction", "summary",
)  # fmt: skip


def activity_history(record: ActivityRecord) -> list[history.HistoryEntry]:
    """Who changed what and when, newest first; each entry compared with the one before it.

    Costs four queries at most: the snapshots with their users, the attendees of each snapshot,
    and the names of the members and of the brands that appear in them.
    """
    snapshots = history.latest_records(record, HISTORY_LENGTH)
    attendees = history.m2m_snapshots(snapshots, "attendees")
    member_name = history.names(PartyMember, chain.from_iterable(attendees.values()))
    formats = {
        "brand": history.names(Brand, (s.brand_id for s in snapshots)),
        "base_booking": lambda pk: str(_("基地预约 #%(id)s") % {"id": pk}),
    }
    compares = {"attendees": _attendee_change(attendees, member_name)}
    # A record without a user came through the API, from a partner system.
    return history.entries(
        snapshots,
        HISTORY_FIELDS,
        limit=HISTORY_LENGTH,
        formats=formats,
        compares=compares,
        nobody=str(_("合作系统")),
    )


def _attendee_change(attendees: dict[int, list[int]], member_name: history.Format) -> history.Compare:
    """Who left the list and who joined it, rather than two long lists of names."""

    def compare(older: Any, newer: Any) -> tuple[str, str] | None:
        before, after = set(attendees[older.history_id]), set(attendees[newer.history_id])
        if before == after:
            return None
        separator = pgettext("list separator", "、")
        removed = separator.join(sorted(member_name(pk) for pk in before - after))
        added = separator.join(sorted(member_name(pk) for pk in after - before))
        return (
            str(_("移出：%(names)s") % {"names": removed}) if removed else history.EMPTY,
            str(_("加入：%(names)s") % {"names": added}) if added else history.EMPTY,
        )

    return compare


# ---------------------------------------------------------------------------------------------
# 三会一课 compliance


class PeriodStatus(StrEnum):
    MET = "met"
    MISSING = "missing"
    OPEN = "open"  # the current month or quarter: not missing until it is over


@dataclass(frozen=True)
class Requirement:
    kind: ActivityKind
    quarterly: bool

    @property
    def label(self) -> str:
        return str(self.kind.label)

    @property
    def frequency(self) -> str:
        return str(_("每季度") if self.quarterly else _("每月"))


# 三会一课 plus the monthly 主题党日: what every branch must hold, and how often.
REQUIREMENTS = (
    Requirement(ActivityKind.THEME_DAY, quarterly=False),
    Requirement(ActivityKind.GROUP_MEETING, quarterly=False),
    Requirement(ActivityKind.COMMITTEE_MEETING, quarterly=False),
    Requirement(ActivityKind.GENERAL_MEETING, quarterly=True),
    Requirement(ActivityKind.PARTY_LECTURE, quarterly=True),
)


@dataclass(frozen=True)
class Period:
    first_month: dt.date
    span: int  # months of the grid the cell covers (a quarter may be cut by the window's start)
    count: int
    status: PeriodStatus
    label: str
    current: bool = False  # the month or quarter under way: it counts towards nothing yet

    @property
    def is_missing(self) -> bool:
        return self.status == PeriodStatus.MISSING


@dataclass(frozen=True)
class ComplianceRow:
    requirement: Requirement
    periods: list[Period]

    @property
    def missing(self) -> list[Period]:
        return [p for p in self.periods if p.is_missing]

    @property
    def due(self) -> int:
        return sum(1 for p in self.periods if not p.current)


@dataclass(frozen=True)
class Compliance:
    months: list[dt.date]
    rows: list[ComplianceRow] = field(default_factory=list)

    @property
    def missing_count(self) -> int:
        return sum(len(row.missing) for row in self.rows)

    @property
    def due_count(self) -> int:
        return sum(row.due for row in self.rows)

    @property
    def rate(self) -> int | None:
        """Share of the periods already over in which the required meeting was held (percent)."""
        due = self.due_count
        return round(100 * (due - self.missing_count) / due) if due else None


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def quarter_start(month: dt.date) -> dt.date:
    return dt.date(month.year, (month.month - 1) // 3 * 3 + 1, 1)


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def branch_compliance(
    organization: PartyOrganization, *, today: dt.date | None = None, months: int = 12
) -> Compliance:
    """三会一课 compliance over the ``months`` ending with the current one: one query."""
    current = (today or timezone.localdate()).replace(day=1)
    window = [add_months(current, n - months + 1) for n in range(months)]
    # A quarter cut by the window's start still counts its earlier months.
    counts = monthly_counts(organization, since=quarter_start(window[0]), until=add_months(current, 1))
    rows = [
        ComplianceRow(
            r, _quarterly(r, window, counts, current) if r.quarterly else _monthly(r, window, counts, current)
        )
        for r in REQUIREMENTS
    ]
    return Compliance(months=window, rows=rows)


def monthly_counts(
    organization: PartyOrganization, *, since: dt.date, until: dt.date
) -> dict[tuple[str, dt.date], int]:
    """Records per (kind, local month) for the organization and its 党小组, in one GROUP BY."""
    rows = (
        ActivityRecord.objects.filter(
            organization__path__startswith=organization.path,
            kind__in=[r.kind for r in REQUIREMENTS],
            started_at__gte=local_midnight(since),
            started_at__lt=local_midnight(until),
        )
        .annotate(month=TruncMonth("started_at"))  # truncated in the current time zone (Asia/Shanghai)
        .values("kind", "month")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(row["kind"], _as_date(row["month"])): row["n"] for row in rows}


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _status(count: int, is_current: bool) -> PeriodStatus:
    if count:
        return PeriodStatus.MET
    return PeriodStatus.OPEN if is_current else PeriodStatus.MISSING


def _monthly(requirement: Requirement, window: list[dt.date], counts: dict, current: dt.date) -> list[Period]:
    periods = []
    for month in window:
        count = counts.get((requirement.kind.value, month), 0)
        label = _("%(year)d年%(month)d月") % {"year": month.year, "month": month.month}
        is_current = month == current
        periods.append(Period(month, 1, count, _status(count, is_current), label, is_current))
    return periods


def _quarterly(
    requirement: Requirement, window: list[dt.date], counts: dict, current: dt.date
) -> list[Period]:
    spans: dict[dt.date, list[dt.date]] = defaultdict(list)
    for month in window:
        spans[quarter_start(month)].append(month)
    periods = []
    for start, months in spans.items():
        quarter = [add_months(start, i) for i in range(3)]
        count = sum(counts.get((requirement.kind.value, m), 0) for m in quarter)
        label = _("%(year)d年第%(q)d季度") % {"year": start.year, "q": (start.month - 1) // 3 + 1}
        is_current = current in quarter
        periods.append(Period(months[0], len(months), count, _status(count, is_current), label, is_current))
    return periods


# ---------------------------------------------------------------------------------------------
# Organizational-life bases

SLOT_HORIZON = dt.timedelta(days=60)


def bases_visible(actor: Actor) -> QuerySet[OrgLifeBase]:
    """Active bases in the actor's region, each with all its coming slots (``upcoming``)."""
    coming = BaseSlot.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at")
    return (
        OrgLifeBase.objects.visible_to(actor)
        .filter(is_active=True)
        .select_related("region")
        .prefetch_related(Prefetch("slots", queryset=coming, to_attr="upcoming"))
    )


def open_bases(*, region_path: str = "", horizon: dt.timedelta = SLOT_HORIZON) -> QuerySet[OrgLifeBase]:
    """Active bases with their coming slots (``upcoming``), two queries in all."""
    now = timezone.now()
    slots = BaseSlot.objects.filter(starts_at__gt=now, starts_at__lt=now + horizon).order_by("starts_at")
    bases = (
        OrgLifeBase.objects.filter(is_active=True)
        .select_related("region")
        .prefetch_related(Prefetch("slots", queryset=slots, to_attr="upcoming"))
    )
    return bases.filter(region__path__startswith=region_path) if region_path else bases


def bookings_of(organization: PartyOrganization) -> QuerySet[BaseBooking]:
    """An organization's bookings: coming ones first, then the past, newest first."""
    return (
        BaseBooking.objects.filter(organization=organization)
        .select_related("slot__base__region", "booked_by", "activity")
        .order_by("-slot__starts_at")
    )


def live_booking_slot_ids(organization: PartyOrganization, slots: Iterable[BaseSlot]) -> set[int]:
    """Which of these slots the organization already holds (to show 已预约 instead of 预约)."""
    return set(
        BaseBooking.objects.filter(
            organization=organization, status=BookingStatus.BOOKED, slot__in=[s.pk for s in slots]
        ).values_list("slot_id", flat=True)
    )
