"""Red/yellow/green (红黄绿) for party branches, assessed once a month.

The rules (thresholds are settings, shown on the dashboard as they are configured):

- The assessment of month M looks at the three months ending with M (M-2, M-1, M) and at M's last
  day. It is computed once M is over (the nightly full run assesses the last complete month).
- **Red** when any of: no activity record in the ``STATS_RYG_QUIET_DAYS`` days up to the end of M
  (none at all counts too); average attendance of the branch's meetings in the three months below
  ``STATS_RYG_RED_ATTENDANCE`` %; 主题党日 missed in two or more of the three months.
- **Yellow** when not red and any of: 主题党日 missed in one of the three months; attendance
  below ``STATS_RYG_GREEN_ATTENDANCE`` %; a micro-wish in the branch's community published and
  waiting unclaimed more than ``STATS_RYG_WISH_WAIT_DAYS`` days.
- **Green** otherwise: 主题党日 held in each of the three months and attendance at or above the
  green threshold (or no meeting with expected attendance, which the quiet rule already judges).

Attendance is Σ attendees / Σ members expected over the branch's records in the three months.
A branch red in M and in M-1 is listed for its district's follow-up (``red_streak`` ≥ 2).

Every figure comes from one GROUP BY over all branches (five queries whatever the city's size); only
the classification of each branch's few numbers runs in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length, Substr, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.models import ActivityKind, ActivityRecord
from brands.selectors.activities import add_months, local_midnight
from grids.models import PartyOrganization
from portal.stats.models import BranchHealth, Colour
from wishes.models import Wish, WishStatus

WINDOW_MONTHS = 3
COMMUNITY_PREFIX = 37  # "330200/330203/330203001/330203001001/"


@dataclass(frozen=True)
class Thresholds:
    quiet_days: int
    green_attendance: int
    red_attendance: int
    wish_wait_days: int

    @classmethod
    def from_settings(cls) -> Thresholds:
        return cls(
            quiet_days=settings.STATS_RYG_QUIET_DAYS,
            green_attendance=settings.STATS_RYG_GREEN_ATTENDANCE,
            red_attendance=settings.STATS_RYG_RED_ATTENDANCE,
            wish_wait_days=settings.STATS_RYG_WISH_WAIT_DAYS,
        )


@dataclass(frozen=True)
class Facts:
    """What the rules look at for one branch."""

    last_activity: dt.date | None
    theme_day_months: int
    attendees: int
    expected: int
    waiting_wishes: int

    @property
    def attendance(self) -> int | None:
        return round(100 * self.attendees / self.expected) if self.expected else None


def classify(facts: Facts, *, as_of: dt.date, t: Thresholds) -> tuple[str, list[dict[str, Any]]]:
    """The colour and its reasons (codes with their figures; ``reason_text`` words them)."""
    red: list[dict[str, Any]] = []
    yellow: list[dict[str, Any]] = []
    quiet = None if facts.last_activity is None else (as_of - facts.last_activity).days
    if quiet is None or quiet >= t.quiet_days:
        red.append({"code": "quiet", "days": quiet, "limit": t.quiet_days})
    missed = WINDOW_MONTHS - facts.theme_day_months
    if missed >= 2:
        red.append({"code": "theme_day_missed", "months": missed})
    elif missed == 1:
        yellow.append({"code": "theme_day_missed", "months": missed})
    rate = facts.attendance
    if rate is not None and rate < t.red_attendance:
        red.append({"code": "attendance", "rate": rate, "limit": t.red_attendance})
    elif rate is not None and rate < t.green_attendance:
        yellow.append({"code": "attendance", "rate": rate, "limit": t.green_attendance})
    if facts.waiting_wishes:
        yellow.append({"code": "wish_waiting", "count": facts.waiting_wishes, "limit": t.wish_wait_days})
    if red:
        return Colour.RED, red + yellow
    if yellow:
        return Colour.YELLOW, yellow
    return Colour.GREEN, []


def reason_text(reason: dict[str, Any]) -> str:
    code = reason.get("code")
    if code == "quiet":
        if reason.get("days") is None:
            return str(_("没有任何活动记录"))
        return str(_("%(days)d天没有活动记录（≥%(limit)d天为红）") % reason)
    if code == "theme_day_missed":
        return str(_("近3个月有%(months)d个月未开展主题党日") % reason)
    if code == "attendance":
        return str(_("近3个月平均参会率%(rate)d%%（标准%(limit)d%%）") % reason)
    if code == "wish_waiting":
        return str(_("所在社区有%(count)d个微心愿超过%(limit)d天无人认领") % reason)
    return str(code)


def assess(month: dt.date, *, now: dt.datetime | None = None) -> int:
    """Assess every branch for ``month`` (its first day); replaces that month's rows. Returns rows."""
    now = now or timezone.now()
    t = Thresholds.from_settings()
    end = add_months(month, 1)
    as_of = end - dt.timedelta(days=1)
    window_start = add_months(month, 1 - WINDOW_MONTHS)
    branches = list(PartyOrganization.objects.branches().values_list("pk", "region_id", "region__path"))
    ids = [pk for pk, _r, _p in branches]
    records = ActivityRecord.objects.filter(organization_id__in=ids, started_at__lt=local_midnight(end))
    last = dict(
        records.values("organization_id").annotate(m=Max("started_at")).values_list("organization_id", "m")
    )
    in_window = records.filter(started_at__gte=local_midnight(window_start))
    theme = dict(
        in_window.filter(kind=ActivityKind.THEME_DAY)
        .values("organization_id")
        .annotate(n=Count(TruncMonth("started_at"), distinct=True))
        .values_list("organization_id", "n")
    )
    attendance = {
        r["organization_id"]: (r["a"] or 0, r["e"] or 0)
        for r in in_window.values("organization_id").annotate(a=Sum("attendee_count"), e=Sum("member_count"))
    }
    waiting = _waiting_wishes(now, t)
    previous = dict(
        BranchHealth.objects.filter(month=add_months(month, -1)).values_list("organization_id", "red_streak")
    )
    objects = []
    for pk, region_id, path in branches:
        a, e = attendance.get(pk, (0, 0))
        seen = last.get(pk)
        facts = Facts(
            last_activity=timezone.localtime(seen).date() if seen else None,
            theme_day_months=theme.get(pk, 0),
            attendees=a,
            expected=e,
            waiting_wishes=waiting.get(path[:COMMUNITY_PREFIX], 0),
        )
        colour, reasons = classify(facts, as_of=as_of, t=t)
        objects.append(
            BranchHealth(
                organization_id=pk,
                region_id=region_id,
                region_path=path,
                month=month,
                colour=colour,
                reasons=reasons,
                attendance_rate=facts.attendance,
                last_activity=facts.last_activity,
                red_streak=previous.get(pk, 0) + 1 if colour == Colour.RED else 0,
                computed_at=now,
            )
        )
    _replace(month, objects, now=now)
    return len(objects)


_COMPARED = (
    "region_id",
    "region_path",
    "colour",
    "reasons",
    "attendance_rate",
    "last_activity",
    "red_streak",
)


def _replace(month: dt.date, objects: list[BranchHealth], *, now: dt.datetime) -> None:
    """The month's rows become ``objects``: only the rows that changed are rewritten (a nightly
    run reassesses every branch of the city, and most keep their colour); all are stamped ``now``."""
    existing = {
        row[0]: row[1:]
        for row in BranchHealth.objects.filter(month=month).values_list("organization_id", *_COMPARED)
    }
    changed = [
        o for o in objects if existing.get(o.organization_id) != tuple(getattr(o, f) for f in _COMPARED)
    ]
    stale = set(existing) - {o.organization_id for o in objects} | {o.organization_id for o in changed}
    with transaction.atomic():
        rows = BranchHealth.objects.filter(month=month)
        if len(stale) > len(existing) // 2:
            rows.delete()
            changed = objects
        elif stale:
            rows.filter(organization_id__in=stale).delete()
        rows.update(computed_at=now)
        BranchHealth.objects.bulk_create(changed, batch_size=2000)


def _waiting_wishes(now: dt.datetime, t: Thresholds) -> dict[str, int]:
    """Wishes published and unclaimed for more than the limit, per community path (as of now)."""
    overdue = Wish.objects.filter(
        status=WishStatus.PUBLISHED, published_at__lt=now - dt.timedelta(days=t.wish_wait_days)
    )
    grouped = (
        overdue.annotate(node=Substr("community__path", 1, COMMUNITY_PREFIX), plen=Length("community__path"))
        .filter(plen__gte=COMMUNITY_PREFIX)
        .values("node")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["node"]: r["n"] for r in grouped}


def latest_month(today: dt.date | None = None) -> dt.date:
    """The month the dashboards show: the last complete one."""
    return add_months((today or timezone.localdate()).replace(day=1), -1)


def assess_recent(*, today: dt.date | None = None) -> None:
    """The last two complete months, older first (the streak of the second builds on the first)."""
    month = latest_month(today)
    for m in (add_months(month, -1), month):
        assess(m)
