"""The grids admin (registered with the API base): regions and organizations keep their paths."""

import pytest
from django.test import Client

from grids.models import OrgKind, PartyMember
from tests.factories import OrganizationFactory, UserFactory


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_regions_are_searched_by_name_or_code_and_filtered_by_level(admin_client, world):
    by_name = admin_client.get("/admin/grids/region/", {"q": "江北区一社区"}).context["cl"].result_list
    by_code = (
        admin_client.get("/admin/grids/region/", {"q": world.haishu_grid.code}).context["cl"].result_list
    )
    streets = admin_client.get("/admin/grids/region/", {"level__exact": "street"}).context["cl"].result_list

    assert list(by_name) == [world.jiangbei_community]
    assert list(by_code) == [world.haishu_grid]
    assert set(streets) == {world.haishu_street, world.jiangbei_street}


def test_a_region_added_in_the_admin_gets_its_path(admin_client, world):
    response = admin_client.post(
        "/admin/grids/region/add/",
        {
            "code": "330203001002",
            "name": "海曙区二社区",
            "level": "community",
            "parent": world.haishu_street.pk,
        },
    )
    assert response.status_code == 302
    assert (
        world.haishu_street.children.get(code="330203001002").path
        == f"{world.haishu_street.path}330203001002/"
    )


def test_a_regions_code_and_parent_cannot_be_changed_in_the_admin(admin_client, world):
    region = world.haishu_community
    admin_client.post(
        f"/admin/grids/region/{region.pk}/change/",
        {
            "code": "330205001009",
            "name": "改名社区",
            "level": "community",
            "parent": world.jiangbei_street.pk,
        },
    )
    region.refresh_from_db()
    assert (region.name, region.code, region.parent) == ("改名社区", "330203001001", world.haishu_street)


def test_moving_an_organization_in_the_admin_moves_its_subtree_and_members(admin_client, world):
    group = OrganizationFactory(
        name="党小组", kind=OrgKind.GROUP, region=world.haishu_grid, parent=world.haishu_branch
    )
    branch = world.haishu_branch

    response = admin_client.post(
        f"/admin/grids/partyorganization/{branch.pk}/change/",
        {
            "name": branch.name,
            "kind": branch.kind,
            "region": world.jiangbei_grid.pk,
            "parent": world.jiangbei_committee.pk,
            "secretary": "",
        },
    )

    assert response.status_code == 302, response.content
    branch.refresh_from_db()
    group.refresh_from_db()
    assert branch.path == f"{world.jiangbei_committee.path}{branch.pk}/"
    assert group.path == f"{branch.path}{group.pk}/"
    assert set(PartyMember.objects.filter(organization=branch).values_list("region", flat=True)) == {
        world.jiangbei_grid.pk
    }
    assert branch.history.first().history_type == "~"


def test_organizations_are_created_in_the_portal_not_the_admin(admin_client):
    assert admin_client.get("/admin/grids/partyorganization/add/").status_code == 403
