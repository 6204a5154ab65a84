"""OpenAPI for every portal endpoint: the error shape and the Idempotency-Key header, declared once."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from portal.api.errors import ErrorSerializer

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=_(
        "可选，最多 255 个字符（建议 UUID）。24 小时内以同一密钥重试同一请求，将原样返回第一次的响应"
        "（响应头 Idempotent-Replayed: true），不会重复创建；同一密钥用于不同请求返回 422，"
        "第一次请求尚未完成时返回 409。"
    ),
)

ERRORS = {
    "400": _("请求参数或提交的数据有误；fields 列出各字段的错误。"),
    "401": _("未登录，或 API 密钥缺失、无效、已吊销或已过期。"),
    "403": _("无权执行此操作（如 API 密钥缺少所需权限范围）。"),
    "404": _("未找到，或不在您的可见区域内。"),
    "409": _("相同 Idempotency-Key 的请求正在处理中，或状态已变化。"),
    "422": _("该 Idempotency-Key 已用于另一个不同的请求。"),
    "429": _("请求过于频繁，请按 Retry-After 响应头稍后重试。"),
}


class PortalAutoSchema(AutoSchema):
    def get_override_parameters(self) -> list:
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY] if self.method == "POST" else parameters

    def _get_response_bodies(self, direction: str = "response") -> dict:
        bodies = super()._get_response_bodies(direction)
        for code in self._error_codes():
            response = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
            bodies.setdefault(code, self._get_response_for_code(response, code, direction=direction))
        return bodies

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")  # invalid body, or invalid filter values on a list
        if "{" in self.path:
            codes.append("404")
        if self.method == "POST":
            codes += ["409", "422"]
        return sorted(codes)
