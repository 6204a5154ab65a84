"""Idempotency-Key for POST: the first response is stored under (principal, key) and replayed.

The record is inserted before the work starts, so two concurrent retries cannot both run: the
unique constraint lets one win and the other is told the request is still in progress. The
fingerprint is taken from the parsed request (JSON, form fields, uploaded files by content), so it
works for multipart uploads whose raw body Django no longer holds once parsed.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from portal.models import IdempotencyRecord

log = logging.getLogger(__name__)

HEADER = "HTTP_IDEMPOTENCY_KEY"
REPLAYED_HEADER = "Idempotent-Replayed"
# Headers that belong to the response (where the new object lives), so a replay carries them too.
REPLAYED_HEADERS = ("Location", "Content-Location", "ETag")
MAX_KEY_LENGTH = 255
KEEP_FOR = timedelta(hours=24)
# A request still unfinished after this long died with its worker (requests time out far sooner);
# a retry may then take the key over instead of being told "in progress" for a day.
ABANDONED_AFTER = timedelta(minutes=5)


class InProgress(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("相同 Idempotency-Key 的请求正在处理中，请稍后重试。")
    default_code = "idempotency_in_progress"


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("该 Idempotency-Key 已用于另一个不同的请求。")
    default_code = "idempotency_key_reused"


class Replay(Exception):
    """Raised before the view runs; the viewset answers with the stored response."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__(record.key)
        headers = {**record.headers, REPLAYED_HEADER: "true"}
        self.response = Response(record.body, status=record.status_code, headers=headers)


@dataclass
class Pending:
    record: IdempotencyRecord


def _principal(request: Request) -> str | None:
    actor = request.user
    api_key = getattr(actor, "api_key", None)
    if api_key is not None:
        return f"key:{api_key.prefix}"
    # Anonymous clients share no identity: keying them together would replay one client's
    # response to another, so their requests are simply not made idempotent.
    return f"user:{actor.pk}" if actor.is_authenticated else None


def _file_digest(upload: UploadedFile) -> dict:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)  # the serializer reads the file after us
    return {"file": upload.name, "size": upload.size, "sha256": digest.hexdigest()}


def _canonical(data: Any) -> Any:
    if isinstance(data, UploadedFile):
        return _file_digest(data)
    if isinstance(data, MultiValueDict):  # form and multipart bodies: every value of every field
        return {key: [_canonical(v) for v in data.getlist(key)] for key in data}
    if isinstance(data, dict):
        return {str(key): _canonical(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_canonical(value) for value in data]
    return data


def _fingerprint(request: Request) -> str:
    payload = json.dumps(
        [request.method, request.get_full_path(), _canonical(request.data)],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _take_over(record: IdempotencyRecord, now: datetime) -> bool:
    """Claim a record whose request died unfinished; the row count says who won."""
    return (
        IdempotencyRecord.objects.filter(
            pk=record.pk, status_code=None, created_at__lt=now - ABANDONED_AFTER
        ).update(created_at=now)
        == 1
    )


def begin(request: Request) -> Pending | None:
    """Reserve the request's Idempotency-Key, or raise Replay / InProgress / KeyReused."""
    key = request.META.get(HEADER, "").strip()
    principal = _principal(request) if key and request.method == "POST" else None
    if principal is None:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise ValidationError({"Idempotency-Key": [_("最多 255 个字符。")]})
    fingerprint, now = _fingerprint(request), timezone.now()
    IdempotencyRecord.objects.filter(principal=principal, key=key, created_at__lt=now - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            return Pending(
                IdempotencyRecord.objects.create(principal=principal, key=key, fingerprint=fingerprint)
            )
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(principal=principal, key=key).first()
    if record is None:  # the first request failed and released the key a moment ago
        raise InProgress()
    if record.fingerprint != fingerprint:
        raise KeyReused()
    if record.status_code is not None:
        raise Replay(record)
    if _take_over(record, now):
        return Pending(record)
    raise InProgress()


def finish(pending: Pending | None, response: Any) -> None:
    """Store the response for replay; a server error releases the key so a retry runs again."""
    if pending is None:
        return
    if response.status_code >= 500:
        abandon(pending)
        return
    data = getattr(response, "data", None)
    record = pending.record
    record.status_code = response.status_code
    # Rendered exactly as the client saw it (dates, decimals, lazy strings), then stored as JSON.
    record.body = json.loads(JSONRenderer().render(data)) if data is not None else None
    record.headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    try:
        with transaction.atomic():
            record.save(update_fields=["status_code", "body", "headers"])
    except DataError:
        # A body the database cannot hold (a NUL echoed from form input into a 400): the client
        # keeps its answer and the key is released, so a retry runs again instead of a 500 here.
        log.warning("idempotency: response %s not stored for replay", response.status_code)
        abandon(pending)


def abandon(pending: Pending | None) -> None:
    if pending is not None:
        IdempotencyRecord.objects.filter(pk=pending.record.pk, status_code=None).delete()


def purge_expired() -> int:
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - KEEP_FOR).delete()
    return deleted
