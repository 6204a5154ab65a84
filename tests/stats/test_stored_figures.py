"""What the job stores so that pages and incremental runs stay cheap: the branches' colour counts on
the snapshot rows, incremental runs that rewrite only the changed nodes, and the indexes their
change scan reads."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from brands.models import ActivityKind, ActivityRecord
from brands.selectors.activities import add_months
from grids.models import PartyMember
from portal.stats import health, runs, selectors
from portal.stats.models import BranchHealth, Period, StatSnapshot
from tests.brands.activity_factories import RecordFactory
from tests.stats.conftest import days_ago

pytestmark = pytest.mark.django_db


def colour_counts(path: str) -> dict[str, int]:
    month = health.latest_month()
    rows = BranchHealth.objects.filter(month=month, region_path__startswith=path)
    return dict(Counter(rows.values_list("colour", flat=True)))


def test_colour_counts_stored_equal_the_branch_rows_at_every_node(small_world):
    w = small_world
    # Haishu's branch held a theme day in each of the three assessed months: not red; Jiangbei's: red.
    month = health.latest_month()
    for n in range(3):
        day = add_months(month, -n) + dt.timedelta(days=9)
        RecordFactory(
            organization=w.haishu_branch,
            kind=ActivityKind.THEME_DAY,
            started_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))),
            attendee_count=3,
        )
    runs.run_full()
    current = StatSnapshot.objects.filter(
        period=Period.MONTH, period_start=timezone.localdate().replace(day=1)
    )
    assert current.count() >= 9  # the city, two districts and each one's chain down to its grid
    for row in current:
        assert row.branch_colours == colour_counts(row.region_path), row.region_path
    city = current.get(region=w.city)
    assert sum(city.branch_colours.values()) == BranchHealth.objects.filter(month=month).count() == 2
    assert city.branch_colours.get("red") == 1  # Jiangbei
    assert current.get(region=w.jiangbei).branch_colours == {"red": 1}
    # The page shows the stored counts, and no longer counts the branches itself.
    for node in (w.city, w.haishu, w.haishu_grid):
        assert selectors.dashboard(w.city_staff, node, None).colours == colour_counts(node.path)


def test_colour_counts_are_a_stock_kept_by_older_rows(small_world):
    w = small_world
    this_month = timezone.localdate().replace(day=1)
    earlier = add_months(this_month, -1)
    started = timezone.make_aware(dt.datetime.combine(earlier + dt.timedelta(days=9), dt.time(9)))
    RecordFactory(organization=w.jiangbei_branch, started_at=started)  # the city has a row that month
    runs.run_full()
    # A row of an earlier month keeps what it held (stocks are computed for today only).
    StatSnapshot.objects.update_or_create(
        region=w.city,
        period=Period.MONTH,
        period_start=earlier,
        defaults={
            "region_path": w.city.path,
            "level": w.city.level,
            "branch_colours": {"green": 7},
            "computed_at": timezone.now(),
        },
    )
    runs.run_full()
    assert StatSnapshot.objects.get(
        region=w.city, period_start=earlier, period=Period.MONTH
    ).branch_colours == {"green": 7}
    city_now = StatSnapshot.objects.get(region=w.city, period=Period.MONTH, period_start=this_month)
    assert city_now.branch_colours == colour_counts(w.city.path)


def test_an_incremental_run_rewrites_only_the_changed_nodes(small_world, settings):
    settings.STATS_CHANGE_MARGIN_SECONDS = 0  # the world was made just before: not "changed" here
    w = small_world
    runs.run_full()

    def state() -> dict:
        return {
            (r["region_path"], r["period"], r["period_start"]): r
            for r in StatSnapshot.objects.values().order_by("pk")
        }

    before = state()
    RecordFactory(organization=w.jiangbei_branch, started_at=days_ago(4))
    record = runs.run_incremental()
    chain = {p for p in {r[0] for r in before} if w.jiangbei_branch.region.path.startswith(p)}
    assert len(chain) == 5  # the city, Jiangbei and its street, community and grid
    assert record.nodes == len(chain)
    after = state()
    rewritten = {key[0] for key, row in after.items() if before.get(key) != row}
    assert rewritten and rewritten <= chain
    assert {key[0] for key in set(before) ^ set(after)} <= chain


@pytest.mark.postgres
def test_the_change_scan_reads_indexes(small_world):
    """Activity records, members, organizations and brands changed since an instant: a range read."""
    since = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for qs, index in (
            (ActivityRecord.objects.filter(updated_at__gte=since), "activity_updated"),
            (PartyMember.objects.filter(updated_at__gte=since), "member_updated"),
        ):
            sql, params = qs.values_list("id").query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            assert index in plan, plan


def test_a_reassessment_rewrites_only_the_branches_whose_colour_changed(world):
    month = health.latest_month()
    health.assess(month)
    before = dict(BranchHealth.objects.filter(month=month).values_list("organization_id", "pk"))
    assert set(before) == {world.haishu_branch.pk, world.jiangbei_branch.pk}
    day = month + dt.timedelta(days=9)
    for n in range(3):  # Haishu's branch held its theme days: no longer red
        started = timezone.make_aware(dt.datetime.combine(add_months(day, -n), dt.time(9)))
        RecordFactory(
            organization=world.haishu_branch,
            kind=ActivityKind.THEME_DAY,
            started_at=started,
            attendee_count=3,
        )
    stamp = timezone.now()
    health.assess(month, now=stamp)
    after = {b.organization_id: b for b in BranchHealth.objects.filter(month=month)}
    assert after[world.jiangbei_branch.pk].pk == before[world.jiangbei_branch.pk]  # unchanged: kept
    assert after[world.haishu_branch.pk].pk != before[world.haishu_branch.pk]
    assert after[world.haishu_branch.pk].colour != "red"
    assert {b.computed_at for b in after.values()} == {stamp}
