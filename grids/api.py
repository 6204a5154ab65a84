from rest_framework import serializers
from rest_framework.routers import BaseRouter

from grids.filters import MemberFilter, OrganizationFilter, RegionFilter
from grids.models import PartyMember, PartyOrganization, Region
from portal.api.viewsets import ReadOnlyViewSet


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "path"]


class OrganizationSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = PartyOrganization
        fields = ["id", "name", "kind", "region", "region_name", "parent", "updated_at"]


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


class RegionViewSet(ReadOnlyViewSet):
    queryset = Region.objects.select_related("parent")
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_field = "code"
    ordering_fields = ["path", "code", "id"]
    ordering = "path"


class OrganizationViewSet(ReadOnlyViewSet):
    queryset = PartyOrganization.objects.select_related("region")
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    ordering_fields = ["id", "name", "updated_at"]


class MemberViewSet(ReadOnlyViewSet):
    queryset = PartyMember.objects.select_related("region")
    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    ordering_fields = ["id", "join_date", "updated_at"]


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("organizations", OrganizationViewSet, basename="organization")
    router.register("members", MemberViewSet, basename="member")
