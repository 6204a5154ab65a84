"""Running the aggregation: one run at a time, each recorded in ``StatsRun``.

- Exclusive: on PostgreSQL a session advisory lock; the beat's runs skip when another holds it
  (the next tick catches up), a staff rebuild waits for it. On SQLite (development, quick tests) an
  in-process lock does the same. Since a run replaces rows rather than adding to them, even two runs
  that did overlap could not double count; the lock keeps them from wasting the database's time.
- Bounded: a full rebuild of the city takes well under a minute; the tasks' time limits
  (``portal.stats.tasks``) stay far inside the broker's visibility timeout.
- Incremental runs look for raw rows changed since the start of the last successful run, less a
  margin for transactions that committed late.
"""

from __future__ import annotations

import logging
import time
from contextlib import AbstractContextManager
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal import jobs, locks
from portal.stats import aggregate, health
from portal.stats.models import RunKind, RunStatus, StatsRebuildJob, StatsRun

log = logging.getLogger(__name__)

# pg_advisory_lock's key: "dash" in ASCII, one lock for every aggregation run.
LOCK_KEY = 0x64617368


def exclusive(*, wait: bool) -> AbstractContextManager[bool]:
    """Hold this module's lock; yields whether it was obtained (always True when ``wait``)."""
    return locks.exclusive(LOCK_KEY, wait=wait)


def last_success() -> StatsRun | None:
    return StatsRun.objects.filter(status=RunStatus.DONE).order_by("-started_at", "-id").first()


def run_incremental() -> StatsRun:
    """Every few minutes (beat): recompute the days and nodes touched since the last run."""
    return _run(RunKind.INCREMENTAL, wait=False)


def run_full(*, wait: bool = False, progress: aggregate.Progress | None = None) -> StatsRun:
    """Nightly (beat), or a staff rebuild: every node, the whole window, and the branches' colours."""
    return _run(RunKind.FULL, wait=wait, progress=progress)


def _run(kind: str, *, wait: bool, progress: aggregate.Progress | None = None) -> StatsRun:
    started = timezone.now()
    with exclusive(wait=wait) as got:
        if not got:
            return StatsRun.objects.create(
                kind=kind, status=RunStatus.SKIPPED, started_at=started, finished_at=started, duration_s=0
            )
        previous = last_success()
        record = StatsRun.objects.create(kind=kind, started_at=timezone.now())
        clock = time.monotonic()
        try:
            today = timezone.localdate()
            if kind == RunKind.INCREMENTAL and previous is not None:
                record.since = previous.started_at - timedelta(seconds=settings.STATS_CHANGE_MARGIN_SECONDS)
                window = aggregate.touched_window(record.since, today)
            else:
                window = aggregate.full_window(today)
            if kind == RunKind.FULL or previous is None:
                # First: the month rows the rebuild writes carry the branches' colour counts.
                health.assess_recent(today=today)
            outcome = aggregate.rebuild(window, progress=progress)
            record.status = RunStatus.DONE
            record.days = [d.isoformat() for d in outcome.days]
            record.nodes, record.rows = outcome.nodes, outcome.rows
        except Exception as exc:
            log.exception("statistics run %s failed", kind)
            record.status, record.message = RunStatus.FAILED, repr(exc)[:1000]
        record.finished_at = timezone.now()
        record.duration_s = round(time.monotonic() - clock, 3)
        record.save()
        return record


# The staff "rebuild now" ------------------------------------------------------------------------


def rebuild_job_create(*, actor: object) -> StatsRebuildJob:
    return StatsRebuildJob.objects.create(owner=actor)


def _work(job: StatsRebuildJob, run: jobs.Run) -> None:
    run.progress(0, total=100)

    def progress(done: int, total: int) -> None:
        run.progress(min(99, int(100 * done / total)), total=100)

    record = run_full(wait=True, progress=progress)
    if record.status != RunStatus.DONE:
        run.fail(message=str(REBUILD_FAILED))
        return
    run.finish(progress_done=100, progress_total=100)


REBUILD_FAILED = gettext_lazy("重算失败，请稍后再试。")

STATS_REBUILD = jobs.register(
    jobs.JobKind(
        name="stats.rebuild",
        model=StatsRebuildJob,
        work=_work,
        crash_message=REBUILD_FAILED,
        gave_up_message=gettext_lazy("重算多次中断，已停止。请重新发起。"),
    )
)
