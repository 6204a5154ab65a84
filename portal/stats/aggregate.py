"""The aggregation: raw rows → ``StatSnapshot`` rows, with set-based GROUP BYs over region path prefixes.

Region paths are made of fixed-length codes ("330200/330203/330203001/…"), so the ancestor of a row
at any level is a prefix of known length of the row's region path. Each figure is one query per
period whatever the size of the city: additive figures ``GROUP BY`` the rows' own region and day (or
month), and the grouped rows are rolled up level by level into their ancestors in Python; medians
read each row's hours once and take each node's median over its subtree's rows.

Two entry points, both idempotent (a run replaces the rows of what it recomputes, so running twice
gives the same rows) and exclusive (``portal.stats.runs`` holds a lock):

- ``rebuild_all``: every node, the last ``STATS_DAY_WINDOW`` days and ``STATS_MONTH_WINDOW`` months.
- ``rebuild_touched``: only the (node, day) pairs whose raw rows changed since an instant, and the
  months that contain those days.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, DateField, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat, TruncDate, TruncMonth
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from brands.models import ActivityRecord, Brand
from brands.selectors.activities import REQUIREMENTS, add_months, local_midnight
from grids.models import BRANCH_KINDS, CODE_LENGTH, LEVEL_ORDER, PartyMember, PartyOrganization, Region
from portal.stats import health
from portal.stats.models import BranchHealth, Period, StatSnapshot
from portal.stats.sql import HoursBetween, Median
from volunteers.models import RecordStatus, ServiceRecord, Volunteer, VolunteerStatus
from wishes.models import Pledge, PledgeStatus, Rating, Wish

# The length of a node's path at each level: "330200/" is 7, "330200/330203/" 14, and so on.
PREFIX: dict[str, int] = {}
_length = 0
for _level in LEVEL_ORDER:
    _length += CODE_LENGTH[_level] + 1
    PREFIX[str(_level)] = _length
LEVELS = list(PREFIX)
_LEVEL_OF = {n: level for level, n in PREFIX.items()}
_LENGTHS = sorted(_LEVEL_OF)

# The monthly meetings of 三会一课 (the brands app's compliance rules): each branch must hold each
# of them every month; a month's compliance is the share of (branch, meeting) pairs held.
MONTHLY_KINDS = [str(r.kind) for r in REQUIREMENTS if not r.quarterly]

Key = tuple[str, str, dt.date]  # (node path, period, period start)
Progress = Callable[[int, int], None]


@dataclass
class Window:
    """What a run recomputes: days and months (as first days), and optionally only some nodes."""

    days: list[dt.date]
    months: list[dt.date]
    nodes: dict[str, set[str]] | None = None  # level → node paths; None: every node
    # A path's ancestors that the run recomputes (``_ancestors_of``), worked out once per path.
    ancestors: dict[str, list[str]] = field(default_factory=dict, repr=False, compare=False)

    def node_filter(self, level: str) -> set[str] | None:
        return None if self.nodes is None else self.nodes.get(level, set())


@dataclass
class Outcome:
    rows: int = 0
    nodes: int = 0
    days: list[dt.date] = field(default_factory=list)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


# Grouping ----------------------------------------------------------------------------------------


def _range(field_name: str, start: dt.date, end: dt.date, *, is_date: bool = False) -> Q:
    if is_date:
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
    return Q(**{f"{field_name}__gte": local_midnight(start), f"{field_name}__lt": local_midnight(end)})


@dataclass(frozen=True)
class Source:
    """A dated figure: its rows, where they are placed, which date places them in a period."""

    queryset: Callable[[], QuerySet]
    path: str
    date_field: str
    aggregates: Callable[[], dict[str, Any]]
    keys: tuple[str, ...] = ()
    is_date: bool = False

    def bucket(self, period: str) -> Any:
        # Dates, truncated in the database's local time: no aware datetime per grouped row to convert.
        if period == Period.MONTH:
            return TruncMonth(self.date_field, output_field=DateField())
        return F(self.date_field) if self.is_date else TruncDate(self.date_field)


def _activity_aggregates() -> dict[str, Any]:
    return {
        "n": Count("id"),
        "attendees": Sum("attendee_count"),
        "expected": Sum("member_count"),
        "others": Sum("other_participants"),
        "served": Sum("people_served"),
    }


SOURCES: dict[str, Source] = {
    "activities": Source(
        lambda: ActivityRecord.objects.all(),
        "region__path",
        "started_at",
        _activity_aggregates,
        keys=("kind",),
    ),
    "compliance": Source(
        lambda: ActivityRecord.objects.filter(kind__in=MONTHLY_KINDS, organization__kind__in=BRANCH_KINDS),
        "region__path",
        "started_at",
        lambda: {
            "met": Count(Concat(Cast("organization_id", CharField()), Value(":"), "kind"), distinct=True)
        },
    ),
    "service": Source(
        lambda: ServiceRecord.objects.filter(status=RecordStatus.APPROVED),
        "region__path",
        "served_on",
        lambda: {"n": Count("id"), "hours": Sum("hours")},
        is_date=True,
    ),
    "submitted": Source(
        lambda: Wish.objects.all(), "community__path", "created_at", lambda: {"n": Count("id")}
    ),
    "approved": Source(
        lambda: Wish.objects.filter(published_at__isnull=False),
        "community__path",
        "published_at",
        lambda: {"n": Count("id")},
    ),
    "claimed": Source(
        lambda: Wish.objects.filter(claimed_at__isnull=False),
        "community__path",
        "claimed_at",
        lambda: {"n": Count("id"), "median": Median(HoursBetween("published_at", "claimed_at"))},
    ),
    "fulfilled": Source(
        lambda: Wish.objects.filter(fulfilled_at__isnull=False),
        "community__path",
        "fulfilled_at",
        lambda: {"n": Count("id"), "median": Median(HoursBetween("claimed_at", "fulfilled_at"))},
    ),
    "confirmed": Source(
        lambda: Wish.objects.filter(confirmed_at__isnull=False),
        "community__path",
        "confirmed_at",
        lambda: {
            "n": Count("id"),
            "rated": Count("id", filter=~Q(rating="")),
            "satisfied": Count("id", filter=Q(rating__in=[Rating.SATISFIED, Rating.MOSTLY])),
        },
    ),
    "pledges": Source(
        lambda: Pledge.objects.exclude(status=PledgeStatus.WITHDRAWN),
        "project__region__path",
        "pledged_at",
        lambda: {"n": Count("id"), "amount": Sum("amount")},
    ),
    "brands": Source(
        lambda: ActivityRecord.objects.filter(brand__isnull=False),
        "region__path",
        "started_at",
        lambda: {"n": Count("id")},
        keys=("brand_id", "brand__name"),
    ),
}


# Figures that add up from a node's children: grouped once by the rows' own region (the leaf) and
# summed into every ancestor in Python (one scan of the table instead of one per level). Medians do
# not add up: those sources read the hours of each row (``_add_medians``).
PER_LEVEL = frozenset({"claimed", "fulfilled"})
MEDIAN_HOURS = {"claimed": ("published_at", "claimed_at"), "fulfilled": ("claimed_at", "fulfilled_at")}


def _merge(row: dict[str, Any], name: str, agg: dict[str, Any], kind: str = "") -> None:
    """Add one grouped row of source ``name`` to a snapshot row's figures."""
    if name == "activities":
        row["activities"] += agg["n"]
        row["activities_by_kind"][kind] = row["activities_by_kind"].get(kind, 0) + agg["n"]
        row["attendees"] += agg["attendees"] or 0
        row["expected_attendees"] += agg["expected"] or 0
        row["participants"] += (agg["attendees"] or 0) + (agg["others"] or 0)
        row["people_served"] += agg["served"] or 0
    elif name == "compliance":
        # (organization, kind) pairs are disjoint between sibling nodes: distinct counts add up.
        row["compliance_met"] += agg["met"]
    elif name == "service":
        row["service_records"] += agg["n"]
        row["service_hours"] = row.get("service_hours", Decimal("0")) + (agg["hours"] or Decimal("0"))
    elif name in ("submitted", "approved", "confirmed"):
        row[f"wishes_{name}"] += agg["n"]
        if name == "confirmed":
            row["wishes_rated"] += agg["rated"]
            row["wishes_satisfied"] += agg["satisfied"]
    elif name in PER_LEVEL:  # one row per node: assigned, not added
        row[f"wishes_{name}"] = agg["n"]
        field_name = "median_hours_to_claim" if name == "claimed" else "median_hours_to_fulfil"
        row[field_name] = _rounded(agg["median"])
    elif name == "pledges":
        row["pledges"] += agg["n"]
        row["pledge_amount"] = row.get("pledge_amount", Decimal("0")) + (agg["amount"] or Decimal("0"))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def _empty_row() -> dict[str, Any]:
    row = _ZEROS.copy()
    row["activities_by_kind"], row["brands_by_status"], row["branch_colours"] = {}, {}, {}
    row["top_brands"] = []
    return row


class _Partial(dict):
    """One leaf's figures for one period: only the figures its rows touched (cheap to make, to add)."""

    def __missing__(self, key: str) -> Any:
        value = {} if key == "activities_by_kind" else 0
        self[key] = value
        return value


_COUNTERS = [
    "activities",
    "attendees",
    "expected_attendees",
    "participants",
    "people_served",
    "compliance_met",
    "compliance_due",
    "service_records",
    "wishes_submitted",
    "wishes_approved",
    "wishes_claimed",
    "wishes_fulfilled",
    "wishes_confirmed",
    "wishes_rated",
    "wishes_satisfied",
    "pledges",
    "organizations",
    "branches",
    "members",
    "volunteers",
]
_ZEROS = {**dict.fromkeys(_COUNTERS, 0), "service_hours": Decimal("0"), "pledge_amount": Decimal("0")}


# Stocks ------------------------------------------------------------------------------------------


def _stocks(window: Window, paths: dict[int, str], *, today: dt.date) -> dict[str, dict[str, Any]]:
    """Today's totals per node: organizations, branches, members, volunteers, brands by status, and
    the colours of the branches in the last assessed month (what the dashboards show today).

    Each table is grouped once by its rows' own region, and the leaves' counts summed into their
    ancestors (the nodes the run recomputes), as for the dated figures.
    """
    leaves: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    orgs = PartyOrganization.objects.values("region_id").annotate(
        n=Count("id"), branches=Count("id", filter=Q(kind__in=BRANCH_KINDS))
    )
    for r in orgs.order_by():
        leaves[paths.get(r["region_id"], "")]["organizations"] += r["n"]
        leaves[paths.get(r["region_id"], "")]["branches"] += r["branches"]
    for r in PartyMember.objects.values("region_id").annotate(n=Count("id")).order_by():
        leaves[paths.get(r["region_id"], "")]["members"] += r["n"]
    active = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE)
    for r in active.values("community_id").annotate(n=Count("id")).order_by():
        leaves[paths.get(r["community_id"], "")]["volunteers"] += r["n"]
    for r in Brand.objects.values("region_id", "status").annotate(n=Count("id")).order_by():
        leaves[paths.get(r["region_id"], "")][f"brand:{r['status']}"] += r["n"]
    assessed = BranchHealth.objects.filter(month=health.latest_month(today))
    for r in assessed.values("region_id", "colour").annotate(n=Count("id")).order_by():
        leaves[paths.get(r["region_id"], "")][f"colour:{r['colour']}"] += r["n"]
    out: dict[str, dict[str, Any]] = defaultdict(lambda: {"brands_by_status": {}, "branch_colours": {}})
    for path, figures in leaves.items():
        for node in _ancestors_of(path, window) if path else ():
            total = out[node]
            for name, n in figures.items():
                if ":" in name:
                    prefix, key = name.split(":", 1)
                    counts = total["brands_by_status" if prefix == "brand" else "branch_colours"]
                    counts[key] = counts.get(key, 0) + n
                else:
                    total[name] = total.get(name, 0) + n
    return out


# Computing ---------------------------------------------------------------------------------------


def compute(window: Window, *, today: dt.date, progress: Progress | None = None) -> dict[Key, dict[str, Any]]:
    """Every snapshot row of ``window``, as figures by (node path, period, start). Reads only."""
    rows: dict[Key, dict[str, Any]] = defaultdict(_empty_row)
    periods = [(Period.DAY, window.days), (Period.MONTH, window.months)]
    steps = len(SOURCES) * 2 + 1
    done = 0
    paths = _paths()
    for period, starts in periods:
        for name, source in SOURCES.items():
            # Compliance and top brands are figures of month rows only.
            if starts and not (name in ("compliance", "brands") and period == Period.DAY):
                _add_source(rows, name, source, period, starts, window, paths)
            done += 1
            if progress:
                progress(done, steps)
    _add_stocks(rows, _stocks(window, paths, today=today), today, window)
    if progress:
        progress(steps, steps)
    return rows


def _add_source(
    rows: dict[Key, dict[str, Any]],
    name: str,
    source: Source,
    period: str,
    starts: list[dt.date],
    window: Window,
    paths: dict[int, str],
) -> None:
    first = min(starts)
    end = max(starts) + dt.timedelta(days=1) if period == Period.DAY else add_months(max(starts), 1)
    wanted = set(starts)
    qs = source.queryset().filter(_range(source.date_field, first, end, is_date=source.is_date))
    brand_counts: dict[Key, dict[tuple[int, str], int]] = defaultdict(lambda: defaultdict(int))
    if name in PER_LEVEL:
        _add_medians(rows, name, source, qs, period, wanted, window, paths)
        return
    # Grouped by region id (no join to the region table); the paths come from one read of the tree.
    leaf = (
        qs.annotate(leaf=F(source.path.replace("__path", "_id")), bucket=source.bucket(period))
        .values("leaf", "bucket", *source.keys)
        .annotate(**source.aggregates())
        .order_by()
    )
    partials: dict[tuple[str, dt.date], dict[str, Any]] = defaultdict(_Partial)
    for agg in _fetch(leaf):
        start = _bucket_date(agg["bucket"])
        path = paths.get(agg["leaf"])
        if start not in wanted or path is None:
            continue  # a touched run recomputes only its days, not the whole span between them
        if name == "brands":
            if period == Period.MONTH:
                for node in _ancestors_of(path, window):
                    brand_counts[(node, period, start)][(agg["brand_id"], agg["brand__name"])] += agg["n"]
            continue
        _merge(partials[(path, start)], name, agg, kind=agg.get("kind", ""))
    # Each leaf's figures once, rolled up level by level (a node's figures are added into its parent
    # once, rather than each leaf's into every ancestor), then into the rows the run recomputes.
    by_length: dict[int, list[tuple[str, dt.date]]] = defaultdict(list)
    for key in partials:
        by_length[len(key[0])].append(key)
    for n in sorted({*by_length, *_LENGTHS}, reverse=True):
        parent_n = max((p for p in _LENGTHS if p < n), default=0)
        if n not in _LEVEL_OF or not parent_n:
            continue
        for path, start in by_length[n]:
            parent = (path[:parent_n], start)
            if parent not in partials:
                partials[parent] = _Partial()
                by_length[parent_n].append(parent)
            _add_into(partials[parent], partials[(path, start)])
    for (path, start), partial in partials.items():
        level = _LEVEL_OF.get(len(path))
        if level is None:  # not a node's path: counted in its ancestors as they are met
            for node in _ancestors_of(path, window):
                _add_into(rows[(node, period, start)], partial)
            continue
        wanted = window.node_filter(level)
        if wanted is None or path in wanted:
            key = (path, period, start)
            if key in rows:
                _add_into(rows[key], partial)
            else:  # the node's first figures: the partial is its own (no other reference to it)
                row = rows[key] = _empty_row()
                row.update(partial)
    for key, brands in brand_counts.items():
        top = sorted(brands.items(), key=lambda item: (-item[1], item[0][0]))[:5]
        rows[key]["top_brands"] = [{"id": pk, "name": brand, "n": n} for (pk, brand), n in top]


def _add_medians(
    rows: dict[Key, dict[str, Any]],
    name: str,
    source: Source,
    qs: QuerySet,
    period: str,
    wanted: set[dt.date],
    window: Window,
    paths: dict[int, str],
) -> None:
    """Counts and median waiting hours per node: medians do not add up, so each node's is taken over
    the hours of all the rows in its subtree, gathered from one read of the rows (hours computed in
    SQL) rather than one grouped query per level. Same figures as ``Median`` over each node's rows."""
    start_field, end_field = MEDIAN_HOURS[name]
    values = (
        qs.annotate(
            leaf=F(source.path.replace("__path", "_id")),
            bucket=source.bucket(period),
            hours=HoursBetween(start_field, end_field),
        )
        .values("leaf", "bucket", "hours")
        .order_by()
    )
    counts: dict[tuple[str, dt.date], int] = defaultdict(int)
    hours: dict[tuple[str, dt.date], list[float]] = defaultdict(list)
    for r in _fetch(values):
        start = _bucket_date(r["bucket"])
        path = paths.get(r["leaf"])
        if start not in wanted or path is None:
            continue
        value = None if r["hours"] is None else float(r["hours"])
        for node in _ancestors_of(path, window):
            counts[(node, start)] += 1
            if value is not None:
                hours[(node, start)].append(value)
    for (node, start), n in counts.items():
        found = hours.get((node, start))
        _merge(rows[(node, period, start)], name, {"n": n, "median": _median(found) if found else None})


def _median(values: list[float]) -> float:
    """PostgreSQL's ``percentile_cont(0.5)``, to the last bit: the lower middle value plus half the
    gap to the upper one."""
    values.sort()
    middle, odd = divmod(len(values) - 1, 2)
    low = values[middle]
    return low + 0.5 * (values[middle + 1] - low) if odd else low


def _add_into(row: dict[str, Any], figures: dict[str, Any]) -> None:
    for name, value in figures.items():
        if name == "activities_by_kind":
            kinds = row[name]
            for kind, n in value.items():
                kinds[kind] = kinds.get(kind, 0) + n
        else:
            row[name] += value


def _fetch(qs: QuerySet) -> Iterable[dict[str, Any]]:
    """The rows of a ``values()`` query. On PostgreSQL straight from the cursor: the grouped rows
    come as the types the figures need (dates, ints, Decimals), and Django's per-value converters
    are most of the cost of hundreds of thousands of rows. Elsewhere (SQLite) the queryset's rows."""
    if connection.vendor != "postgresql":
        yield from qs
        return
    query = qs.query
    names = list(query.selected) if query.selected else [
        *query.extra_select, *query.values_select, *query.annotation_select
    ]  # fmt: skip
    for chunk in query.get_compiler(qs.db).execute_sql(MULTI):
        for values in chunk:
            yield dict(zip(names, values, strict=True))


def _paths() -> dict[int, str]:
    return dict(Region.objects.values_list("pk", "path"))


def _ancestors_of(path: str, window: Window) -> list[str]:
    """The nodes at every level that a row placed at ``path`` counts in (those the run recomputes)."""
    known = window.ancestors.get(path)
    if known is not None:
        return known
    found = window.ancestors[path] = []
    for level, n in PREFIX.items():
        if len(path) < n:
            break
        node = path[:n]
        wanted = window.node_filter(level)
        if wanted is None or node in wanted:
            found.append(node)
    return found


def _bucket_date(value: Any) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return _as_date(value)


def _add_stocks(
    rows: dict[Key, dict[str, Any]], stocks: dict[str, dict[str, Any]], today: dt.date, window: Window
) -> None:
    # Stocks belong to the current day and month only: older rows keep the totals they were given.
    current = [(Period.DAY, today)] if today in window.days else []
    if _month(today) in window.months:
        current.append((Period.MONTH, _month(today)))
    for node, figures in stocks.items():
        for period, start in current:
            rows[(node, period, start)].update(figures)
    # Compliance due: each branch (counted now) owes each monthly meeting in every month already over.
    # A node with no record at all in a month has no row: the page reads that as nothing held.
    for (node, period, start), row in rows.items():
        if period == Period.MONTH and start < _month(today):
            row["compliance_due"] = stocks.get(node, {}).get("branches", 0) * len(MONTHLY_KINDS)


# Writing -----------------------------------------------------------------------------------------


def write(window: Window, rows: dict[Key, dict[str, Any]], *, now: dt.datetime) -> int:
    """Replace the window's snapshot rows by ``rows`` in one transaction; returns rows written.

    Stocks of past periods are kept as they were (they are computed for today only). On
    PostgreSQL the rows are copied into a temporary table (straight from the computed figures, no
    model instances) and merged with one upsert that leaves unchanged rows alone, and one anti-join
    delete of the window's rows no longer produced: a nightly rebuild of the city rewrites only what
    changed. Elsewhere (SQLite) delete and insert.
    """
    regions = {path: (pk, level) for pk, path, level in Region.objects.values_list("pk", "path", "level")}
    placed = [(regions[key[0]], key, figures) for key, figures in rows.items() if key[0] in regions]
    # (A row placed in a region deleted meanwhile is dropped.)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _merge_postgres(window, _csv(placed, now), incoming=len(placed))
        else:
            objects = [
                StatSnapshot(
                    region_id=pk,
                    region_path=path,
                    level=level,
                    period=period,
                    period_start=start,
                    computed_at=now,
                    **figures,
                )
                for (pk, level), (path, period, start), figures in placed
            ]
            _carry_stocks(window, objects)
            _delete(window)
            StatSnapshot.objects.bulk_create(objects, batch_size=2000)
    return len(placed)


_FIELDS = [f for f in StatSnapshot._meta.concrete_fields if not f.primary_key]
_KEY_COLUMNS = ("region_id", "period", "period_start")
_IDENTITY = ("region_id", "region_path", "level", "period", "period_start", "computed_at")
_JSON = frozenset(f.attname for f in _FIELDS if f.get_internal_type() == "JSONField")


def _csv(placed: list[tuple[tuple[int, str], Key, dict[str, Any]]], now: dt.datetime) -> io.StringIO:
    """The rows as CSV for COPY, in ``_FIELDS`` order: figures missing from a row take the field's default."""
    figures_fields = [f for f in _FIELDS if f.attname not in _IDENTITY]
    defaults = {f.attname: f.get_default() for f in figures_fields}
    dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
    position = {f.attname: i for i, f in enumerate(_FIELDS)}
    identity = [position[name] for name in _IDENTITY]
    # JSON figures: most are empty, written as a constant.
    empty = {name: dumps(defaults[name]) for name in _JSON if name in defaults}
    figures_at = [(position[f.attname], f.attname, empty.get(f.attname)) for f in figures_fields]
    stamp = now.isoformat()
    buffer = io.StringIO()
    out = csv.writer(buffer)
    line: list[Any] = [None] * len(_FIELDS)
    for (pk, level), (path, period, start), figures in placed:
        for i, value in zip(identity, (pk, path, level, period, start.isoformat(), stamp), strict=True):
            line[i] = value
        for i, name, json_empty in figures_at:
            value = figures.get(name, defaults[name])
            if json_empty is not None:
                value = dumps(value) if value else json_empty
            line[i] = value
        out.writerow(line)
    buffer.seek(0)
    return buffer


def _merge_postgres(window: Window, buffer: io.StringIO, *, incoming: int) -> None:
    """Update the rows that changed, insert the new ones, delete those no longer produced.

    An update joined to the incoming rows rather than ``INSERT … ON CONFLICT DO UPDATE … WHERE``:
    the latter locks (and so writes) every conflicting row, changed or not — the whole table on a
    nightly run of the city.
    """
    columns = [f.column for f in _FIELDS]
    names = ", ".join(columns)
    today = timezone.localdate()
    stocks = {StatSnapshot._meta.get_field(n).column for n in STOCK_FIELDS}
    flows = [c for c in columns if c not in _KEY_COLUMNS and c not in stocks and c != "computed_at"]
    is_current = "(i.period = 'day' AND i.period_start = %s) OR (i.period = 'month' AND i.period_start = %s)"
    settings_sql = ", ".join(
        [f"{c} = i.{c}" for c in flows]
        + [f"{c} = CASE WHEN {is_current} THEN i.{c} ELSE s.{c} END" for c in sorted(stocks)]
        + ["computed_at = i.computed_at"]
    )
    changed = " OR ".join(
        [f"ROW({', '.join('s.' + c for c in flows)}) IS DISTINCT FROM ROW({', '.join('i.' + c for c in flows)})"]
        + [f"(({is_current}) AND ROW({', '.join('s.' + c for c in sorted(stocks))}) IS DISTINCT FROM "
           f"ROW({', '.join('i.' + c for c in sorted(stocks))}))"]
    )  # fmt: skip
    same_key = "i.region_id = s.region_id AND i.period = s.period AND i.period_start = s.period_start"
    current_params = [today, _month(today)]
    table = StatSnapshot._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE stats_incoming ON COMMIT DROP AS SELECT {names} FROM {table} WITH NO DATA"
        )
        cursor.cursor.copy_expert(f"COPY stats_incoming ({names}) FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute("CREATE INDEX ON stats_incoming (region_id, period, period_start)")
        cursor.execute("ANALYZE stats_incoming")
        # The incoming rows all lie in the window: its selection lets an incremental run's few rows
        # be found by index rather than by reading the table. (The aggregation lock keeps other
        # writers out between the update and the insert.)
        selection, params = _window_sql(window)
        cursor.execute(
            f"UPDATE {table} AS s SET {settings_sql} FROM stats_incoming i "
            f"WHERE {selection} AND {same_key} AND ({changed})",
            current_params * len(stocks) + params + current_params,
        )
        written = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} FROM stats_incoming i "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} s WHERE {selection} AND {same_key})",
            params,
        )
        written += cursor.rowcount
        cursor.execute(
            f"DELETE FROM {table} s WHERE {selection} AND NOT EXISTS (SELECT 1 FROM stats_incoming i "
            f"WHERE {same_key})",
            params,
        )
        written += cursor.rowcount
        cursor.execute("DROP TABLE stats_incoming")
        if window.nodes is None and written * 10 >= incoming:
            # A full run that rewrote a large share of the table: fresh statistics keep the pages'
            # plans on the (region, period, start) index rather than a stale estimate.
            cursor.execute(f"ANALYZE {table}")


def _window_sql(window: Window) -> tuple[str, list[Any]]:
    sql = "((s.period = 'day' AND s.period_start = ANY(%s)) OR (s.period = 'month' AND s.period_start = ANY(%s)))"
    params: list[Any] = [list(window.days), list(window.months)]
    if window.nodes is not None:
        sql += " AND s.region_path = ANY(%s)"
        params.append(sorted(set().union(*window.nodes.values())))
    return sql, params


def _stale(window: Window) -> QuerySet:
    selection = Q(period=Period.DAY, period_start__in=window.days) | Q(
        period=Period.MONTH, period_start__in=window.months
    )
    qs = StatSnapshot.objects.filter(selection)
    if window.nodes is not None:
        qs = qs.filter(region_path__in=sorted(set().union(*window.nodes.values())))
    return qs


def _delete(window: Window) -> None:
    _stale(window).delete()


STOCK_FIELDS = ("organizations", "branches", "members", "volunteers", "brands_by_status", "branch_colours")


def _carry_stocks(window: Window, objects: list[StatSnapshot]) -> None:
    """Rows of past periods keep the stocks they held (stocks are computed for today only)."""
    today = timezone.localdate()
    past = [o for o in objects if o.period_start < (today if o.period == Period.DAY else _month(today))]
    if not past:
        return
    old = {
        (s["region_path"], s["period"], s["period_start"]): s
        for s in _stale(window).values("region_path", "period", "period_start", *STOCK_FIELDS)
    }
    for obj in past:
        before = old.get((obj.region_path, obj.period, obj.period_start))
        if before is None:
            continue
        for name in STOCK_FIELDS:
            setattr(obj, name, before[name])


# Windows -----------------------------------------------------------------------------------------


def full_window(today: dt.date) -> Window:
    days = [today - dt.timedelta(days=n) for n in range(settings.STATS_DAY_WINDOW)]
    months = [add_months(_month(today), -n) for n in range(settings.STATS_MONTH_WINDOW)]
    return Window(days=sorted(days), months=sorted(months))


def touched_window(since: dt.datetime, today: dt.date) -> Window:
    """The (node, day) pairs whose raw rows changed since ``since``; their months with them."""
    pairs: set[tuple[str, dt.date]] = set()
    for path, day in _changes(since):
        if day is not None:
            pairs.add((path, _as_date(day)))
    full = full_window(today)
    in_window = set(full.days)
    first_month = full.months[0]
    days = sorted({d for _p, d in pairs if d in in_window})
    months = sorted({_month(d) for _p, d in pairs if _month(d) >= first_month})
    nodes: dict[str, set[str]] = {level: set() for level in LEVELS}
    for path, _day in pairs:
        for level, n in PREFIX.items():
            if len(path) >= n:
                nodes[level].add(path[:n])
    # Stocks changed today: today's and this month's rows of the touched nodes are recomputed too.
    if any(nodes.values()):
        days = sorted({*days, today})
        months = sorted({*months, _month(today)})
    return Window(days=days, months=months, nodes=nodes)


def _changes(since: dt.datetime) -> Iterable[tuple[str, Any]]:
    """(region path, day) of every raw row changed since ``since``: a few indexed range reads."""
    today = timezone.localdate()
    yield from ActivityRecord.objects.filter(updated_at__gte=since).values_list("region__path", "started_at")
    yield from (
        ServiceRecord.objects.filter(Q(created_at__gte=since) | Q(decided_at__gte=since))
        .values_list("region__path", "served_on")
    )  # fmt: skip
    for path, *days in Wish.objects.filter(updated_at__gte=since).values_list(
        "community__path", "created_at", "published_at", "claimed_at", "fulfilled_at", "confirmed_at"
    ):
        for day in days:
            yield path, day
    yield from (
        Pledge.objects.filter(Q(pledged_at__gte=since) | Q(confirmed_at__gte=since))
        .values_list("project__region__path", "pledged_at")
    )  # fmt: skip
    # Stocks: a changed organization, member, volunteer or brand changes today's totals of its nodes.
    for qs, path in (
        (PartyOrganization.objects.filter(updated_at__gte=since), "region__path"),
        (PartyMember.objects.filter(updated_at__gte=since), "region__path"),
        (Volunteer.objects.filter(updated_at__gte=since), "community__path"),
        (Brand.objects.filter(updated_at__gte=since), "region__path"),
    ):
        for p in qs.values_list(path, flat=True).distinct():
            yield p, today


def rebuild(window: Window, *, progress: Progress | None = None) -> Outcome:
    today = timezone.localdate()
    rows = compute(window, today=today, progress=progress)
    written = write(window, rows, now=timezone.now())
    nodes = len({path for path, _p, _s in rows})
    return Outcome(rows=written, nodes=nodes, days=window.days)
