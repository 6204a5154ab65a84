"""Demo data for the dashboards: no rows of its own, a full rebuild of the snapshots over what the
other seeders wrote, so that the dashboards show figures at once (idempotent: a rebuild replaces)."""

import random
from collections.abc import Callable

from portal.stats import runs


def seed(*, scale: str, rng: random.Random, log: Callable[[str], object]) -> None:
    record = runs.run_full(wait=True)
    log(f"  statistics snapshots: {record.rows:,} rows, {record.nodes:,} nodes in {record.duration_s} s")
