"""Signed webhooks to partner systems, as Standard Webhooks 1.0 specifies them.

``emit(event, region=…, data=…)`` is called by a service inside its transaction. It writes one
``WebhookDelivery`` per active endpoint that subscribed to the event and whose region contains
the place, in that same transaction (so a broker outage loses nothing: the minute sweep sends
what is due), and asks a worker to send them once the transaction commits.

Each attempt POSTs ``{"type", "timestamp", "data"}`` with the headers ``webhook-id`` (the same
on every attempt), ``webhook-timestamp`` and ``webhook-signature: v1,<base64 HMAC-SHA256 of
"id.timestamp.body">`` (two signatures while a rotated secret is still honoured), so a receiver
verifies it with the official ``standardwebhooks`` library. A failure is retried on the schedule
below (about a day); then the delivery is given up, and an endpoint that has not answered once in
all that time is disabled and its owner told.

Outbound requests go only to http(s) URLs whose addresses are public (private ranges only when
``WEBHOOK_ALLOW_PRIVATE_NETWORKS``); the address is checked when the endpoint is registered and
again on every attempt, and the connection goes to the address that was checked (DNS can change).
Those rules live in ``portal.outbound``, shared with the other requests to outsiders' addresses.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import urllib3
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import Region
from portal import outbound
from portal.errors import IllegalTransition, NotAllowed
from portal.models import (
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookStatus,
)
from portal.scoping import Action, can, grants_for

log = logging.getLogger(__name__)

# Seconds after the previous attempt (Standard Webhooks' suggested schedule): the first attempt
# is immediate, the last about 27 hours after the event.
RETRY_SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
MAX_ATTEMPTS = len(RETRY_SCHEDULE) + 1
TOLERANCE = dt.timedelta(minutes=5)  # the receiver's replay window, for the docs and tests
LEASE = dt.timedelta(seconds=60)
CONNECT_TIMEOUT, READ_TIMEOUT = 3.0, 10.0
RESPONSE_BYTES_KEPT = 200
SECRET_PREFIX = "whsec_"
ROTATION_OVERLAP = dt.timedelta(hours=24)

# The address rules are shared with every request to an address an outsider chose.
UnsafeDestination = outbound.UnsafeDestination
check_destination = outbound.check_destination


# --- Secrets and signatures ---------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signature_header(endpoint: WebhookEndpoint, message_id: str, timestamp: int, body: bytes) -> str:
    signatures = [sign(endpoint.secret, message_id, timestamp, body)]
    if endpoint.previous_secret and endpoint.previous_until and endpoint.previous_until > timezone.now():
        signatures.append(sign(endpoint.previous_secret, message_id, timestamp, body))
    return " ".join(signatures)


# --- Registering endpoints ----------------------------------------------------------------------


def may_manage(user: Any) -> bool:
    """Admins and city staff register partners' endpoints (no query: the grants are cached)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return any(
        grant.everything
        or (Action.MANAGE_ROLES in grant.actions and (grant.region_path or "").count("/") == 1)
        for grant in grants_for(user)
    )


def _clean_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    if not chosen or not set(chosen) <= set(WebhookEvent.values):
        raise ValidationError({"events": _("请选择至少一个有效的事件。")})
    return chosen


@transaction.atomic
def endpoint_create(
    *, actor: User, name: str, partner: str, url: str, events: Iterable[str], region: Region
) -> WebhookEndpoint:
    """Registers the endpoint; its secret is on the returned object, to be shown once."""
    if not may_manage(actor) or not can(actor, Action.VIEW, region):
        raise NotAllowed(_("只有管理员和市委组织部工作人员可以登记推送地址。"))
    check_destination(url)
    endpoint = WebhookEndpoint(
        name=name, partner=partner, url=url, events=_clean_events(events), region=region, owner=actor,
        secret=new_secret(),
    )  # fmt: skip
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one keeps signing beside it for a day while the partner switches."""
    if not may_manage(actor):
        raise NotAllowed()
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
    endpoint.previous_until = timezone.now() + ROTATION_OVERLAP
    endpoint.save(update_fields=["secret", "previous_secret", "previous_until"])
    return endpoint


@transaction.atomic
def endpoint_set_active(*, actor: User, endpoint: WebhookEndpoint, active: bool) -> WebhookEndpoint:
    if not may_manage(actor):
        raise NotAllowed()
    if active:
        check_destination(endpoint.url)
    endpoint.is_active = active
    endpoint.disabled_reason = "" if active else _("由 %(user)s 停用。") % {"user": actor.display_name}
    endpoint.save(update_fields=["is_active", "disabled_reason"])
    return endpoint


# --- Emitting events ----------------------------------------------------------------------------


def emit(event: WebhookEvent | str, *, region: Region, data: dict[str, Any]) -> int:
    """Queue ``event`` for every endpoint that wants it and whose region contains ``region``.

    Call it inside the service's transaction: the deliveries are written with the change, and
    sent once it commits. ``data`` must hold masked personal data only. Returns how many.
    """
    event = WebhookEvent(event)
    # Endpoints are few (one per partner system); filtering the subscriptions in Python keeps
    # JSON lookups out of the query, which SQLite and PostgreSQL spell differently.
    ancestors = [region.path[: i + 1] for i, char in enumerate(region.path) if char == "/"]
    endpoints = [
        e
        for e in WebhookEndpoint.objects.filter(is_active=True, region__path__in=ancestors)
        if event in e.events
    ]
    if not endpoints:
        return 0
    now = timezone.now()
    payload = {"type": event.value, "timestamp": now.isoformat(), "data": data}
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=e,
            message_id=f"msg_{uuid.uuid4().hex}",
            event_type=event,
            payload=payload,
            next_attempt_at=now,
        )
        for e in endpoints
    )
    from portal.tasks import deliver_webhook, enqueue  # the tasks module imports this one

    for delivery in deliveries:
        enqueue(deliver_webhook, delivery.pk)
    return len(deliveries)


# --- Sending ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    error: str
    duration_ms: int


def _take(pk: int, *, force: bool = False) -> WebhookDelivery | None:
    """Lease the delivery if it is due (or ``force``d by a resend); None if someone else has it."""
    now = timezone.now()
    due = Q(status=WebhookStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookStatus.SENDING, lease_until__lt=now
    )
    if force:
        due = ~Q(status=WebhookStatus.SENDING) | Q(lease_until__lt=now)
    taken = WebhookDelivery.objects.filter(due, pk=pk).update(
        status=WebhookStatus.SENDING, lease_until=now + LEASE, attempts=F("attempts") + 1
    )
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("endpoint__owner").get(pk=pk)


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> Answer:
    started = time.monotonic()

    def answer(code: int | None, error: str = "") -> Answer:
        return Answer(code, error[:300], round((time.monotonic() - started) * 1000))

    try:
        addresses = check_destination(endpoint.url)
    except UnsafeDestination as refusal:
        return answer(None, refusal.messages[0])
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    path, host = outbound.target(endpoint.url)
    headers = {
        "content-type": "application/json",
        "user-agent": "Siming-Webhooks/1.0",
        "host": host,
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(endpoint, delivery.message_id, timestamp, body),
    }
    # Connect to the address that was checked, not to whatever the name resolves to a moment later.
    pool = outbound.pinned_pool(
        endpoint.url, addresses, connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT
    )
    try:
        with pool:
            response = pool.urlopen(
                "POST", path, body=body, headers=headers, redirect=False, preload_content=False
            )
            response.read(RESPONSE_BYTES_KEPT, decode_content=False)
            response.release_conn()
    except urllib3.exceptions.HTTPError as error:
        return answer(None, f"{type(error).__name__}: {error}")
    if 200 <= response.status < 300:
        return answer(response.status)
    return answer(response.status, _("接收端返回 %(code)s。") % {"code": response.status})


def deliver(pk: int, *, resent_by: User | None = None) -> WebhookStatus | None:
    """One attempt of delivery ``pk`` if it is due; safe to run twice (the lease decides)."""
    delivery = _take(pk, force=resent_by is not None)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    answer = _post(endpoint, delivery) if endpoint.is_active else Answer(None, _("接收端已停用。"), 0)
    return _record(delivery, answer, resent_by)


@transaction.atomic
def _record(delivery: WebhookDelivery, answer: Answer, resent_by: User | None) -> WebhookStatus:
    now = timezone.now()
    WebhookAttempt.objects.create(
        delivery=delivery, number=delivery.attempts, status_code=answer.status_code, error=answer.error,
        duration_ms=answer.duration_ms, resent_by=resent_by,
    )  # fmt: skip
    succeeded = not answer.error
    given_up = not succeeded and delivery.attempts >= MAX_ATTEMPTS
    if succeeded:
        status, next_at = WebhookStatus.SUCCEEDED, None
    elif given_up:
        status, next_at = WebhookStatus.FAILED, None
    else:
        status = WebhookStatus.PENDING
        next_at = now + dt.timedelta(seconds=RETRY_SCHEDULE[min(delivery.attempts, len(RETRY_SCHEDULE)) - 1])
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        next_attempt_at=next_at,
        lease_until=None,
        last_status_code=answer.status_code,
        last_error=answer.error,
        finished_at=now if status in (WebhookStatus.SUCCEEDED, WebhookStatus.FAILED) else None,
    )
    if given_up and resent_by is None:
        _disable_if_silent(delivery)
    return status


def _disable_if_silent(delivery: WebhookDelivery) -> None:
    """A delivery gave up after a day of tries: if nothing reached the endpoint meanwhile, stop."""
    endpoint = delivery.endpoint
    answered = WebhookAttempt.objects.filter(
        delivery__endpoint=endpoint, at__gte=delivery.created_at, error=""
    ).exists()
    if answered or not endpoint.is_active:
        return
    reason = _("自 %(since)s 起所有推送均失败，已自动停用。") % {
        "since": timezone.localtime(delivery.created_at).strftime("%Y-%m-%d %H:%M")
    }
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False, disabled_reason=reason)
    from portal.notifications import Channel, notify

    notify(
        recipients=[endpoint.owner],
        kind="webhooks.disabled",
        title=_("推送地址“%(name)s”已停用") % {"name": endpoint.name},
        body=reason,
        link=f"/webhooks/{endpoint.pk}/",
        channels={Channel.IN_SITE, Channel.EMAIL},
        dedupe_key=f"webhooks.disabled:{endpoint.pk}:{delivery.pk}",
    )


def due_deliveries(limit: int = 500) -> list[int]:
    """Deliveries whose next attempt is due, or whose worker's lease lapsed."""
    now = timezone.now()
    due = Q(status=WebhookStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=WebhookStatus.SENDING, lease_until__lt=now
    )
    return list(
        WebhookDelivery.objects.filter(due).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    )


def resend(*, actor: User, delivery: WebhookDelivery) -> WebhookStatus:
    """Staff send a delivery again now, whatever its state (a fixed receiver wants it)."""
    if not may_manage(actor):
        raise NotAllowed()
    if not delivery.endpoint.is_active:
        raise IllegalTransition(_("接收端已停用，请先启用。"))
    status = deliver(delivery.pk, resent_by=actor)
    if status is None:
        raise IllegalTransition(_("该推送正在发送，请稍后再试。"))
    return status
