"""Open311 GeoReport v2 for micro-wishes, under ``/open311/v2/``.

Civic-request clients (FixMyStreet, SeeClickFix, city 311 apps) speak this standard; here a
"service" is a wish category and a "service request" is a wish. The mapping:

- ``service_request_id`` is the wish's id, given at once; ``token`` is the id with a keyed MAC
  (never the tracking code: that is the resident's key to confirm the fulfilment).
- ``status`` is ``open`` while the wish still counts as open (``wishes.models.OPEN_WISH``:
  submitted, published, claimed, fulfilled) and ``closed`` once confirmed or rejected;
  ``status_notes`` says which step it is at (and a rejection's reason).
- ``agency_responsible`` is the community; ``address_id`` its region code; ``expected_datetime``
  the live claim's deadline; ``requested_datetime``/``updated_datetime`` the wish's own times.
- Nothing about the resident is returned: no name, no phone, and mobile numbers written into a
  description are masked (138****1234).

Reads are open to anyone for the wishes on the public wall; a partner's key (``api_key`` or the
``Authorization: Api-Key`` header) adds what the key may read in its region, and what its partner
submitted there. A submission needs a key with ``wishes:write`` whose region holds the community,
and goes through ``wish_submit`` like the form and the API: same limits, same moderation. A
partner's retry of the same submission within a day is answered with the first answer (the
portal's idempotency records, keyed by the submission's content), never a second wish.

Errors use the spec's format: ``[{"code": 400, "description": "…"}]`` or
``<errors><error><code>400</code><description>…</description></error></errors>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from brands.images import MAX_UPLOAD_BYTES
from grids.models import Region, RegionLevel
from portal import outbound
from portal.api import idempotency
from portal.api.auth import PartnerKeyAuthentication, PartnerPrincipal, find_key
from portal.api.throttling import PrincipalRateThrottle
from portal.api.viewsets import PortalViewSetMixin
from portal.errors import DomainError
from portal.ids import MAX_ID, parse_id
from portal.models import ApiScope
from portal.privacy import mask_mobile
from portal.scoping import Action, scope
from wishes.models import OPEN_WISH, ClaimStatus, Wish, WishCategory, WishChannel, WishClaim, WishStatus
from wishes.services.submission import wish_submit

MAX_DAYS = 90  # the spec's default window and the widest range one query may ask for
MAX_RESULTS = 1000  # the spec's cap on one answer
MAX_IDS = 1000
YEARS = (2000, 2100)
# The statuses in OPEN_WISH (Q(status__in=[…])): the one rule for "still open", read, not restated.
OPEN_STATUSES = frozenset(OPEN_WISH.children[0][1])
TITLE_LENGTH = 30
MEDIA_TIMEOUT = 10.0  # seconds for the whole transfer of a media_url
MOBILE_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# Characters XML 1.0 cannot carry at all (a description pasted with a control character).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMAT_PATTERN = r"(?P<fmt>json|xml)"


class Open311Error(exceptions.APIException):
    """A refusal in the spec's words; ``description`` is shown to the client's user."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(detail=description)
        self.status_code = code


# --- Rendering -----------------------------------------------------------------------------------

# The element each list's items are written as, in the spec's XML.
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
}


class Open311JSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


class Open311XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None
    ) -> bytes:
        if data is None:
            return b""
        context = renderer_context or {}
        response = context.get("response")
        failed = response is not None and response.status_code >= 400
        root_name = "errors" if failed else getattr(context.get("view"), "xml_root", "service_requests")
        root = ET.Element(root_name)
        _fill(root, root_name, data)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _fill(element: ET.Element, name: str, value: Any) -> None:
    if isinstance(value, list):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES.get(name, "item")), ITEM_NAMES.get(name, "item"), item)
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), key, child)
    elif value is None:
        return
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    else:
        element.text = XML_INVALID.sub("", str(value))


# --- Who reads what ------------------------------------------------------------------------------


class ApiKeyParameterAuthentication(BaseAuthentication):
    """The spec's ``api_key`` parameter (query string or form body), holding a partner key."""

    def authenticate(self, request: Request) -> tuple[PartnerPrincipal, Any] | None:
        key = request.query_params.get("api_key")
        if key is None and request.method == "POST":
            data = request.data
            key = data.get("api_key") if isinstance(data, Mapping) else None
        if not key:
            return None
        key = str(key).strip()
        # Keys are short printable ASCII: anything else (a NUL PostgreSQL cannot compare) is no key.
        well_formed = len(key) <= 200 and key.isascii() and key.isprintable()
        api_key = find_key(key) if well_formed else None
        if api_key is None or api_key.has_expired:
            raise exceptions.AuthenticationFailed(_("api_key 无效、已吊销或已过期。"))
        return PartnerPrincipal(api_key), api_key


class ApiKeyParameterScheme(OpenApiAuthenticationExtension):
    target_class = "wishes.open311.ApiKeyParameterAuthentication"
    name = "Open311ApiKey"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {"type": "apiKey", "in": "query", "name": "api_key", "description": "Open311 api_key."}


def visible_wishes(actor: Any) -> QuerySet[Wish]:
    """The wall for everyone; a key adds its region's wishes and its partner's own submissions."""
    wishes = Wish.objects.on_wall()
    if isinstance(actor, PartnerPrincipal):
        wishes = wishes | scope(actor, Wish.objects.all(), Action.VIEW)
        submitted = scope(actor, Wish.objects.filter(partner=actor.api_key.partner), ApiScope.WISHES_WRITE)
        wishes = wishes | submitted
    return wishes


def _with_details(wishes: QuerySet[Wish]) -> QuerySet[Wish]:
    live = WishClaim.objects.filter(status=ClaimStatus.ACTIVE).only("wish_id", "deadline")
    return wishes.select_related("community").prefetch_related(Prefetch("claims", live, to_attr="active"))


# --- Tokens ------------------------------------------------------------------------------------
# Not the tracking code: that is the resident's key to confirm the fulfilment, and partners never
# hold it (wish_webhook_data keeps it out of webhooks too). A token is the id with a keyed MAC.


def token_for(pk: int) -> str:
    return f"{pk}-{_mac(pk)}"


def token_id(token: str) -> int | None:
    number, _dash, mac = token.partition("-")
    pk = parse_id(number)
    return pk if pk is not None and constant_time_compare(mac, _mac(pk)) else None


def _mac(pk: int) -> str:
    return salted_hmac("wishes.open311.token", str(pk)).hexdigest()[:16]


# --- The mapping ---------------------------------------------------------------------------------


def _datetime(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _masked_text(text: str) -> str:
    return MOBILE_IN_TEXT.sub(lambda match: mask_mobile(match.group()), text)


def status_of(wish: Wish) -> str:
    return "open" if wish.status in OPEN_STATUSES else "closed"


def status_notes(wish: Wish) -> str:
    notes = {
        WishStatus.SUBMITTED: _("已提交，等待社区审核。"),
        WishStatus.PUBLISHED: _("已发布到心愿墙，等待认领。"),
        WishStatus.CLAIMED: _("已被认领，正在实现。"),
        WishStatus.FULFILLED: _("已实现，等待居民确认。"),
        WishStatus.CONFIRMED: _("居民已确认。"),
    }
    if wish.status == WishStatus.REJECTED:
        return _("未通过审核：%(reason)s") % {"reason": wish.reject_reason or "-"}
    return str(notes.get(wish.status, wish.get_status_display()))


def request_of(wish: Wish, request: Request) -> dict[str, Any]:
    active = getattr(wish, "active", None)
    if active is None:
        active = list(wish.claims.filter(status=ClaimStatus.ACTIVE).only("deadline"))
    return {
        "service_request_id": wish.pk,
        "status": status_of(wish),
        "status_notes": status_notes(wish),
        "service_name": str(WishCategory(wish.category).label),
        "service_code": wish.category,
        "description": _masked_text(f"{wish.title}\n{wish.description}"),
        "agency_responsible": wish.community.name,
        "service_notice": None,
        "requested_datetime": _datetime(wish.created_at),
        "updated_datetime": _datetime(wish.updated_at),
        "expected_datetime": _datetime(active[0].deadline) if active else None,
        "address": wish.community.name,
        "address_id": wish.community.code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": request.build_absolute_uri(wish.photo.url) if wish.photo else None,
    }


def services() -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.value,
            "service_name": str(category.label),
            "description": _("微心愿：%(name)s") % {"name": category.label},
            "metadata": True,
            "type": "realtime",
            "keywords": _("微心愿"),
            "group": _("微心愿"),
        }
        for category in WishCategory
    ]


def service_definition(code: str) -> dict[str, Any]:
    attributes = [
        _attribute(
            "community", 1, required=True, datatype="string",
            description=_("所在社区的区划代码（也可用 address_id 传入）。"),
        ),
        _attribute(
            "value", 2, required=False, datatype="number",
            description=_("估计价值（元），可不填。"),
        ),
        _attribute(
            "sms", 4, required=False, datatype="singlevaluelist",
            description=_("居民同意接收心愿进展短信。"),
            values=[{"key": "yes", "name": _("同意")}, {"key": "no", "name": _("不同意")}],
        ),
        _attribute(
            "consent", 3, required=True, datatype="singlevaluelist",
            description=_("居民同意本平台处理其姓名和手机号，仅用于实现这个心愿。"),
            values=[{"key": "yes", "name": _("同意")}],
        ),
    ]  # fmt: skip
    return {"service_code": code, "attributes": attributes}


def _attribute(
    code: str, order: int, *, required: bool, datatype: str, description: str, values: list | None = None
) -> dict[str, Any]:
    return {
        "variable": True,
        "code": code,
        "datatype": datatype,
        "required": required,
        "datatype_description": None,
        "order": order,
        "description": description,
        "values": values or [],
    }


# --- Reading the filters -------------------------------------------------------------------------


def _listed(value: str, name: str, limit: int = MAX_IDS) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items or len(items) > limit:
        raise Open311Error(
            400, _("%(name)s 须为逗号分隔的列表（最多 %(n)d 项）。") % {"name": name, "n": limit}
        )
    return items


def _ids(value: str) -> list[int]:
    ids = [parse_id(item) for item in _listed(value, "service_request_id")]
    if None in ids:
        raise Open311Error(400, _("service_request_id 须为 1 到 %(max)d 之间的整数。") % {"max": MAX_ID})
    return ids


def _moment(value: str | None, name: str, *, end_of_day: bool = False) -> dt.datetime | None:
    """A W3C date-time; a bare date means the day's start (or, for an end, the whole day)."""
    if value is None:
        return None
    text = value.strip().replace(" ", "+")  # a "+08:00" sent unencoded arrives as a space
    try:
        # A bare date first: parse_datetime would read "2024-05-01" as that day's midnight.
        day = parse_date(text) if len(text) == 10 else None
        moment = parse_datetime(text) if day is None else None
        if day is not None:
            moment = dt.datetime.combine(day + dt.timedelta(days=1) if end_of_day else day, dt.time.min)
    except (ValueError, OverflowError):
        moment = None
    # Far dates overflow when converted to UTC (year 1 or 9999); no wish lies outside these.
    if moment is None or not YEARS[0] <= moment.year <= YEARS[1]:
        raise Open311Error(
            400, _("%(name)s 须为 W3C 日期时间，如 2024-05-01T08:00:00+08:00。") % {"name": name}
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


def date_range(params: Mapping[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """The spec's window: 90 days before the end (now by default); wider is refused."""
    start, end = (
        _moment(params.get("start_date"), "start_date"),
        _moment(params.get("end_date"), "end_date", end_of_day=True),
    )
    window = dt.timedelta(days=MAX_DAYS)
    try:
        if start is None:
            end = end or timezone.now()
            start = end - window
        elif end is None:
            end = start + window
    except OverflowError:
        raise Open311Error(400, _("日期超出范围。")) from None
    if start > end:
        raise Open311Error(400, _("start_date 不能晚于 end_date。"))
    if end - start > window:
        raise Open311Error(400, _("查询的时间范围不能超过 %(days)d 天。") % {"days": MAX_DAYS})
    return start, end


def filter_requests(wishes: QuerySet[Wish], params: Mapping[str, str]) -> QuerySet[Wish]:
    if params.get("service_request_id"):  # the spec: every other parameter is then ignored
        return wishes.filter(pk__in=_ids(params["service_request_id"]))
    start, end = date_range(params)
    wishes = wishes.filter(created_at__gte=start, created_at__lte=end)
    if params.get("service_code"):
        codes = _listed(params["service_code"], "service_code", limit=len(WishCategory))
        unknown = set(codes) - set(WishCategory.values)
        if unknown:
            raise Open311Error(
                400, _("未知的 service_code：%(codes)s") % {"codes": ", ".join(sorted(unknown))}
            )
        wishes = wishes.filter(category__in=codes)
    if params.get("status"):
        wanted = set(_listed(params["status"], "status", limit=2))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open、closed 或二者。"))
        if wanted == {"open"}:
            wishes = wishes.filter(OPEN_WISH)
        elif wanted == {"closed"}:
            wishes = wishes.exclude(OPEN_WISH)
    return wishes


# --- OpenAPI -------------------------------------------------------------------------------------


# The spec's errors: a list of {code, description} (a component would lose the list for 4xx).
ERROR_LIST = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        "required": ["code", "description"],
    },
}


class ServiceSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    service_name = serializers.CharField()
    description = serializers.CharField()
    metadata = serializers.BooleanField()
    type = serializers.CharField()
    keywords = serializers.CharField()
    group = serializers.CharField()


class AttributeValueSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()


class AttributeSerializer(serializers.Serializer):
    variable = serializers.BooleanField()
    code = serializers.CharField()
    datatype = serializers.CharField()
    required = serializers.BooleanField()
    datatype_description = serializers.CharField(allow_null=True)
    order = serializers.IntegerField()
    description = serializers.CharField()
    values = AttributeValueSerializer(many=True)


class ServiceDefinitionSerializer(serializers.Serializer):
    service_code = serializers.CharField()
    attributes = AttributeSerializer(many=True)


class ServiceRequestSerializer(serializers.Serializer):
    service_request_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["open", "closed"])
    status_notes = serializers.CharField()
    service_name = serializers.CharField()
    service_code = serializers.CharField()
    description = serializers.CharField()
    agency_responsible = serializers.CharField()
    service_notice = serializers.CharField(allow_null=True)
    requested_datetime = serializers.DateTimeField()
    updated_datetime = serializers.DateTimeField()
    expected_datetime = serializers.DateTimeField(allow_null=True)
    address = serializers.CharField()
    address_id = serializers.CharField()
    zipcode = serializers.CharField(allow_null=True)
    lat = serializers.FloatField(allow_null=True)
    long = serializers.FloatField(allow_null=True)
    media_url = serializers.URLField(allow_null=True)


class CreatedSerializer(serializers.Serializer):
    service_request_id = serializers.IntegerField()
    token = serializers.CharField()
    service_notice = serializers.CharField()
    account_id = serializers.CharField(allow_null=True)


class TokenSerializer(serializers.Serializer):
    service_request_id = serializers.IntegerField()
    token = serializers.CharField()


ERROR_DESCRIPTIONS = {
    400: gettext_lazy("参数有误（如日期格式、时间范围超过 90 天、未知的 service_code）。"),
    403: gettext_lazy("api_key 缺失、无效，或没有所需权限范围 / 区域。"),
    404: gettext_lazy("未找到，或不在可见范围内。"),
    415: gettext_lazy("提交格式须为 application/x-www-form-urlencoded 或 multipart/form-data。"),
    429: gettext_lazy("请求过于频繁。"),
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ERROR_LIST, description=ERROR_DESCRIPTIONS[code]) for code in codes}


FORMAT = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=["json", "xml"], description=gettext_lazy("json 或 xml")
)
API_KEY = OpenApiParameter(
    "api_key", str, description=gettext_lazy("可选：合作方 API 密钥（可看到其区域内未上墙的心愿）。")
)


class Open311Schema(AutoSchema):
    # The spec's own error shape, not the portal API's: no shared error responses are added.
    def get_tags(self) -> list[str]:
        return ["open311"]


# --- Views ---------------------------------------------------------------------------------------


class Open311View(PortalViewSetMixin, APIView):
    # The portal's idempotency and key handling; the spec's renderers, parsers and error format.
    authentication_classes = [ApiKeyParameterAuthentication, PartnerKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [PrincipalRateThrottle]
    renderer_classes = [Open311JSONRenderer, Open311XMLRenderer]
    parser_classes = [parsers.FormParser, parsers.MultiPartParser]
    schema = Open311Schema()
    xml_root = "service_requests"

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        # The format is the URL's suffix (.json / .xml), whatever the Accept header says.
        fmt = self.kwargs.get("fmt")
        renderer = Open311XMLRenderer() if fmt == "xml" else Open311JSONRenderer()
        return renderer, renderer.media_type

    def get_exception_handler(self) -> Any:
        return exception_handler


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handling (status, Retry-After), answered in the spec's error list."""
    retry_after = getattr(exc, "retry_after", None)  # a wish limit says until when
    exc = _as_open311(exc)
    response = drf_exception_handler(exc, context)
    if response is None:  # a bug: Django's 500 handling and logging
        return None
    if retry_after:
        response["Retry-After"] = str(retry_after)
    if isinstance(exc.detail, dict):
        messages = _flatten_serializer(exc.detail)
    elif isinstance(exc.detail, list):
        messages = [str(message) for message in exc.detail]
    else:
        messages = [str(exc.detail)]
    response.data = [{"code": response.status_code, "description": message} for message in messages]
    return response


def _as_open311(exc: Exception) -> Exception:
    if isinstance(exc, (exceptions.AuthenticationFailed, exceptions.NotAuthenticated)):
        return Open311Error(403, str(exc.detail))
    if isinstance(exc, Http404):
        return Open311Error(404, _("未找到，或不在您的可见范围内。"))
    if isinstance(exc, exceptions.ValidationError):
        return exc
    if isinstance(exc, DomainError):
        return Open311Error(exc.status_code, exc.message)
    if isinstance(exc, ValidationError):
        return exceptions.ValidationError(_open311_fields(exc))
    return exc


# The service's parameter names, as an Open311 client named them.
FIELD_NAMES = {
    "name": "last_name/first_name",
    "mobile": "phone",
    "category": "service_code",
    "title": "description",
    "value": "attribute[value]",
    "consent": "attribute[consent]",
    "photo": "media_url",
    "community": "attribute[community]",
}


def _open311_fields(error: ValidationError) -> dict[str, list[str]] | list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    return {FIELD_NAMES.get(field, field): messages for field, messages in error.message_dict.items()}


class ServiceList(Open311View):
    xml_root = "services"

    @extend_schema(
        operation_id="open311_services",
        summary="Open311: services (wish categories)",
        parameters=[FORMAT],
        responses={200: ServiceSerializer(many=True), **_errors(429)},
    )
    def get(self, request: Request, fmt: str) -> Response:
        return Response(services())


class ServiceDefinitionView(Open311View):
    xml_root = "service_definition"

    @extend_schema(
        operation_id="open311_service_definition",
        summary="Open311: a service's attributes",
        parameters=[FORMAT, OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: ServiceDefinitionSerializer, **_errors(404, 429)},
    )
    def get(self, request: Request, code: str, fmt: str) -> Response:
        if code not in WishCategory.values:
            raise Open311Error(404, _("没有这个服务：%(code)s") % {"code": code[:50]})
        return Response(service_definition(code))


class RequestDetail(Open311View):
    @extend_schema(
        operation_id="open311_request",
        summary="Open311: one service request (wish)",
        parameters=[FORMAT, OpenApiParameter("request_id", str, OpenApiParameter.PATH), API_KEY],
        responses={200: ServiceRequestSerializer(many=True), **_errors(403, 404, 429)},
    )
    def get(self, request: Request, request_id: str, fmt: str) -> Response:
        pk = parse_id(request_id)
        wish = _with_details(visible_wishes(request.user).filter(pk=pk)).first() if pk else None
        if wish is None:
            raise Open311Error(
                404, _("没有编号为 %(id)s 的心愿，或不在您的可见范围内。") % {"id": request_id[:30]}
            )
        return Response([request_of(wish, request)])


class TokenView(Open311View):
    @extend_schema(
        operation_id="open311_token",
        summary="Open311: the request id behind a token",
        parameters=[FORMAT, OpenApiParameter("token", str, OpenApiParameter.PATH)],
        responses={200: TokenSerializer(many=True), **_errors(404, 429)},
    )
    def get(self, request: Request, token: str, fmt: str) -> Response:
        pk = token_id(token)
        if pk is None or not Wish.objects.filter(pk=pk).exists():
            raise Open311Error(404, _("没有这个 token。"))
        return Response([{"service_request_id": pk, "token": token}])


class SubmissionSerializer(serializers.Serializer):
    """The spec's POST fields (form-encoded); ``attribute[…]`` as in the service definition."""

    service_code = serializers.ChoiceField(choices=WishCategory.values)
    description = serializers.CharField(max_length=1000)
    first_name = serializers.CharField(max_length=25)
    last_name = serializers.CharField(max_length=25)
    phone = serializers.CharField(max_length=20)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    address_id = serializers.CharField(max_length=15, required=False, allow_blank=True)
    address_string = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False)
    long = serializers.FloatField(required=False)
    device_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    account_id = serializers.CharField(max_length=100, required=False, allow_blank=True)
    media_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    api_key = serializers.CharField(
        max_length=200, required=False, help_text=gettext_lazy("合作方 API 密钥（须有 wishes:write）。")
    )

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["attribute[community]"] = serializers.CharField(
            max_length=15, required=False, help_text=gettext_lazy("所在社区的区划代码（或用 address_id）。")
        )
        fields["attribute[value]"] = serializers.DecimalField(
            max_digits=8, decimal_places=2, min_value=Decimal("0"), required=False
        )
        fields["attribute[sms]"] = serializers.ChoiceField(
            choices=["yes", "no"], required=False, help_text=gettext_lazy("居民同意接收进展短信：yes。")
        )
        fields["attribute[consent]"] = serializers.ChoiceField(
            choices=["yes"], required=False, help_text=gettext_lazy("居民同意处理其个人信息：yes。")
        )
        return fields


def _submission_key(data: Mapping[str, Any]) -> str:
    """The same submission's retries share a key: its content, the api_key aside."""
    content = {k: data.getlist(k) if hasattr(data, "getlist") else data[k] for k in data if k != "api_key"}
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return "open311:" + hashlib.sha256(text.encode()).hexdigest()


def _title(description: str) -> str:
    first = description.strip().splitlines()[0].strip() if description.strip() else ""
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


class RequestList(Open311View):
    @extend_schema(
        operation_id="open311_requests",
        summary="Open311: service requests (wishes)",
        parameters=[
            FORMAT,
            OpenApiParameter(
                "service_request_id", str, description=gettext_lazy("逗号分隔的编号；给出时忽略其他参数。")
            ),
            OpenApiParameter("service_code", str, description=gettext_lazy("逗号分隔的类别代码。")),
            OpenApiParameter(
                "start_date", str, description=gettext_lazy("W3C 日期时间；默认 end_date 前 90 天。")
            ),
            OpenApiParameter(
                "end_date", str, description=gettext_lazy("W3C 日期时间；默认现在。最多 90 天。")
            ),
            OpenApiParameter("status", str, description=gettext_lazy("open、closed，或逗号分隔的二者。")),
            API_KEY,
        ],
        responses={200: ServiceRequestSerializer(many=True), **_errors(400, 403, 429)},
    )
    def get(self, request: Request, fmt: str) -> Response:
        wishes = filter_requests(visible_wishes(request.user), request.query_params)
        wishes = _with_details(wishes.order_by("-created_at", "-id"))[:MAX_RESULTS]
        return Response([request_of(wish, request) for wish in wishes])

    @extend_schema(
        operation_id="open311_create_request",
        summary="Open311: submit a wish (api_key with wishes:write)",
        parameters=[FORMAT],
        request={"application/x-www-form-urlencoded": SubmissionSerializer},
        responses={201: CreatedSerializer(many=True), **_errors(400, 403, 415, 429)},
    )
    def post(self, request: Request, fmt: str) -> Response:
        actor = request.user
        if not isinstance(actor, PartnerPrincipal) or ApiScope.WISHES_WRITE not in actor.scopes:
            raise Open311Error(403, _("提交心愿须提供有 wishes:write 权限的 api_key。"))
        given = SubmissionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        wish = submit(actor=actor, data=given.validated_data)
        body = {
            "service_request_id": wish.pk,
            "token": token_for(wish.pk),
            "service_notice": _("已提交，社区审核通过后发布到心愿墙。"),
            "account_id": None,
        }
        return Response([body], status=status.HTTP_201_CREATED)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Open311 clients send no Idempotency-Key: a retry is recognised by its content.
        if request.method == "POST" and not request.META.get(idempotency.HEADER):
            request.META[idempotency.HEADER] = _submission_key(request.data)
        super().initial(request, *args, **kwargs)


def _flatten_serializer(errors: Mapping[str, Any]) -> list[str]:
    return [
        f"{field}: {message}"
        for field, messages in errors.items()
        for message in (messages if isinstance(messages, list) else [messages])
    ]


def submit(*, actor: PartnerPrincipal, data: Mapping[str, Any]) -> Wish:
    """Everything checked here is Open311's (the key's region, media_url); the wish's rules are the service's."""
    code = data.get("attribute[community]") or data.get("address_id")
    communities = Region.objects.filter(level=RegionLevel.COMMUNITY, code=code)
    community = scope(actor, communities, ApiScope.WISHES_WRITE).first() if code else None
    if community is None:
        raise Open311Error(400, _("attribute[community]：未知的社区代码，或不在该 api_key 的区域内。"))
    photo = fetch_media(data["media_url"]) if data.get("media_url") else None
    return wish_submit(
        name=f"{data['last_name'].strip()}{data['first_name'].strip()}",  # family name first
        mobile=data["phone"],
        community=community,
        category=data["service_code"],
        title=_title(data["description"]),
        description=data["description"],
        value_yuan=data.get("attribute[value]"),
        photo=photo,
        consent=data.get("attribute[consent]") == "yes",
        sms_consent=data.get("attribute[sms]") == "yes",
        # No IP: the per-IP rate is the anonymous residents' guard; a partner is one server
        # relaying many residents, limited by its key's throttle, and the wish records the partner.
        ip=None,
        channel=WishChannel.OPEN311,
        partner=actor.api_key.partner,
    )


def fetch_media(url: str) -> SimpleUploadedFile:
    """The photo at ``media_url``, fetched under the webhooks' address rules; its image rules are
    the form's (the service decodes and re-encodes it)."""
    try:
        content = outbound.fetch(url, max_bytes=MAX_UPLOAD_BYTES, total_timeout=MEDIA_TIMEOUT)
    except ValidationError as refusal:
        raise Open311Error(400, f"media_url: {refusal.messages[0]}") from None
    return SimpleUploadedFile("media", content)
