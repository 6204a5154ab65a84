import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.stats import aggregate, runs
from portal.stats.models import Period, RunKind, RunStatus, StatSnapshot, StatsRun

pytestmark = pytest.mark.django_db

VOLATILE = {"id", "computed_at"}


def table() -> list[dict]:
    rows = StatSnapshot.objects.order_by("region_path", "period", "period_start").values()
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def row(region, period=Period.DAY, start=None) -> StatSnapshot:
    today = timezone.localdate()
    start = start or (today - dt.timedelta(days=2) if period == Period.DAY else today.replace(day=1))
    return StatSnapshot.objects.get(region=region, period=period, period_start=start)


def test_figures_equal_hand_counts_at_every_level(small_world):
    w = small_world
    runs.run_full()
    day2 = timezone.localdate() - dt.timedelta(days=2)
    # Haishu's branch in its grid: the two theme days of day-2.
    grid = row(w.haishu_grid, start=day2)
    assert grid.activities == 2 and grid.activities_by_kind == {"theme_day": 2}
    assert grid.attendees == 5 and grid.participants == 6 and grid.people_served == 5
    # The community adds the committee's record (day-3), its volunteer hours and its wishes.
    community = row(w.haishu_community, start=day2)
    assert community.activities == 2 and community.service_hours == Decimal("2.5")
    assert row(w.haishu_community, start=day2 - dt.timedelta(days=1)).activities == 2
    # Upper levels are the sums of their children.
    for region in (w.haishu_street, w.haishu):
        assert row(region, start=day2).activities == 2
    city = row(w.city, start=day2)
    assert city.activities == 3  # + Jiangbei's
    assert city.participants == 6 + 2
    # Wishes: published 3 days ago (3), one claimed after 10 hours.
    day3 = day2 - dt.timedelta(days=1)
    assert row(w.city, start=day3).wishes_approved == 3
    assert row(w.haishu, start=day3).wishes_approved == 2
    claimed_day = timezone.localtime(aggregate_claim_time(w)).date()
    assert row(w.haishu_community, start=claimed_day).median_hours_to_claim == pytest.approx(10.0)
    # Stocks on the current month's row.
    month = row(w.city, period=Period.MONTH)
    assert month.members == 6 and month.branches == 2 and month.volunteers == 1
    assert row(w.haishu, period=Period.MONTH).members == 3


def aggregate_claim_time(w):
    from wishes.models import Wish

    return Wish.objects.get(claimed_at__isnull=False).claimed_at


def test_running_twice_changes_nothing(small_world):
    runs.run_full()
    first = table()
    runs.run_full()
    assert table() == first
    runs.run_incremental()
    assert table() == first


def test_the_run_is_recorded(small_world):
    record = runs.run_full()
    assert record.status == RunStatus.DONE and record.kind == RunKind.FULL
    assert record.rows == StatSnapshot.objects.count() and record.duration_s is not None
    assert StatsRun.objects.count() == 1


def test_incremental_recomputes_only_touched_days_and_nodes(small_world, settings):
    from tests.brands.activity_factories import RecordFactory
    from tests.stats.conftest import days_ago

    settings.STATS_CHANGE_MARGIN_SECONDS = 0  # the world was made just before: not "changed" for this test
    w = small_world
    runs.run_full()
    full = table()
    jiangbei_before = list(StatSnapshot.objects.filter(region=w.jiangbei).values_list("pk", flat=True))
    RecordFactory(organization=w.haishu_branch, started_at=days_ago(5))
    record = runs.run_incremental()
    assert record.status == RunStatus.DONE
    today = timezone.localdate()
    assert set(record.days) == {(today - dt.timedelta(days=5)).isoformat(), today.isoformat()}
    # Jiangbei's rows were not rewritten; Haishu's grid gained the record.
    assert (
        list(StatSnapshot.objects.filter(region=w.jiangbei).values_list("pk", flat=True)) == jiangbei_before
    )
    assert row(w.haishu_grid, start=today - dt.timedelta(days=5)).activities == 1
    # And an incremental run gives what a full one gives.
    incremental = table()
    runs.run_full()
    assert table() == incremental != full


def test_a_second_run_while_one_holds_the_lock_skips(small_world):
    import threading

    from django.db import connection

    held, done = threading.Event(), threading.Event()

    def holder() -> None:  # another thread: on PostgreSQL another session (advisory locks are re-entrant)
        try:
            with runs.exclusive(wait=False) as got:
                assert got
                held.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(timeout=30)
    try:
        record = runs.run_incremental()
    finally:
        done.set()
        thread.join()
    assert record.status == RunStatus.SKIPPED
    assert not StatSnapshot.objects.exists()


def test_touched_window_is_empty_without_changes(small_world):
    since = timezone.now() + dt.timedelta(minutes=1)
    window = aggregate.touched_window(since, timezone.localdate())
    assert window.days == [] and not any(window.nodes.values())
