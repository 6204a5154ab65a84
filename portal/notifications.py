"""The one message centre: every app tells people things through ``notify``.

A notification is always an in-site message (消息, with the unread count in the menu); e-mail and
SMS are copies the caller asks for. ``notify`` only validates and enqueues: the messages are
created, and the copies sent, by a Celery task once the caller's transaction commits, so a rolled
back change tells no one and a slow mail server never holds a request.

The task is safe to run twice: messages are unique per (dedupe_key, recipient), and each e-mail
or SMS is claimed (pending -> sent) before it goes out, so a redelivered task sends nothing twice.
The price of that claim is "at most once": a worker killed between the claim and the send loses
that copy — the in-site message is still there.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from portal.models import Delivery, Message, User
from portal.privacy import mask_mobile

log = logging.getLogger(__name__)

# A task's share of a large notification: a few seconds of inserts, well inside the broker's
# visibility timeout, and task arguments of a few kilobytes.
RECIPIENTS_PER_TASK = 500


class Channel(models.TextChoices):
    IN_SITE = "in_site", _("站内消息")
    EMAIL = "email", _("邮件")
    SMS = "sms", _("短信")


class TemporaryDeliveryError(Exception):
    """The mail server or SMS gateway could not be reached: the task tries again later."""


# SMTP errors worth another try: the server was down or dropped us, not "no such mailbox".
TEMPORARY_EMAIL_ERRORS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    ConnectionError,
    TimeoutError,
)


# --- SMS backends ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmsMessage:
    mobile: str
    text: str


class BaseSmsBackend:
    """A deployment's SMS provider: subclass, implement ``send_messages``, name it in SMS_BACKEND.

    Raise ``TemporaryDeliveryError`` when the gateway is unreachable (the task retries); return
    the number of messages the provider accepted.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.options = kwargs

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    """The default: one log line per SMS, the mobile number masked (the log is no place for it)."""

    def send_messages(self, messages: Sequence[SmsMessage]) -> int:
        for sms in messages:
            log.info("SMS to %s: %s", mask_mobile(sms.mobile), " ".join(sms.text.split()))
        return len(messages)


def get_sms_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


# --- Sending ------------------------------------------------------------------------------------


def notify(
    *,
    recipients: Iterable[User] | QuerySet[User],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    channels: Iterable[Channel] = (Channel.IN_SITE,),
    dedupe_key: str = "",
) -> str:
    """Tell ``recipients`` something once the current transaction commits; returns the dedupe key.

    ``kind`` is the sending app's slug ("volunteers.approved"); ``link`` a path in this site.
    ``channels`` always include the in-site message; add ``Channel.EMAIL`` / ``Channel.SMS`` to
    send copies to those recipients who have an address / a mobile number. ``dedupe_key`` (at
    most 100 characters) makes a second call for the same event a no-op, e.g.
    "volunteers.approved:42"; by default each call is its own notification.
    """
    channels = set(channels)
    if Channel.IN_SITE not in channels:
        raise ValueError("Every notification is an in-site message: include Channel.IN_SITE.")
    dedupe_key = dedupe_key or uuid.uuid4().hex
    # Checked now, in the caller, so that a bad title or an external link is the caller's error
    # and never a task failing later; the recipient is a placeholder for full_clean.
    Message(recipient_id=0, kind=kind, title=title, body=body, link=link, dedupe_key=dedupe_key).full_clean(
        exclude=["recipient"], validate_unique=False, validate_constraints=False
    )
    if isinstance(recipients, QuerySet):
        recipient_ids = sorted(set(recipients.values_list("pk", flat=True)))
    else:
        recipient_ids = sorted({user.pk for user in recipients})
    from portal.tasks import deliver_notification, enqueue  # the tasks module imports this one

    for start in range(0, len(recipient_ids), RECIPIENTS_PER_TASK):
        enqueue(
            deliver_notification,
            recipient_ids=recipient_ids[start : start + RECIPIENTS_PER_TASK],
            kind=kind,
            title=title,
            body=body,
            link=link,
            channels=sorted(channels),
            dedupe_key=dedupe_key,
        )
    return dedupe_key


def deliver(
    *,
    recipient_ids: Sequence[int],
    kind: str,
    title: str,
    body: str,
    link: str,
    channels: Sequence[str],
    dedupe_key: str,
) -> None:
    """The task's work: create the messages missing, then send the copies still pending."""
    fields = {"kind": kind, "title": title, "body": body, "link": link, "dedupe_key": dedupe_key}
    try:
        _create_messages(recipient_ids=recipient_ids, channels=set(channels), fields=fields)
    except IntegrityError:
        # The same task running at once elsewhere created them first; its copies are claimed
        # one by one below, so carrying on sends nothing twice.
        log.info("notification %s: messages already created by another run", dedupe_key)
    pending = Message.objects.filter(dedupe_key=dedupe_key, recipient_id__in=recipient_ids)
    _send_emails(pending.filter(email=Delivery.PENDING).select_related("recipient"))
    _send_sms(pending.filter(sms=Delivery.PENDING).select_related("recipient"))


@transaction.atomic
def _create_messages(*, recipient_ids: Sequence[int], channels: set[str], fields: dict[str, str]) -> None:
    existing = set(
        Message.objects.filter(dedupe_key=fields["dedupe_key"], recipient_id__in=recipient_ids).values_list(
            "recipient_id", flat=True
        )
    )
    users = User.objects.filter(pk__in=set(recipient_ids) - existing).only(
        "pk", "email", "mobile", "is_active"
    )
    messages = [
        Message(
            recipient=user,
            email=_wanted(Channel.EMAIL in channels and user.is_active and user.email),
            sms=_wanted(Channel.SMS in channels and user.is_active and user.mobile),
            **fields,
        )
        for user in users
    ]
    Message.objects.bulk_create(messages)
    # The user rows are locked in one order, so two notifications to overlapping people queue
    # behind each other instead of deadlocking.
    new = list(
        User.objects.select_for_update()
        .filter(pk__in=[m.recipient_id for m in messages])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    User.objects.filter(pk__in=new).update(unread_messages=F("unread_messages") + 1)


def _wanted(wanted: object) -> str:
    return Delivery.PENDING if wanted else Delivery.NONE


def _claim(message: Message, channel: str) -> bool:
    """Take one copy for sending; False when another run has it (pending -> sent, once)."""
    return (
        Message.objects.filter(pk=message.pk, **{channel: Delivery.PENDING}).update(
            **{channel: Delivery.SENT}
        )
        == 1
    )


def _release(message: Message, channel: str, state: str = Delivery.PENDING) -> None:
    Message.objects.filter(pk=message.pk, **{channel: Delivery.SENT}).update(**{channel: state})


def _send_emails(messages: QuerySet[Message]) -> None:
    connection = None
    for message in messages:
        if not _claim(message, "email"):
            continue
        connection = connection or get_connection()
        email = EmailMessage(
            subject=message.title,
            body=_text(message),
            to=[message.recipient.email],
            connection=connection,
        )
        try:
            email.send()
        except TEMPORARY_EMAIL_ERRORS as error:
            _release(message, "email")
            raise TemporaryDeliveryError(str(error)) from error
        except smtplib.SMTPException:
            # Refused for good (no such mailbox): retrying would be refused again.
            log.warning("e-mail for message %s refused", message.pk, exc_info=True)
            _release(message, "email", Delivery.FAILED)


def _send_sms(messages: QuerySet[Message]) -> None:
    backend = None
    for message in messages:
        if not _claim(message, "sms"):
            continue
        backend = backend or get_sms_backend()
        try:
            backend.send_messages([SmsMessage(mobile=message.recipient.mobile or "", text=_text(message))])
        except TemporaryDeliveryError:
            _release(message, "sms")
            raise


def _text(message: Message) -> str:
    parts = [message.title, message.body]
    if message.link:
        parts.append(settings.SITE_URL.rstrip("/") + message.link if settings.SITE_URL else message.link)
    return "\n\n".join(part for part in parts if part)


# --- Reading ------------------------------------------------------------------------------------


@transaction.atomic
def message_mark_read(*, user: User, message: Message) -> bool:
    """Mark one of ``user``'s messages read; False if it already was (the count moves once)."""
    if message.recipient_id != user.pk:
        raise ValidationError("Not this user's message.")
    done = Message.objects.filter(pk=message.pk, read_at=None).update(read_at=timezone.now())
    _lower_unread(user, done)
    return bool(done)


@transaction.atomic
def messages_mark_all_read(*, user: User) -> int:
    done = Message.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
    _lower_unread(user, done)
    return done


def _lower_unread(user: User, by: int) -> None:
    # By the rows this statement changed, not by a count read earlier: two tabs marking the same
    # message read lower the count once.
    if by:
        User.objects.filter(pk=user.pk).update(unread_messages=Greatest(F("unread_messages") - by, 0))
