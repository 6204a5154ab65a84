"""一月一汇总、一年一考评: members' monthly totals and yearly ratings, written by Celery jobs.

- After each score event (or correction) commits, ``compute_member_month`` recomputes that member's
  month and year (``fengling.tasks``): the member's page is current within seconds.
- On the beat, ``run_scheduled`` recomputes every member's recent months (``FENGLING_RECENT_MONTHS``)
  and their years: the safety net for a task lost while the broker was down.

Both replace rows rather than add to them (running twice gives the same rows), and both hold one
lock (a PostgreSQL advisory lock, an in-process lock on SQLite) so that they never interleave: the
scheduled run skips when it is held, a member's recompute waits for it (it is short).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fengling.models import MonthlyScore, ScoreEvent, YearlyRating
from fengling.selectors import rating_for
from grids.models import PartyMember
from portal import locks

# pg_advisory_lock's key: "feng" in ASCII.
LOCK_KEY = 0x66656E67
# Rows per INSERT: a city's year is up to 300,000 members' rows.
BATCH = 5000


def exclusive(*, wait: bool) -> AbstractContextManager[bool]:
    """Hold this module's lock; yields whether it was obtained (always True when ``wait``)."""
    return locks.exclusive(LOCK_KEY, wait=wait)


def _month_rows(events, month: dt.date, now: dt.datetime) -> list[MonthlyScore]:
    sums = (
        events.filter(month=month)
        .values("member_id", "member__organization_id")
        .annotate(
            gained=Sum("points", filter=Q(points__gt=0), default=0),
            deducted=Sum("points", filter=Q(points__lt=0), default=0),
            total=Sum("points", default=0),
            events=Count("id"),
        )
        .order_by()
    )
    return [
        MonthlyScore(
            member_id=row["member_id"],
            organization_id=row["member__organization_id"],
            month=month,
            gained=row["gained"],
            deducted=-row["deducted"],
            total=row["total"],
            events=row["events"],
            computed_at=now,
        )
        for row in sums
    ]


def _year_rows(months, year: int, now: dt.datetime) -> list[YearlyRating]:
    sums = (
        months.filter(month__year=year)
        .values("member_id", "member__organization_id")
        .annotate(total=Sum("total"))
        .order_by()
    )
    rows = []
    for row in sums:
        score = settings.FENGLING_BASE_POINTS + row["total"]
        rows.append(
            YearlyRating(
                member_id=row["member_id"],
                organization_id=row["member__organization_id"],
                year=year,
                score=score,
                rating=rating_for(score),
                computed_at=now,
            )
        )
    return rows


@transaction.atomic
def _replace(months: list[dt.date], member_ids: list[int] | None) -> int:
    now = timezone.now()
    events, monthly, yearly = ScoreEvent.objects.all(), MonthlyScore.objects.all(), YearlyRating.objects.all()
    if member_ids is not None:
        events = events.filter(member_id__in=member_ids)
        monthly = monthly.filter(member_id__in=member_ids)
        yearly = yearly.filter(member_id__in=member_ids)
    written = 0
    for month in months:
        monthly.filter(month=month).delete()
        written += len(MonthlyScore.objects.bulk_create(_month_rows(events, month, now), batch_size=BATCH))
    for year in sorted({m.year for m in months}):
        yearly.filter(year=year).delete()
        written += len(YearlyRating.objects.bulk_create(_year_rows(monthly, year, now), batch_size=BATCH))
    return written


def compute_member_month(member_id: int, month: dt.date) -> int:
    """One member's month and year, after an event of theirs changed."""
    if not PartyMember.objects.filter(pk=member_id).exists():
        return 0
    with exclusive(wait=True):
        return _replace([month], [member_id])


def compute_months(months: list[dt.date]) -> int:
    """Every member's given months and their years (the years are summed from all their months)."""
    with exclusive(wait=True):
        return _replace(months, None)


def recent_months(today: dt.date, count: int) -> list[dt.date]:
    months, month = [], today.replace(day=1)
    for _ in range(max(1, count)):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    return months


def run_scheduled() -> int | None:
    """The beat's run: the recent months; None when another run holds the lock (the next catches up)."""
    with exclusive(wait=False) as got:
        if not got:
            return None
        return _replace(recent_months(timezone.localdate(), settings.FENGLING_RECENT_MONTHS), None)
