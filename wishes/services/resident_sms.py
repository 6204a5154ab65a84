"""SMS to a resident who agreed to it (``Wish.sms_consent``) through the pluggable SMS backend.

Residents have no account, so the message centre (in-site messages for users) cannot reach
them; this sends the SMS copy alone, once the change commits, through a Celery task. Each text
is sent at most once per wish and event: the task claims it in the cache before sending, so a
redelivered task sends nothing twice (the same "at most once" as the message centre's copies).
"""

from __future__ import annotations

from django.core.cache import cache

from portal.notifications import SmsMessage, TemporaryDeliveryError, get_sms_backend
from wishes.models import Wish

SENT_KEPT_FOR = 7 * 24 * 3600  # seconds: far longer than any retry of the task


def tell_resident(*, wish: Wish, event: str, text: str) -> None:
    """Queue ``text`` for the resident of ``wish`` after commit, if they agreed to SMS."""
    if not wish.sms_consent:
        return
    from portal.tasks import enqueue
    from wishes.tasks import send_resident_sms

    enqueue(send_resident_sms, wish_id=wish.pk, event=event, text=text)


def deliver(*, wish_id: int, event: str, text: str) -> None:
    mobile = (
        Wish.objects.filter(pk=wish_id, sms_consent=True).values_list("resident_mobile", flat=True).first()
    )
    if not mobile:
        return
    key = f"wish-sms:{wish_id}:{event}"
    if not cache.add(key, 1, SENT_KEPT_FOR):
        return  # sent (or being sent) by an earlier run
    try:
        get_sms_backend().send_messages([SmsMessage(mobile=mobile, text=text)])
    except TemporaryDeliveryError:
        cache.delete(key)  # not sent: the retry may send it
        raise
