"""What a dashboard page reads: snapshot rows and branch colours, a fixed handful of queries per page.

A page never aggregates raw rows: every figure comes from ``StatSnapshot`` and ``BranchHealth``,
which the jobs wrote. The number of queries is the same for a grid and for the whole city.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from brands.selectors.activities import add_months
from grids.models import LEVEL_ORDER, Region, RegionLevel
from portal.scoping import Action, Viewer, can
from portal.stats import health
from portal.stats.models import BranchHealth, Colour, Period, RunStatus, StatSnapshot, StatsRun
from wishes.models import Wish, WishStatus

TREND_MONTHS = 12
LOW_LEVELS = (RegionLevel.COMMUNITY, RegionLevel.GRID)


def top_region(user: Viewer) -> Region | None:
    """The highest node the user may see: the city for city staff, their district for its staff."""
    return Region.objects.visible_to(user).order_by("path").first()


def region_for(user: Viewer, code: str) -> Region | None:
    if not code.isdigit() or len(code) > 15:
        return None
    return Region.objects.visible_to(user).filter(code=code).first()


@dataclass
class Dashboard:
    node: Region
    month: dt.date
    current: StatSnapshot | None
    last_complete: StatSnapshot | None
    trend: list[dict[str, Any]]
    children: list[dict[str, Any]]
    colours: dict[str, int]
    health_month: dt.date
    branches: list[BranchHealth]
    waiting_wishes: list[Wish]
    freshness: StatsRun | None

    @property
    def has_snapshot(self) -> bool:
        return self.freshness is not None

    @property
    def child_level(self) -> str | None:
        index = LEVEL_ORDER.index(self.node.level)
        return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None

    @property
    def low_level(self) -> bool:
        return self.node.level in LOW_LEVELS

    @property
    def colours_total(self) -> int:
        return sum(self.colours.values())

    @property
    def follow_up(self) -> list[BranchHealth]:
        return [b for b in self.branches if b.red_streak >= 2]


def freshness() -> StatsRun | None:
    """The last finished run: when the figures were computed, and the version of every page's body."""
    return StatsRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-id").first()


def dashboard(
    user: Viewer, node: Region, fresh: StatsRun | None, *, today: dt.date | None = None
) -> Dashboard:
    """The figures of a node's page, as of the run ``fresh`` (``freshness()``)."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    snapshots = StatSnapshot.objects.visible_to(user)
    # 1. The node's months: the trend, this month's stocks and last month's compliance.
    rows = list(
        snapshots.filter(
            region=node, period=Period.MONTH, period_start__gte=add_months(month, 1 - TREND_MONTHS)
        ).order_by("period_start")
    )
    by_month = {r.period_start: r for r in rows}
    trend = [_trend_point(add_months(month, n - TREND_MONTHS + 1), by_month) for n in range(TREND_MONTHS)]
    # 2-3. The children and this month's figures for each (a child with no row had nothing to count).
    children = list(Region.objects.filter(parent=node).order_by("code").values("pk", "code", "name"))
    # By the children's ids: the (region, period, start) unique index, not a join to the tree.
    child_rows = {
        s.region_id: s
        for s in snapshots.filter(
            region_id__in=[c["pk"] for c in children],
            period=Period.MONTH,
            period_start=month,
            level=_child_level(node),
        ).order_by()
    }
    for child in children:
        child["row"] = child_rows.get(child["pk"])
    children.sort(key=lambda c: -(c["row"].activities if c["row"] else 0))
    # 4. Branch colours of the last assessed month in the subtree, counted by the job on this month's
    # row (not a count over a month's branches here), and the branches to look at.
    health_month = health.latest_month(today)
    current = by_month.get(month)
    colours = dict(current.branch_colours) if current else {}
    in_subtree = BranchHealth.objects.visible_to(user).filter(
        month=health_month, region_path__startswith=node.path
    )
    listed = in_subtree.select_related("organization", "region")
    if node.level in LOW_LEVELS:
        branches = list(listed.order_by("-red_streak", "colour", "organization__name")[:100])
    else:
        branches = list(listed.filter(colour=Colour.RED).order_by("-red_streak", "region_path")[:20])
    # 5. The wishes waiting longest (a short list read by index, not an aggregation).
    waiting = list(
        Wish.objects.visible_to(user)
        .filter(status=WishStatus.PUBLISHED, community__path__startswith=node.path)
        .select_related("community")
        .order_by("published_at", "id")[:5]
    )
    return Dashboard(
        node=node,
        month=month,
        current=current,
        last_complete=by_month.get(add_months(month, -1)),
        trend=trend,
        children=children,
        colours=colours,
        health_month=health_month,
        branches=branches,
        waiting_wishes=waiting,
        freshness=fresh,
    )


def _child_level(node: Region) -> str:
    index = LEVEL_ORDER.index(node.level)
    return str(LEVEL_ORDER[min(index + 1, len(LEVEL_ORDER) - 1)])


def _trend_point(month: dt.date, by_month: dict[dt.date, StatSnapshot]) -> dict[str, Any]:
    row = by_month.get(month)
    return {
        "month": month.strftime("%Y-%m"),
        "activities": row.activities if row else 0,
        "participants": row.participants if row else 0,
        "service_hours": float(row.service_hours) if row else 0,
        "wishes_fulfilled": row.wishes_fulfilled if row else 0,
        "compliance": row.compliance_rate if row else None,
    }


def ancestors(user: Viewer, node: Region) -> list[Region]:
    """The breadcrumbs above the node that the user may open (no link that would be a 404)."""
    codes = node.ancestor_codes()
    if not codes:
        return []
    # One query; each crumb is checked against the grants in Python.
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found and can(user, Action.VIEW, found[c])]
