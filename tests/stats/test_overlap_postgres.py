"""Two aggregation runs at once, on PostgreSQL: one holds the advisory lock, the other skips (or
waits), and the snapshot rows are those of a single run — never counted twice."""

import pytest

from portal.stats import runs
from portal.stats.models import RunStatus, StatSnapshot
from tests.harness import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

VOLATILE = {"id", "computed_at"}


def table() -> list[dict]:
    rows = StatSnapshot.objects.order_by("region_path", "period", "period_start").values()
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def test_overlapping_runs_do_not_double_count(small_world):
    runs.run_full()
    expected = table()
    outcomes = run_together([lambda: runs.run_full().status for _ in range(4)])
    assert sum(outcomes.values()) == 4 and set(outcomes) <= {RunStatus.DONE, RunStatus.SKIPPED}
    assert outcomes[RunStatus.DONE] >= 1
    assert table() == expected


def test_a_waiting_rebuild_runs_after_the_holder(small_world):
    outcomes = run_together([lambda: runs.run_full(wait=True).status for _ in range(3)])
    assert outcomes == {RunStatus.DONE: 3}
    once = table()
    runs.run_full()
    assert table() == once
