import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from portal import jobs, media, notifications, webhooks
from portal.api import idempotency
from portal.notifications import TemporaryDeliveryError

log = logging.getLogger(__name__)

# Every job task: the soft limit leaves the job time to record its failure, and both stay well inside
# the broker's visibility timeout (an hour), so a slow job is never handed to a second worker.
JOB_TASK_OPTIONS: dict[str, Any] = {
    "ignore_result": True,
    "acks_late": True,
    "soft_time_limit": 40 * 60,
    "time_limit": 45 * 60,
}


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits; a broker outage never fails the request."""

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except (OperationalError, OSError):  # broker down: the periodic sweep picks the work up later
            log.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)


@shared_task(bind=True, **JOB_TASK_OPTIONS)
def run_job(self: Task, kind: str, pk: int) -> None:
    # Safe to run twice (a redelivery, or a sweep racing the first message): see portal.jobs.take.
    jobs.run(jobs.kind_named(kind), pk, heartbeat=not self.request.is_eager)


@shared_task(ignore_result=True)
def sweep_jobs() -> int:
    """Every minute: re-send jobs whose message was lost or whose worker died, give up on hopeless ones."""
    result = jobs.sweep(send=lambda kind, pk: enqueue(run_job, kind, pk))
    return len(result.resent)


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    return idempotency.purge_expired()


@shared_task(ignore_result=True)
def sweep_orphaned_media() -> int:
    # Safe to run twice or at once on two workers: deleting a file already gone does nothing.
    return len(media.sweep_orphans(delete=True).deleted)


@shared_task(
    bind=True,
    ignore_result=True,
    autoretry_for=(TemporaryDeliveryError,),
    max_retries=5,
    retry_backoff=60,  # 1, 2, 4, 8, 16 minutes: a mail server restarting, not one that is gone
    retry_jitter=True,
)
def deliver_notification(
    self: Task,
    *,
    recipient_ids: list[int],
    kind: str,
    title: str,
    body: str,
    link: str,
    channels: list[str],
    dedupe_key: str,
) -> None:
    # Safe to run twice (a redelivery, a retry after half the e-mails went out): see notifications.
    notifications.deliver(
        recipient_ids=recipient_ids,
        kind=kind,
        title=title,
        body=body,
        link=link,
        channels=channels,
        dedupe_key=dedupe_key,
    )


# One HTTP attempt is bounded by its connect and read timeouts (3 s + 10 s); the limits stop a
# receiver that trickles its answer byte by byte from holding a worker.
WEBHOOK_TASK_OPTIONS: dict[str, Any] = {"ignore_result": True, "soft_time_limit": 30, "time_limit": 40}


@shared_task(**WEBHOOK_TASK_OPTIONS)
def deliver_webhook(pk: int) -> str | None:
    # Safe to run twice: the delivery's lease decides which run sends (portal.webhooks._take).
    status = webhooks.deliver(pk)
    return status and str(status)


@shared_task(ignore_result=True)
def send_due_webhooks() -> int:
    """Every minute: retries that are due, and deliveries whose message was lost or worker died."""
    due = webhooks.due_deliveries()
    for pk in due:
        enqueue(deliver_webhook, pk)
    return len(due)
