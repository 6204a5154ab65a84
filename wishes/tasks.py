"""Celery tasks of the wishes app: thin, taking ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task

from portal.notifications import TemporaryDeliveryError
from wishes.services import resident_sms


@shared_task(
    ignore_result=True,
    autoretry_for=(TemporaryDeliveryError,),
    max_retries=5,
    retry_backoff=60,  # the SMS gateway restarting, not one that is gone
    retry_jitter=True,
)
def send_resident_sms(*, wish_id: int, event: str, text: str) -> None:
    resident_sms.deliver(wish_id=wish_id, event=event, text=text)
