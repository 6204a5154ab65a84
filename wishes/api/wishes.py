"""/api/v1/wishes/: partners submit residents' wishes and follow them (status and timeline).

Personal data leaves masked, whoever asks: the API is for systems, and a partner never needs a
resident's full name or mobile. The tracking code is returned once, to the submitter, in the
answer to the POST (it is the resident's key to confirm the fulfilment).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import BaseRouter

from grids.models import Region, RegionLevel
from portal.api.auth import PartnerPrincipal
from portal.api.viewsets import CreateReadViewSet
from portal.errors import NotAllowed
from portal.models import ApiScope
from wishes.filters import WishFilter
from wishes.models import Wish, WishCategory, WishChannel, WishEvent
from wishes.selectors.moderation import wishes_for_api
from wishes.services.submission import may_submit_for, wish_submit


class WishEventSerializer(serializers.ModelSerializer):
    # Rendered in the request's language from the stored codes and names: the same text as before
    # in Chinese (the default), translated for Accept-Language: en.
    actor = serializers.CharField(source="actor_display", read_only=True, help_text=_("谁（已脱敏）。"))
    actor_kind = serializers.CharField(
        read_only=True, help_text=_("谁的代码：resident、partner、moderator、claimant、staff、system 或空。")
    )
    note = serializers.CharField(source="note_display", read_only=True)

    class Meta:
        model = WishEvent
        fields = ["kind", "at", "actor", "actor_kind", "note"]
        read_only_fields = fields


class CommunitySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class WishSerializer(serializers.ModelSerializer):
    community = CommunitySerializer(read_only=True)
    resident_name = serializers.CharField(
        source="masked_name", read_only=True, help_text=_("已脱敏，如 王*梅。")
    )
    resident_mobile = serializers.CharField(
        source="masked_mobile", read_only=True, help_text=_("已脱敏，如 138****1234。")
    )
    timeline = WishEventSerializer(source="events", many=True, read_only=True)

    class Meta:
        model = Wish
        fields = [
            "id",
            "status",
            "category",
            "title",
            "description",
            "value",
            "community",
            "district_code",
            "resident_name",
            "resident_mobile",
            "channel",
            "partner",
            "reject_reason",
            "created_at",
            "published_at",
            "updated_at",
            "timeline",
        ]
        read_only_fields = fields


class WishCreatedSerializer(WishSerializer):
    tracking_code = serializers.CharField(
        read_only=True, help_text=_("查询码：请转告居民，凭它查询进度、确认完成。")
    )
    tracking_code_display = serializers.CharField(
        read_only=True, help_text=_("分组显示的查询码，如 ACD4-7FGH-JK。")
    )

    class Meta(WishSerializer.Meta):
        fields = [*WishSerializer.Meta.fields, "tracking_code", "tracking_code_display"]
        read_only_fields = fields


# Shapes the input only; every rule (mobile, lengths, value cap, consent, limits) is wish_submit's.
class WishCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, help_text=_("居民姓名（只给审核人员看，对外脱敏）。"))
    mobile = serializers.CharField(max_length=20, help_text=_("居民的 11 位手机号。"))
    community = serializers.CharField(
        max_length=15, help_text=_("所在社区（村）的区划代码，须在密钥的区域内。")
    )
    category = serializers.ChoiceField(choices=WishCategory.choices)
    title = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=1000)
    value = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text=_("估计价值（元）。"),
    )
    photo = serializers.ImageField(
        required=False, allow_null=True, help_text=_("可选，JPEG/PNG/WebP，不超过 10 MB。")
    )
    consent = serializers.BooleanField(help_text=_("居民已同意个人信息处理说明（须为 true）。"))
    sms_consent = serializers.BooleanField(required=False, default=False)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # A misspelt field ("moblie") is refused, not dropped in silence under a 201.
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("不支持的字段。")] for name in unknown})
        return super().to_internal_value(data)

    def validate_community(self, code: str) -> Region:
        region = Region.objects.filter(code=code.strip(), level=RegionLevel.COMMUNITY).first()
        request = self.context.get("request")
        if region is None or request is None or not may_submit_for(request.user, region):
            raise serializers.ValidationError(_("社区（村）区划代码不存在，或不在您的区域内。"))
        return region


@extend_schema_view(
    list=extend_schema(
        summary=_("微心愿列表"),
        description=_(
            "请求方区域内的微心愿（含进展），个人信息已脱敏。可按区域（区划代码，含下级）、状态、类别、"
            "更新时间（updated_since）筛选；同步时按 updated_at 排序。"
        ),
    ),
    retrieve=extend_schema(summary=_("微心愿详情")),
    create=extend_schema(
        summary=_("代居民提交微心愿"),
        description=_(
            "需要 wishes:write 权限的合作单位密钥，社区须在密钥区域内。返回查询码（tracking_code），请转告居民。"
            "同一手机号最多同时有 3 个未完成的心愿，超出返回 429。带 Idempotency-Key 重试不会重复提交。"
        ),
        request=WishCreateSerializer,
        responses={201: WishCreatedSerializer},
    ),
)
class WishViewSet(CreateReadViewSet):
    serializer_class = WishSerializer
    filterset_class = WishFilter
    ordering_fields = ["id", "updated_at"]
    required_write_scope = ApiScope.WISHES_WRITE

    def get_queryset(self) -> QuerySet[Wish]:
        return wishes_for_api(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = WishCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        data = given.validated_data
        wish = wish_submit(
            name=data["name"],
            mobile=data["mobile"],
            community=data["community"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            value_yuan=data.get("value"),
            photo=data.get("photo"),
            consent=data["consent"],
            sms_consent=data["sms_consent"],
            # A partner's server submits for many residents: its key is accountable and throttled,
            # the per-IP rate is for anonymous residents.
            ip=None,
            channel=WishChannel.API,
            partner=_partner_name(request),
        )
        created = Wish.objects.select_related("community").prefetch_related("events").get(pk=wish.pk)
        return Response(
            WishCreatedSerializer(created, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("wish-detail", args=[created.pk], request=request)},
        )


def _partner_name(request: Request) -> str:
    actor = request.user
    if isinstance(actor, PartnerPrincipal):
        return actor.api_key.partner
    if getattr(actor, "is_authenticated", False):
        return actor.masked_name  # staff entering a wish taken by phone: shown on the timeline
    raise NotAllowed()


def register(router: BaseRouter) -> None:
    router.register("wishes", WishViewSet, basename="wish")
