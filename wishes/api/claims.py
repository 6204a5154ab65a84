"""Claim, release, fulfil and confirm a wish through the API: the same services as the pages.

Only detail actions live here (``POST /api/v1/wishes/{id}/claim/`` …); the list, detail and
create endpoints at the same prefix are another viewset's. Claiming, releasing and fulfilling
are a person's acts: they need a signed-in active volunteer's session, and a partner's API key,
which acts for a system and not a person, is refused with 403. Confirming is the resident's (on
the tracking page) or staff's: here staff in scope, anyone else gets 404.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from brands.images import ImageUploadField
from grids.models import PartyOrganization
from portal.api.auth import PartnerPrincipal
from portal.api.errors import ErrorSerializer
from portal.api.viewsets import PortalViewSetMixin
from portal.ids import IdSerializerField
from portal.scoping import Action
from volunteers.models import Team, Volunteer
from wishes.models import ClaimStatus, Rating, WelfareOrganization, Wish, WishClaim, WishStatus
from wishes.selectors import wall as wall_selectors
from wishes.services import claims as services


class PeopleOnly(BasePermission):
    message = _("认领、放弃和完成心愿须由登录的志愿者本人操作，API 密钥不能代替。")

    def has_permission(self, request: Request, view: object) -> bool:
        return not isinstance(request.user, PartnerPrincipal)


class ClaimRequestSerializer(serializers.Serializer):
    team = IdSerializerField(required=False, help_text=_("为所带领的志愿服务队（帮帮团）认领"))
    organization = IdSerializerField(required=False, help_text=_("代表所在党组织认领"))
    welfare_org = IdSerializerField(required=False, help_text=_("代表爱心单位认领"))

    def validate(self, data: dict) -> dict:
        if len(data) > 1:
            raise serializers.ValidationError(_("团队、党组织、爱心单位只能选一个。"))
        return data


class ReleaseRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)


class FulfilRequestSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500)
    hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24")
    )
    evidence = serializers.FileField(help_text=_("完成照片：JPEG、PNG 或 WebP，不超过 10 MB"))
    participants = serializers.ListField(
        child=IdSerializerField(),
        required=False,
        max_length=services.MAX_PARTICIPANTS,
        help_text=_("团队认领：参与的本队已加入队员的志愿者编号（队长本人无需填写），确认后各自记入服务时长"),
    )

    def validate_evidence(self, upload: object) -> object:
        return ImageUploadField().to_python(upload)


class ConfirmRequestSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    thanks = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ClaimSerializer(serializers.ModelSerializer):
    wish = serializers.IntegerField(source="wish_id", read_only=True)
    wish_status = serializers.CharField(source="wish.status", read_only=True)
    claimant = serializers.CharField(source="claimant_name", read_only=True)

    class Meta:
        model = WishClaim
        fields = [
            "id", "wish", "wish_status", "kind", "claimant", "status", "deadline", "claimed_at",
            "fulfilled_at", "released_at", "release_reason", "fulfil_note", "hours",
        ]  # fmt: skip
        read_only_fields = fields


class ConfirmedSerializer(serializers.ModelSerializer):
    resident = serializers.CharField(source="masked_name", read_only=True)

    class Meta:
        model = Wish
        fields = ["id", "status", "title", "resident", "rating", "thanks", "confirmed_at"]
        read_only_fields = fields


CONFLICT = OpenApiResponse(ErrorSerializer, description=_("已被认领，或当前状态下不能执行该操作"))
REFUSED = OpenApiResponse(ErrorSerializer, description=_("不是登录的志愿者本人，或无权代表该团队/单位"))
MISSING = OpenApiResponse(ErrorSerializer, description=_("心愿不存在或不在您的权限范围内"))
INVALID = OpenApiResponse(ErrorSerializer, description=_("提交的数据有误"))


@extend_schema_view(
    claim=extend_schema(
        summary=_("认领心愿"),
        description=_(
            "已认证志愿者认领一个待认领的心愿（可为所带领的团队或所代表的单位认领）。只有一个认领成功，其余返回 409。"
        ),
        request=ClaimRequestSerializer,
        responses={201: ClaimSerializer, 400: INVALID, 403: REFUSED, 404: MISSING, 409: CONFLICT},
    ),
    release=extend_schema(
        summary=_("放弃认领"),
        request=ReleaseRequestSerializer,
        responses={200: ClaimSerializer, 403: REFUSED, 404: MISSING, 409: CONFLICT},
    ),
    fulfil=extend_schema(
        summary=_("提交完成情况"),
        description=_("认领人提交完成说明、服务时长和完成照片（multipart/form-data）。"),
        request={"multipart/form-data": FulfilRequestSerializer},
        responses={200: ClaimSerializer, 400: INVALID, 403: REFUSED, 404: MISSING, 409: CONFLICT},
    ),
    confirm=extend_schema(
        summary=_("确认完成并评价"),
        description=_("本社区（及上级）工作人员代居民确认；认领人的服务时长随之确认。"),
        request=ConfirmRequestSerializer,
        responses={200: ConfirmedSerializer, 400: INVALID, 403: REFUSED, 404: MISSING, 409: CONFLICT},
    ),
)
class WishClaimViewSet(PortalViewSetMixin, viewsets.GenericViewSet):
    serializer_class = ClaimSerializer
    filter_backends: list = []
    pagination_class = None

    def get_permissions(self) -> list[BasePermission]:
        people = [] if self.action == "confirm" else [PeopleOnly()]
        return [*super().get_permissions(), *people]

    def get_queryset(self) -> QuerySet[Wish]:
        wishes = Wish.objects.select_related("community")
        if self.action == "confirm":
            return wishes.visible_to(self.request.user, Action.CHANGE)
        return wishes.on_wall()

    def _volunteer(self) -> Volunteer:
        volunteer = wall_selectors.claiming_volunteer(self.request.user)
        if volunteer is None:
            raise PermissionDenied(_("只有已认证的志愿者可以认领心愿。"))
        return volunteer

    def _my_claim(self, wish: Wish) -> WishClaim:
        claim = (
            WishClaim.objects.select_related("wish__community", "claimed_by")
            .filter(wish=wish, claimed_by_id=self.request.user.pk)
            .filter(status__in=[ClaimStatus.ACTIVE, ClaimStatus.FULFILLED])
            .first()
        )
        if claim is None:
            raise NotFound(_("您没有认领这个心愿。"))
        claim.wish = wish
        return claim

    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: int) -> Response:
        # In a rush nearly every attempt loses. One query reads the volunteer with the wish's
        # status; a claim for oneself on a wish already taken is then answered by the service
        # (已被认领, 409) with no other read and no transaction. Anything else takes the full path.
        attempt = wall_selectors.claim_attempt(user=request.user, wish_id=pk)
        if attempt is not None and attempt[1] not in (None, WishStatus.PUBLISHED) and not request.data:
            volunteer, taken = attempt
            services.wish_claim(wish=Wish(pk=pk, status=taken), volunteer=volunteer)
        wish = self.get_object()
        volunteer = attempt[0] if attempt is not None else self._volunteer()
        body = ClaimRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        claimant = _claimant(body.validated_data)
        claim = services.wish_claim(wish=wish, volunteer=volunteer, claimant=claimant)
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: int) -> Response:
        claim = self._my_claim(self.get_object())
        body = ReleaseRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.claim_release(claim=claim, actor=request.user, reason=body.validated_data.get("reason", ""))
        return Response(ClaimSerializer(claim).data)

    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def fulfil(self, request: Request, pk: int) -> Response:
        claim = self._my_claim(self.get_object())
        body = FulfilRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        claim = services.wish_fulfil(
            claim=claim,
            actor=request.user,
            note=data["note"],
            hours=data["hours"],
            evidence=data["evidence"],
            participants=data.get("participants", []),
        )
        return Response(ClaimSerializer(claim).data)

    @action(detail=True, methods=["post"])
    def confirm(self, request: Request, pk: int) -> Response:
        if isinstance(request.user, PartnerPrincipal):
            raise PermissionDenied(_("确认须由工作人员本人操作。"))
        wish = self.get_object()
        body = ConfirmRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        wish = services.wish_confirm(
            wish=wish, rating=data["rating"], thanks=data.get("thanks", ""), actor=request.user
        )
        return Response(ConfirmedSerializer(wish).data)


def _claimant(data: dict) -> services.Claimant:
    """The team or organization named in the body; an unknown id is a 404 like any other."""
    for field, model in (
        ("team", Team),
        ("organization", PartyOrganization),
        ("welfare_org", WelfareOrganization),
    ):
        if field in data:
            found = (
                model.objects.select_related(*(["region"] if field != "team" else []))
                .filter(pk=data[field])
                .first()
            )
            if found is None:
                raise NotFound(_("认领方不存在。"))
            return found
    return None


def register(router: BaseRouter) -> None:
    router.register("wishes", WishClaimViewSet, basename="wish-claim")
