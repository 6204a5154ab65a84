"""API of the public-welfare market: welfare projects with their progress, and their pledges.

Projects are public (the market page shows them to anyone), so a signed-in session reads every
project; a partner key reads those in its key's region (``portal.scoping``), and only reads: no key
scope covers pledging. Pledgers show their organization's name and kind, contacts masked.

The writes are the market page's, for signed-in people through the same services: a representative
pledges (``POST …/pledges/``) or withdraws, staff in scope confirm a receipt; a pledge outside the
caller's reach is a 404, as on the pages.
"""

from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from grids.models import Region
from portal.api.auth import PartnerPrincipal
from portal.api.viewsets import ReadOnlyViewSet
from portal.ids import ID_SCHEMA, IdSerializerField
from portal.privacy import mask_mobile, mask_name
from portal.scoping import Action
from wishes.models import Pledge, ProjectStatus, WelfareOrganization, WelfareProject
from wishes.selectors import market as selectors
from wishes.services import market as services

MAX_AMOUNT = Decimal("9999999999.99")


class ProgressSerializer(serializers.Serializer):
    target_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, read_only=True)
    pledged_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text=_("已认捐金额（未撤回的认捐之和）")
    )
    received_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text=_("已确认到位的金额")
    )
    pledge_count = serializers.IntegerField(read_only=True, help_text=_("认捐笔数（未撤回）"))
    pledged_percent = serializers.IntegerField(read_only=True)
    received_percent = serializers.IntegerField(read_only=True)


class WelfareProjectSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    posted_by = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = WelfareProject
        fields = [
            "id", "title", "description", "region", "region_name", "posted_by", "target_amount",
            "target_goods", "beneficiaries", "deadline", "photo", "status", "progress", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_posted_by(self, project: WelfareProject) -> str | None:
        return project.posted_by_org.name if project.posted_by_org_id else None

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, project: WelfareProject) -> dict:
        progress = selectors.progress_of(project)
        return ProgressSerializer(
            {
                "target_amount": progress.target,
                "pledged_amount": progress.pledged,
                "received_amount": progress.received,
                "pledge_count": progress.pledge_count,
                "pledged_percent": progress.pledged_percent,
                "received_percent": progress.received_percent,
            }
        ).data


class PledgeSerializer(serializers.ModelSerializer):
    organization = serializers.CharField(source="organization.name", read_only=True)
    organization_kind = serializers.CharField(source="organization.kind", read_only=True)
    contact = serializers.SerializerMethodField(help_text=_("联系人（已打码）"))

    class Meta:
        model = Pledge
        fields = ["id", "project", "organization", "organization_kind", "contact", "amount", "goods", "status",
                  "pledged_at", "confirmed_at"]  # fmt: skip
        read_only_fields = fields

    def get_contact(self, pledge: Pledge) -> str:
        org = pledge.organization
        return f"{mask_name(org.contact_name)} {mask_mobile(org.contact_mobile)}"


class PledgeCreateSerializer(serializers.Serializer):
    organization = IdSerializerField(help_text=_("认捐单位（您经办的已审核单位）的编号"))
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=MAX_AMOUNT,
        required=False,
        allow_null=True,
    )
    goods = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class WelfareProjectFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(method="filter_region", label=_("区划代码（含下级）"))
    status = django_filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("状态"))

    class Meta:
        model = WelfareProject
        fields = ["region", "status"]

    def filter_region(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        region = Region.objects.filter(code=value).only("path").first()
        return queryset.filter(region__path__startswith=region.path) if region else queryset.none()


PLEDGE_ID = OpenApiParameter("pledge_id", ID_SCHEMA, OpenApiParameter.PATH, description=_("认捐编号"))


@extend_schema_view(
    list=extend_schema(
        summary=_("公益项目列表"),
        description=_(
            "公益集市的项目及其进度。登录用户可见全部项目，API 密钥只能看到其可见区域内的项目。"
            "region 按区划代码筛选（含下级区域），status 按状态筛选。"
        ),
    ),
    retrieve=extend_schema(summary=_("公益项目详情")),
)
class WelfareProjectViewSet(ReadOnlyViewSet):
    serializer_class = WelfareProjectSerializer
    filterset_class = WelfareProjectFilter
    ordering_fields = ["id", "deadline", "updated_at"]

    def get_queryset(self) -> QuerySet[WelfareProject]:
        projects = WelfareProject.objects.all()
        actor = self.request.user
        if isinstance(actor, PartnerPrincipal):
            projects = projects.visible_to(actor, Action.VIEW)
        return selectors.with_progress(projects.select_related("region", "posted_by_org"))

    @extend_schema(
        methods=["GET"],
        summary=_("项目的认捐"),
        description=_("未撤回的认捐，联系人已打码。"),
        responses=PledgeSerializer(many=True),
        parameters=[],
    )
    @extend_schema(
        methods=["POST"],
        summary=_("认捐"),
        description=_(
            "已审核爱心单位的经办人（登录用户）认捐资金或物资；项目已结束或已过截止日期时返回 409。"
        ),
        request=PledgeCreateSerializer,
        responses={201: PledgeSerializer},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, ordering_fields=["id"])
    def pledges(self, request: Request, pk: str | None = None, format: str | None = None) -> Response:
        project = self.get_object()
        if request.method == "POST":
            return self._pledge(request, project)
        page = self.paginate_queryset(selectors.project_pledges(project))
        return self.get_paginated_response(PledgeSerializer(page, many=True).data)

    def _pledge(self, request: Request, project: WelfareProject) -> Response:
        if isinstance(request.user, PartnerPrincipal):
            raise PermissionDenied(_("API 密钥不能认捐，请登录后由爱心单位经办人认捐。"))
        body = PledgeCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        organization = WelfareOrganization.objects.filter(pk=body.validated_data["organization"]).first()
        if organization is None or organization.pk not in {
            o.pk for o in selectors.welfare_orgs_of(request.user)
        }:
            raise serializers.ValidationError(
                {"organization": [str(services.MESSAGES["not_representative"])]}
            )
        pledge = services.pledge_create(
            actor=request.user,
            project=project,
            organization=organization,
            amount=body.validated_data.get("amount"),
            goods=body.validated_data.get("goods", ""),
        )
        return Response(PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)

    def _own_pledge(self, queryset: QuerySet[Pledge], project_pk: int, pledge_id: int) -> Pledge:
        if isinstance(self.request.user, PartnerPrincipal):
            raise NotFound()
        return get_object_or_404(queryset, pk=pledge_id, project_id=project_pk)

    @extend_schema(
        summary=_("确认认捐到位"),
        description=_("项目所在地的工作人员确认认捐已到位；重复确认或已撤回时返回 409。"),
        request=None,
        responses=PledgeSerializer,
        parameters=[PLEDGE_ID],
    )
    @action(detail=True, methods=["post"], url_path="pledges/<id:pledge_id>/receive", filterset_class=None)
    def receive(self, request: Request, pk: str, pledge_id: int, format: str | None = None) -> Response:
        pledge = self._own_pledge(selectors.receivable_pledges(request.user), int(pk), pledge_id)
        pledge = services.pledge_receive(actor=request.user, pledge=pledge)
        return Response(PledgeSerializer(pledge).data)

    @extend_schema(
        summary=_("撤回认捐"),
        description=_("认捐单位的经办人在到位前撤回认捐；已到位或已撤回时返回 409。"),
        request=None,
        responses=PledgeSerializer,
        parameters=[PLEDGE_ID],
    )
    @action(detail=True, methods=["post"], url_path="pledges/<id:pledge_id>/withdraw", filterset_class=None)
    def withdraw(self, request: Request, pk: str, pledge_id: int, format: str | None = None) -> Response:
        pledge = self._own_pledge(selectors.withdrawable_pledges(request.user), int(pk), pledge_id)
        pledge = services.pledge_withdraw(actor=request.user, pledge=pledge)
        return Response(PledgeSerializer(pledge).data)


def register(router: BaseRouter) -> None:
    router.register("welfare-projects", WelfareProjectViewSet, basename="welfare-project")
