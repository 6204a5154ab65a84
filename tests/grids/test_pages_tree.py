"""The organization tree: where each user lands, counts per child, breadcrumbs."""

from django.urls import reverse

from grids.models import OrgKind, Region, RegionLevel
from portal.models import Role
from tests.factories import MemberFactory, OrganizationFactory, UserFactory, assign


def landing(client, user):
    client.force_login(user)
    return client.get(reverse("grids:tree"))


def test_city_staff_land_on_the_city(client, world):
    response = landing(client, world.city_staff)
    assert response.context["node"].region == world.city


def test_district_staff_land_on_their_district(client, world):
    response = landing(client, world.haishu_staff)
    assert response.context["node"].region == world.haishu


def test_street_staff_land_on_their_street(client, world):
    response = landing(client, world.haishu_street_staff)
    assert response.context["node"].region == world.haishu_street


def test_a_secretary_lands_on_their_organizations(client, world):
    response = landing(client, world.haishu_secretary)
    roots = response.context["roots"]
    assert roots.regions == []
    assert roots.organizations == [world.haishu_branch]
    assert roots.organizations[0].member_count == 3
    assert world.jiangbei_branch.name not in response.content.decode()


def test_a_user_with_two_districts_sees_both_with_counts(client, world):
    user = assign(UserFactory(), Role.DISTRICT_STAFF, region=world.haishu)
    assign(user, Role.DISTRICT_STAFF, region=world.jiangbei)
    assign(user, Role.STREET_STAFF, region=world.haishu_street)  # inside haishu: no second root
    MemberFactory(organization=world.jiangbei_committee)
    roots = landing(client, user).context["roots"]
    assert [(r.region, r.organizations, r.members) for r in roots.regions] == [
        (world.haishu, 2, 3),
        (world.jiangbei, 2, 4),
    ]


def test_a_secretary_who_is_also_community_staff_sees_both(client, world):
    user = assign(UserFactory(), Role.COMMUNITY_STAFF, region=world.jiangbei_community)
    assign(user, Role.BRANCH_SECRETARY, organization=world.haishu_branch)
    assign(user, Role.BRANCH_SECRETARY, organization=world.jiangbei_branch)  # already under the community
    roots = landing(client, user).context["roots"]
    assert [r.region for r in roots.regions] == [world.jiangbei_community]
    assert roots.organizations == [world.haishu_branch]


def test_each_child_counts_organizations_and_members_in_its_subtree(client, world):
    second_street = Region.objects.create(
        code="330203002", name="海曙区二街道", level=RegionLevel.STREET, parent=world.haishu
    )
    OrganizationFactory(kind=OrgKind.COMMITTEE, region=second_street)
    MemberFactory.create_batch(2, organization=world.haishu_committee)
    client.force_login(world.city_staff)
    node = client.get(reverse("grids:tree_node", args=[world.haishu.code])).context["node"]
    assert [(c.region, c.organizations, c.members) for c in node.children] == [
        (world.haishu_street, 2, 5),
        (second_street, 1, 0),
    ]
    assert (node.total.organizations, node.total.members) == (3, 5)
    assert node.child_level_label == "街道/乡镇"


def test_organizations_placed_at_the_node_are_listed(client, world):
    OrganizationFactory(name="社区第二党支部", region=world.haishu_community, parent=world.haishu_committee)
    client.force_login(world.haishu_staff)
    response = client.get(reverse("grids:tree_node", args=[world.haishu_community.code]))
    organizations = response.context["node"].organizations
    assert [o.name for o in organizations] == ["海曙区一社区党委", "社区第二党支部"]
    assert [o.member_count for o in organizations] == [0, 0]
    node = client.get(reverse("grids:tree_node", args=[world.haishu_grid.code])).context["node"]
    assert node.children == [] and [o.member_count for o in node.organizations] == [3]


def test_breadcrumbs_link_only_what_the_user_may_open(client, world):
    client.force_login(world.haishu_street_staff)
    response = client.get(reverse("grids:tree_node", args=[world.haishu_grid.code]))
    crumbs = response.context["node"].ancestors
    assert crumbs == [
        (world.city, False),
        (world.haishu, False),
        (world.haishu_street, True),
        (world.haishu_community, True),
    ]
    html = response.content.decode()
    assert reverse("grids:tree_node", args=[world.haishu.code]) not in html
    assert reverse("grids:tree_node", args=[world.haishu_community.code]) in html


def test_the_create_link_is_only_for_those_who_may_change(client, world, view_only_role):
    viewer = assign(UserFactory(), view_only_role, region=world.haishu)
    client.force_login(viewer)
    response = client.get(reverse("grids:tree_node", args=[world.haishu.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("grids:organization_create") not in html
    client.force_login(world.haishu_staff)
    html = client.get(reverse("grids:tree_node", args=[world.haishu.code])).content.decode()
    assert f"{reverse('grids:organization_create')}?region={world.haishu.code}" in html
