"""The Fengling index's Celery tasks. Thin: the work and its lock live in ``fengling.totals``.

Both are safe to run twice (they replace rows) and bounded far inside the broker's visibility
timeout (an hour)."""

import datetime as dt

from celery import shared_task

from fengling import totals

TASK_OPTIONS = {"ignore_result": True, "acks_late": True, "soft_time_limit": 5 * 60, "time_limit": 6 * 60}


@shared_task(**TASK_OPTIONS)
def compute_member_month(member_id: int, month: str) -> int:
    return totals.compute_member_month(member_id, dt.date.fromisoformat(month))


@shared_task(**TASK_OPTIONS)
def compute_totals() -> int:
    return totals.run_scheduled() or 0


@shared_task(ignore_result=True)
def purge_expired_exports() -> int:
    """Hourly: delete the files of background index and board exports past their download window."""
    from fengling import exports

    return exports.purge_expired()
