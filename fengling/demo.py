"""Demo Fengling index (锋领指数): the six shipped indicator sets, three months of score events for
the members of 朝阳社区's demo grid branch (the ``chaoyang_secretary`` account's), their totals, and a
red and a black list entry. Small at every scale: the city's figures come from real use.

Idempotent: nothing is added once the branch has score events.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.utils import timezone

from fengling import defaults, totals
from fengling.models import Behaviour, BoardEntry, BoardKind, BoardStatus, ScoreEvent, month_start
from fengling.selectors import field_of
from grids.demo import DEMO_COMMUNITY_CODE
from grids.models import PartyMember, PartyOrganization
from portal.models import User

Log = Callable[[str], None]
MEMBERS = 8
MONTHS = 3
NOTES = ("参加主题党日", "楼道清理志愿服务", "结对走访独居老人", "防台值守", "讲微党课", "")


def seed(*, scale: str, rng: random.Random, log: Log) -> None:
    added = defaults.load()
    branch = PartyOrganization.objects.filter(region__code=f"{DEMO_COMMUNITY_CODE}001").order_by("id").first()
    if branch is None:
        log(f"  fengling: indicator behaviours {added} added; demo branch missing, no events")
        return
    if ScoreEvent.objects.filter(organization=branch).exists():
        log(f"  fengling: indicator behaviours {added} added; demo events present")
        return
    secretary = User.objects.filter(username="chaoyang_secretary").first()
    members = list(PartyMember.objects.filter(organization=branch).order_by("id")[:MEMBERS])
    behaviours = list(Behaviour.objects.filter(indicator_set__field=field_of(branch)).order_by("code"))
    events = _events(members, behaviours, secretary, rng)
    ScoreEvent.objects.bulk_create(events)
    totals.compute_months(sorted({e.month for e in events}))
    _board(members, secretary)
    log(f"  fengling: indicator behaviours {added} added · events {len(events)} · board entries 2")


def _events(members, behaviours, secretary, rng: random.Random) -> list[ScoreEvent]:
    today = timezone.localdate()
    positive = [b for b in behaviours if b.points > 0]
    deductions = [b for b in behaviours if b.points < 0]
    events = []
    month = month_start(today)
    for _ in range(MONTHS):
        days = (today - month).days if month == month_start(today) else 27
        for member in members:
            # One event per behaviour and month at most: every limit is at least one event's points.
            chosen = rng.sample(positive, rng.randint(1, 3))
            if rng.random() < 0.3:
                chosen.append(rng.choice(deductions))
            for behaviour in chosen:
                day = month + dt.timedelta(days=rng.randint(0, max(days, 0)))
                events.append(
                    ScoreEvent(
                        member=member,
                        organization_id=member.organization_id,
                        behaviour=behaviour,
                        points=behaviour.points,
                        occurred_on=day,
                        month=month,
                        note=rng.choice(NOTES),
                        recorded_by=secretary,
                    )
                )
        month = month_start(month - dt.timedelta(days=1))
    return events


def _board(members, secretary) -> None:
    today = timezone.localdate()
    BoardEntry.objects.create(
        kind=BoardKind.RED,
        member=members[0],
        organization_id=members[0].organization_id,
        reason="防台期间连续三晚值守，转移独居老人 6 名",
        red_points=10,
        status=BoardStatus.PRAISED,
        created_by=secretary,
    )
    black = members[-1]
    BoardEntry.objects.create(
        kind=BoardKind.BLACK,
        member=black,
        organization_id=black.organization_id,
        reason="连续两个月无故缺席主题党日",
        deadline=today + dt.timedelta(days=20),
        status=BoardStatus.OPEN,
        created_by=secretary,
    )
