import logging
from typing import Any

from celery import Task, shared_task
from django.db import transaction
from kombu.exceptions import OperationalError

from portal import media
from portal.api import idempotency

log = logging.getLogger(__name__)


def enqueue(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits; a broker outage never fails the request."""

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs, retry=False)
        except (OperationalError, OSError):  # broker down: the periodic sweep picks the work up later
            log.exception("could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)


@shared_task(ignore_result=True)
def purge_idempotency_records() -> int:
    return idempotency.purge_expired()


@shared_task(ignore_result=True)
def sweep_orphaned_media() -> int:
    # Safe to run twice or at once on two workers: deleting a file already gone does nothing.
    return len(media.sweep_orphans(delete=True).deleted)
