"""One JSON shape for every API error: {"error": {"code", "message", "fields"?}}."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import DomainError


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("机器可读的错误代码，如 not_found、throttled。"))
    message = serializers.CharField(help_text=gettext_lazy("给人看的错误说明。"))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=gettext_lazy("仅校验错误（400）：字段名 → 错误信息列表；嵌套字段以“.”连接。"),
    )


class ErrorSerializer(serializers.Serializer):
    """Every API error (4xx) has this shape."""

    error = ErrorBodySerializer()


# Seconds a client is told to wait when the refusal does not say (DRF's throttles and the wish
# limits do); a minute is the shortest window of any of the portal's rates.
DEFAULT_RETRY_AFTER = 60


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message": message}
    if fields is not None:
        body["fields"] = fields
    return {"error": body}


def _fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error detail to {"field.sub.0": [messages]}."""
    if isinstance(detail, dict):
        items = detail.items()
    elif isinstance(detail, list) and any(isinstance(d, (dict, list)) for d in detail):
        items = ((str(i), d) for i, d in enumerate(detail) if d)  # one entry per nested list item
    else:
        messages = detail if isinstance(detail, list) else [detail]
        return {prefix or "non_field_errors": [str(m) for m in messages]}
    flat: dict[str, list[str]] = {}
    for key, value in items:
        flat.update(_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, DomainError):
        api_exc = exceptions.APIException(detail=exc.message, code=exc.code)
        api_exc.status_code = exc.status_code
        # A limit that knows until when (wishes.services.limits): DRF sends ``wait`` as Retry-After.
        api_exc.wait = getattr(exc, "retry_after", None)
        return api_exc
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("未找到，或不在您的权限范围内。"))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def exception_handler(exc: Exception, context: dict) -> Response | None:
    exc = _as_api_exception(exc)
    response = drf_exception_handler(exc, context)
    if response is None:  # not an API error: a bug, left to Django's 500 handling and logging
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _("提交的数据有误。"), _fields(exc.detail))
    else:
        code = exc.get_codes()
        response.data = error_body(code if isinstance(code, str) else "error", str(exc.detail))
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and not response.has_header("Retry-After"):
        # Every 429 says when to come back (RFC 6585), even a limit that cannot know it exactly.
        response["Retry-After"] = str(DEFAULT_RETRY_AFTER)
    return response


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """A URL under /api/v1/ that names no endpoint still answers in the error shape."""
    return JsonResponse(error_body("not_found", _("接口不存在。")), status=404)
