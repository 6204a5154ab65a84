"""The aggregation's beat tasks. Thin: the work and its lock live in ``portal.stats.runs``.

Both are bounded far inside the broker's visibility timeout (an hour): a slow run is stopped
(soft limit, recorded as failed) long before the broker would hand its message to a second worker,
and a second run meanwhile skips on the lock anyway.
"""

from celery import shared_task

from portal.stats import runs

AGGREGATION_TASK_OPTIONS = {
    "ignore_result": True,
    "acks_late": True,
    "soft_time_limit": 10 * 60,
    "time_limit": 12 * 60,
}


@shared_task(**AGGREGATION_TASK_OPTIONS)
def aggregate_incremental() -> int:
    return runs.run_incremental().rows


@shared_task(**AGGREGATION_TASK_OPTIONS)
def aggregate_full() -> int:
    return runs.run_full().rows
