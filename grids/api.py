"""Read API for the region tree, party organizations and (masked) party members."""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.routers import BaseRouter

from grids import selectors
from grids.filters import MemberFilter, OrganizationFilter, RegionFilter
from grids.models import PartyMember, PartyOrganization, Region
from portal.api.viewsets import ReadOnlyViewSet


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )  # the city: null

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "path"]
        read_only_fields = fields


class OrganizationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "kind", "region", "region_name", "parent", "updated_at"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    """Personal data leaves only masked: name, mobile and ID number."""

    name = serializers.CharField(source="masked_name", read_only=True)
    mobile = serializers.CharField(source="masked_mobile", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PartyMember
        fields = [
            "id", "name", "gender", "status", "organization", "region", "mobile", "id_number",
            "join_date", "is_central_household", "is_in_service", "is_mobile_member", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(
        summary=_("区域列表"),
        description=_("可见范围内的区划（市→区县→街道→社区→网格），默认按路径排序。"),
    ),
    retrieve=extend_schema(summary=_("区域详情（按区划代码）")),
)
class RegionViewSet(ReadOnlyViewSet):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    lookup_value_converter = "str"
    ordering_fields = ["path", "code", "id"]
    ordering = "path"

    def get_queryset(self) -> QuerySet[Region]:
        return selectors.regions_visible(self.request.user).select_related("parent")


@extend_schema_view(
    list=extend_schema(summary=_("党组织列表"), description=_("可见范围内的党组织，默认按 id 倒序。")),
    retrieve=extend_schema(summary=_("党组织详情")),
)
class OrganizationViewSet(ReadOnlyViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["id", "name", "updated_at"]

    def get_queryset(self) -> QuerySet[PartyOrganization]:
        return selectors.organizations_visible(self.request.user).select_related("region")


@extend_schema_view(
    list=extend_schema(
        summary=_("党员列表"),
        description=_("可见范围内的党员，默认按 id 倒序。姓名、手机号、身份证号一律脱敏，从不返回完整值。"),
    ),
    retrieve=extend_schema(summary=_("党员详情（脱敏）")),
)
class MemberViewSet(ReadOnlyViewSet):
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["id", "join_date", "updated_at"]

    def get_queryset(self) -> QuerySet[PartyMember]:
        return selectors.members_visible(self.request.user).select_related("region")


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("members", MemberViewSet, basename="member")
