"""Idempotency-Key for POST: the first response is stored under (principal, key) and replayed.

The record is inserted before the work starts, so two concurrent retries cannot both run: the
unique constraint lets one win and the other is told the request is still in progress.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from portal.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_FOR = timedelta(hours=24)


class InProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("相同 Idempotency-Key 的请求正在处理中，请稍后重试。")
    default_code = "idempotency_in_progress"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("该 Idempotency-Key 已用于另一个不同的请求。")
    default_code = "idempotency_key_reused"


class Replay(Exception):
    def __init__(self, record: IdempotencyRecord) -> None:
        self.response = Response(
            record.body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
        )


@dataclass
class Pending:
    record: IdempotencyRecord


def _principal(request: Request) -> str:
    actor = request.user
    api_key = getattr(actor, "api_key", None)
    return f"key:{api_key.prefix}" if api_key else f"user:{actor.pk}"


def _fingerprint(request: Request) -> str:
    raw = request._request.body
    return hashlib.sha256(b"\n".join([request.method.encode(), request.path.encode(), raw])).hexdigest()


def begin(request: Request) -> Pending | None:
    key = request.META.get(HEADER, "").strip()
    if request.method != "POST" or not key:
        return None
    if len(key) > 255:
        raise KeyReused(_("Idempotency-Key 过长（最多 255 个字符）。"))
    principal, fingerprint = _principal(request), _fingerprint(request)
    IdempotencyRecord.objects.filter(
        principal=principal, key=key, created_at__lt=timezone.now() - KEEP_FOR
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(principal=principal, key=key, fingerprint=fingerprint)
    except IntegrityError:
        record = IdempotencyRecord.objects.get(principal=principal, key=key)
        if record.fingerprint != fingerprint:
            raise KeyReused() from None
        if record.status_code is None:
            raise InProgress() from None
        raise Replay(record) from None
    return Pending(record)


def finish(pending: Pending | None, response: Response) -> None:
    if pending is None:
        return
    if response.status_code >= 500:
        # A server failure did not necessarily change anything: let the client retry.
        pending.record.delete()
        return
    record = pending.record
    record.status_code = response.status_code
    record.body = json.loads(json.dumps(getattr(response, "data", None), default=str))
    record.save(update_fields=["status_code", "body"])


def purge_expired() -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
