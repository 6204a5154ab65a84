"""The one machinery for background jobs: imports, exports, dashboard rebuilds and every later long task.

A job is a row of a table that inherits ``portal.models.Job``. Its life:

    queued ──take──▶ running ──finish──▶ done
                        │  └────fail────▶ failed
                        └─ lease lapsed (worker killed) ──take──▶ running (attempt + 1)

- **Taking** a job is one conditional UPDATE (``status = queued``, or ``running`` with a lapsed lease,
  and attempts left); its row count says who won, as in healthchecks' ``sendalerts``. The winner holds a
  lease (``lease_until``) that it renews on every progress write and from a heartbeat thread.
- A worker killed with ``kill -9`` stops renewing; once the lease lapses the sweep re-sends the job and
  the next worker takes it over and runs it again from the start. That is safe because job work is
  all-or-nothing (the import saves in one transaction) or idempotent (an export overwrites its file).
- ``attempts`` is the fencing token: progress, finish and fail are conditional on it, so a worker that
  was only slow cannot overwrite the result of the one that took over, and gets ``Lost`` instead.
- The sweep (beat, every minute) re-sends jobs still queued a minute after they were created (their
  message was lost: the broker was down) and jobs whose lease lapsed, and gives up on a job after
  ``JOB_MAX_ATTEMPTS`` takes, with a message that says so. Whenever a job ends, either way, its kind's
  ``discard`` removes the uploaded files that hold personal data.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from portal.models import Job, JobStatus

log = logging.getLogger(__name__)

ENDED = (JobStatus.DONE, JobStatus.FAILED)


class Lost(Exception):
    """The job stopped being this worker's: taken over after its lease lapsed, or given up by the sweep."""


def _nothing(job: Job) -> None:
    return None


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its table, the work, and what to say and clean up when it ends."""

    name: str
    model: type[Job]
    # Does the whole job; reports progress through the ``Run``; may end it itself with ``run.finish``
    # (e.g. inside its own transaction) or ``run.fail``. Returning without ending it means done.
    work: Callable[[Job, "Run"], None]
    # Shown when the job breaks (an unexpected error, or too many interrupted attempts).
    crash_message: str | Promise
    gave_up_message: str | Promise
    # Called once the job has ended, done or failed: deletes uploads with personal data.
    discard: Callable[[Job], None] = _nothing


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    _KINDS[kind.name] = kind
    return kind


def kinds() -> list[JobKind]:
    return list(_KINDS.values())


def kind_named(name: str) -> JobKind:
    return _KINDS[name]


def lease() -> timedelta:
    return timedelta(seconds=settings.JOB_LEASE_SECONDS)


def _takeable(now: datetime) -> Q:
    lapsed = Q(status=JobStatus.RUNNING) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    return (Q(status=JobStatus.QUEUED) | lapsed) & Q(attempts__lt=settings.JOB_MAX_ATTEMPTS)


@dataclass
class Run:
    """One attempt at a job, held by the worker that took it."""

    model: type[Job]
    pk: int
    attempt: int

    def mine(self) -> QuerySet:
        return self.model.objects.filter(pk=self.pk, status=JobStatus.RUNNING, attempts=self.attempt)

    def renew(self) -> bool:
        return bool(self.mine().update(lease_until=timezone.now() + lease()))

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress and renew the lease; raise ``Lost`` if the job is no longer ours."""
        fields: dict[str, Any] = {"progress_done": done, "lease_until": timezone.now() + lease()}
        if total is not None:
            fields["progress_total"] = total
        if not self.mine().update(**fields):
            raise Lost

    def finish(self, **fields: Any) -> None:
        """Mark the job done (conditionally: inside a transaction, this also locks its row)."""
        if not self.mine().update(
            status=JobStatus.DONE, lease_until=None, finished_at=timezone.now(), **fields
        ):
            raise Lost

    def fail(self, message: str = "", **fields: Any) -> None:
        ended = self.mine().update(
            status=JobStatus.FAILED, lease_until=None, finished_at=timezone.now(), message=message, **fields
        )
        if not ended:
            raise Lost


def take(model: type[Job], pk: int) -> Run | None:
    """Take the job if it is waiting or its lease lapsed; ``None`` if another worker has it (or it ended)."""
    now = timezone.now()
    # One transaction: the UPDATE's row lock holds until the attempt number is read back, so it is ours.
    with transaction.atomic():
        taken = (
            model.objects.filter(_takeable(now), pk=pk)
            .update(status=JobStatus.RUNNING, lease_until=now + lease(), attempts=F("attempts") + 1, started_at=now)
        )  # fmt: skip
        if taken != 1:
            return None
        attempt = model.objects.filter(pk=pk).values_list("attempts", flat=True).get()
    return Run(model=model, pk=pk, attempt=attempt)


def run(kind: JobKind, pk: int, *, heartbeat: bool = False) -> bool:
    """Take and run one job. Safe to call any number of times: only the caller that takes it works.

    ``heartbeat`` renews the lease from a thread while the work runs (in workers; a request that runs a
    small job itself does not need one). Returns whether this call did the work.
    """
    job_run = take(kind.model, pk)
    if job_run is None:
        return False
    job = kind.model.objects.select_related("owner").get(pk=pk)
    # Messages are stored with the job, so they are written in the portal's language, not the caller's.
    with translation.override(settings.LANGUAGE_CODE), _Heartbeat(job_run, enabled=heartbeat):
        try:
            kind.work(job, job_run)
            job_run.mine().update(status=JobStatus.DONE, lease_until=None, finished_at=timezone.now())
        except Lost:
            log.warning("%s %s was taken over or given up; this attempt stops", kind.name, pk)
        except Exception:  # the work is all-or-nothing or idempotent: say so and let the user try again
            log.exception("%s %s failed", kind.name, pk)
            job_run.mine().update(
                status=JobStatus.FAILED,
                lease_until=None,
                finished_at=timezone.now(),
                message=str(kind.crash_message),
            )
    _discard_if_ended(kind, pk)
    return True


def _discard_if_ended(kind: JobKind, pk: int) -> None:
    # A job taken over is still running elsewhere and needs its file: only an ended job loses it.
    job = kind.model.objects.filter(pk=pk, status__in=ENDED).first()
    if job is None:
        return
    try:
        kind.discard(job)
    except OSError:
        log.exception("could not discard the files of %s %s", kind.name, pk)


class _Heartbeat:
    """Renews the lease every ``JOB_HEARTBEAT_SECONDS`` from a thread with its own connection, so a
    long step without progress writes (saving a workbook, one big transaction) keeps the job."""

    def __init__(self, job_run: Run, *, enabled: bool) -> None:
        self.job_run = job_run
        self.enabled = enabled
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{job_run.pk}", daemon=True)

    def __enter__(self) -> "_Heartbeat":
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        if self.enabled:
            self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(settings.JOB_HEARTBEAT_SECONDS):
                close_old_connections()
                if not self.job_run.renew():
                    return  # ended or lost: the work notices at its next progress write
        except Exception:  # a database hiccup: the lease lapses and the sweep hands the job on
            log.exception("heartbeat of job %s stopped", self.job_run.pk)
        finally:
            connection.close()


# The sweep ---------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    resent: list[tuple[str, int]]
    gave_up: list[tuple[str, int]]


def sweep(*, send: Callable[[str, int], None], now: datetime | None = None) -> SweepResult:
    """Re-send waiting and lost jobs, give up on jobs that keep losing their worker.

    ``send(kind_name, pk)`` enqueues one job (the task that calls ``run``).
    """
    now = now or timezone.now()
    result = SweepResult(resent=[], gave_up=[])
    for kind in kinds():
        result.gave_up += [(kind.name, pk) for pk in _give_up(kind, now)]
        for pk in _waiting_or_lost(kind.model, now):
            send(kind.name, pk)
            result.resent.append((kind.name, pk))
    return result


def _waiting_or_lost(model: type[Job], now: datetime) -> list[int]:
    # A message is sent at creation; a job still queued a minute later lost it (broker down). Re-sending
    # one that is merely behind a long job only adds a message that finds it taken and does nothing.
    not_started = Q(
        status=JobStatus.QUEUED, created_at__lt=now - timedelta(seconds=settings.JOB_QUEUED_GRACE_SECONDS)
    )
    lost = Q(status=JobStatus.RUNNING) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))
    waiting = model.objects.filter(not_started | lost, attempts__lt=settings.JOB_MAX_ATTEMPTS)
    return list(waiting.order_by("created_at").values_list("pk", flat=True)[:100])


def _give_up(kind: JobKind, now: datetime) -> list[int]:
    hopeless = kind.model.objects.filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now),
        status=JobStatus.RUNNING,
        attempts__gte=settings.JOB_MAX_ATTEMPTS,
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = str(kind.gave_up_message)
    given_up = []
    for pk in hopeless.values_list("pk", flat=True)[:100]:
        # Conditional, like every change of state: a job finishing right now keeps its result.
        if hopeless.filter(pk=pk).update(
            status=JobStatus.FAILED, lease_until=None, finished_at=now, message=message
        ):
            log.warning("%s %s given up after %d attempts", kind.name, pk, settings.JOB_MAX_ATTEMPTS)
            given_up.append(pk)
            _discard_if_ended(kind, pk)
    return given_up
