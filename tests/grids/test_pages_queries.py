"""The tree, member list and organization pages cost the same number of queries at any size.

Each test measures a page with 10 rows, grows the data to 1,000 rows and measures again with
the same pinned count: no query per child region, organization or member.
"""

from django.core.cache import cache
from django.urls import reverse

from grids.models import OrgKind, PartyMember, PartyOrganization, Region, RegionLevel
from tests.factories import MemberFactory, OrganizationFactory


def add_grids(community: Region, count: int) -> list[Region]:
    existing = Region.objects.filter(parent=community).count()
    grids = []
    for i in range(existing + 1, existing + count + 1):
        code = f"{community.code}{i:03d}"
        path = Region.build_path(community, code)
        grids.append(
            Region(code=code, name=f"第{i}网格", level=RegionLevel.GRID, parent=community, path=path)
        )
    return Region.objects.bulk_create(grids)


def add_communities(street: Region, count: int) -> list[Region]:
    existing = Region.objects.filter(parent=street).count()
    communities = []
    for i in range(existing + 1, existing + count + 1):
        code = f"{street.code}{i:03d}"
        path = Region.build_path(street, code)
        communities.append(
            Region(code=code, name=f"第{i}社区", level=RegionLevel.COMMUNITY, parent=street, path=path)
        )
    return Region.objects.bulk_create(communities)


def add_branches(regions: list[Region], parent: PartyOrganization | None = None) -> list[PartyOrganization]:
    branches = PartyOrganization.objects.bulk_create(
        PartyOrganization(name=f"{r.name}党支部", kind=OrgKind.GRID_BRANCH, region=r, parent=parent)
        for r in regions
    )
    prefix = parent.path if parent else ""
    for branch in branches:
        branch.path = f"{prefix}{branch.pk}/"
    PartyOrganization.objects.bulk_update(branches, ["path"])
    return branches


def add_members(organizations: list[PartyOrganization], per_organization: int = 1) -> None:
    PartyMember.objects.bulk_create(
        MemberFactory.build(organization=org) for org in organizations for _ in range(per_organization)
    )


def grow_district(world, communities: int, grids_per_community: int) -> None:
    for community in add_communities(world.haishu_street, communities):
        add_members(add_branches(add_grids(community, grids_per_community)))


def test_tree_node_queries_do_not_grow_with_the_tree(client, world, django_assert_num_queries):
    client.force_login(world.haishu_staff)
    url = reverse("grids:tree_node", args=[world.haishu.code])

    def get_district_node():
        cache.clear()  # the subtree figures are cached for a few minutes: measure them counted
        with django_assert_num_queries(9):
            # 1. session  2. user  3. the user's role assignments  4. the node, scoped
            # 5. organizations per child (per region, rolled up by path prefix)  6. members (same)
            # 7. the child regions  8. the ancestors for breadcrumbs
            # 9. organizations placed at the node, with their member counts
            return client.get(url)

    grow_district(world, communities=1, grids_per_community=10)
    small = get_district_node()
    assert small.context["node"].total.members == 3 + 10

    grow_district(world, communities=10, grids_per_community=99)  # 990 more grids, branches, members
    large = get_district_node()
    assert large.context["node"].total.members == 3 + 10 + 990
    assert large.context["node"].total.organizations == 2 + 10 + 990


def test_a_community_with_many_grids_costs_the_same(client, world, django_assert_num_queries):
    client.force_login(world.city_staff)
    url = reverse("grids:tree_node", args=[world.haishu_community.code])
    for count in (10, 988):  # up to 999 grids, all that three-digit grid codes allow
        add_members(add_branches(add_grids(world.haishu_community, count), world.haishu_committee))
        cache.clear()
        with django_assert_num_queries(9):
            # the same nine as at the district node
            response = client.get(url)
    assert len(response.context["node"].children) == 1 + 10 + 988


def test_the_subtree_figures_are_counted_once_for_every_viewer(client, world, django_assert_num_queries):
    url = reverse("grids:tree_node", args=[world.haishu.code])
    client.force_login(world.haishu_staff)
    first = client.get(url)
    client.force_login(world.city_staff)
    with django_assert_num_queries(7):
        # the nine above but the two counts: served from the cache
        second = client.get(url)
    assert second.context["node"].total.members == first.context["node"].total.members == 3
    assert "以上数字统计于" in second.content.decode()


def test_member_list_queries_do_not_grow_with_the_members(client, world, django_assert_num_queries):
    client.force_login(world.haishu_staff)
    url = reverse("grids:member_list")
    for extra in (10 - 3, 1000 - 10):
        add_members([world.haishu_branch], extra)
        with django_assert_num_queries(5):
            # 1. session  2. user  3. role assignments  4. count of matching members
            # 5. one page of members with their organizations
            response = client.get(url)
    assert response.context["page"].paginator.count == 1000


def test_filtered_member_list_adds_only_the_filters_lookups(client, world, django_assert_num_queries):
    client.force_login(world.haishu_staff)
    url = reverse("grids:member_list")
    query = {"organization": world.haishu_committee.pk, "region": world.haishu_street.code, "q": "党员"}
    for extra in (10 - 3, 1000 - 10):
        add_members([world.haishu_branch], extra)
        with django_assert_num_queries(8):
            # 1. session  2. user  3. role assignments  4. the region filter's region
            # 5. the organization filter's organization  6. count  7. one page
            # 8. the filtered organization's name for the page
            response = client.get(url, query)
    assert response.context["page"].paginator.count == 1000


def test_organization_detail_queries_do_not_grow_with_the_members(client, world, django_assert_num_queries):
    client.force_login(world.haishu_staff)
    committee = world.haishu_committee
    url = reverse("grids:organization_detail", args=[committee.pk])
    for extra in (10, 990):
        grids = add_grids(world.haishu_community, 9 if extra == 10 else 900)
        add_branches(grids, committee)
        add_members([committee], extra)
        with django_assert_num_queries(8):
            # 1. session  2. user  3. role assignments  4. the organization with its region, parent (and its
            # region, for scope checks) and secretary
            # 5. child organizations with member counts  6. member figures (one conditional aggregate)
            # 7. count of direct members  8. one page of direct members
            response = client.get(url)
    assert response.context["figures"]["direct"] == 1000
    assert len(response.context["children"]) == 1 + 9 + 900


def test_organization_detail_for_a_secretary_costs_the_same(client, world, django_assert_num_queries):
    branch = world.haishu_branch
    client.force_login(world.haishu_secretary)
    url = reverse("grids:organization_detail", args=[branch.pk])
    for extra in (10 - 3, 1000 - 10):
        add_members([branch], extra)
        OrganizationFactory(name="党小组", kind=OrgKind.GROUP, region=branch.region, parent=branch)
        with django_assert_num_queries(8):
            # the same eight as for district staff
            response = client.get(url)
    assert response.context["figures"]["subtree"] == 1000
