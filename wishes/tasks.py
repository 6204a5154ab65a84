"""Celery tasks of the wishes app: thin, taking ids, safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache

from portal.notifications import SmsMessage, TemporaryDeliveryError, get_sms_backend
from wishes.models import Wish
from wishes.services.claims import claims_expire

SMS_SENT_TTL = 7 * 24 * 3600  # seconds a sent SMS is remembered, so a redelivered task sends nothing


@shared_task(ignore_result=True)
def expire_claims() -> int:
    """Hourly: release the claims past their deadline (each release a conditional update)."""
    return claims_expire()


@shared_task(
    ignore_result=True,
    autoretry_for=(TemporaryDeliveryError,),
    retry_backoff=60,
    max_retries=5,
)
def send_resident_sms(wish_id: int, text: str, dedupe_key: str) -> bool:
    """One SMS to a wish's resident, who has no account (so no in-site message): only with consent."""
    wish = Wish.objects.filter(pk=wish_id, sms_consent=True).only("resident_mobile").first()
    if wish is None or not cache.add(dedupe_key, 1, SMS_SENT_TTL):
        return False
    try:
        get_sms_backend().send_messages([SmsMessage(mobile=wish.resident_mobile, text=text)])
    except TemporaryDeliveryError:
        cache.delete(dedupe_key)  # not sent: the retry may send it
        raise
    return True
