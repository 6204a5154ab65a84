"""Organization pages: detail with members and figures, creation and editing."""

from django.urls import reverse

from grids.models import MemberStatus, OrgKind, PartyOrganization
from tests.factories import MemberFactory, OrganizationFactory


def test_the_detail_shows_facts_children_and_members(client, world):
    committee = world.haishu_committee
    MemberFactory(organization=committee, name="赵书记", status=MemberStatus.PROBATIONARY)
    client.force_login(world.haishu_staff)
    response = client.get(reverse("grids:organization_detail", args=[committee.pk]))
    html = response.content.decode()
    assert response.context["figures"] == {
        "subtree": 4,
        "direct": 1,
        "full": 0,
        "probationary": 1,
        "central": 0,
        "in_service": 0,
        "mobile": 0,
    }
    assert [c.member_count for c in response.context["children"]] == [3]
    assert world.haishu_branch.name in html and "赵书记" in html
    assert f'href="{reverse("grids:member_list")}?organization={committee.pk}"' in html
    assert reverse("grids:organization_edit", args=[committee.pk]) in html


def test_a_secretary_sees_their_branch_without_edit_or_parent_link(client, world):
    branch = world.haishu_branch
    client.force_login(world.haishu_secretary)
    response = client.get(reverse("grids:organization_detail", args=[branch.pk]))
    html = response.content.decode()
    assert all(m.name in html for m in world.haishu_members)
    assert reverse("grids:organization_edit", args=[branch.pk]) not in html
    assert reverse("grids:organization_detail", args=[world.haishu_committee.pk]) not in html
    assert reverse("grids:tree_node", args=[world.haishu_grid.code]) not in html
    assert f"{reverse('grids:member_create')}?organization={branch.pk}" in html


def test_the_detail_paginates_members(client, world):
    MemberFactory.create_batch(32, organization=world.haishu_branch)
    client.force_login(world.haishu_staff)
    url = reverse("grids:organization_detail", args=[world.haishu_branch.pk])
    page = client.get(url, {"page": 2}).context["page"]
    assert (page.number, len(page.object_list), page.paginator.count) == (2, 5, 35)


def test_staff_create_an_organization(client, world):
    client.force_login(world.haishu_staff)
    data = {
        "name": "海曙区二网格党支部",
        "kind": OrgKind.GRID_BRANCH,
        "region": world.haishu_grid.code,
        "parent": world.haishu_committee.pk,
    }
    response = client.post(reverse("grids:organization_create"), data)
    org = PartyOrganization.objects.get(name="海曙区二网格党支部")
    assert response["Location"] == reverse("grids:organization_detail", args=[org.pk])
    assert org.path == f"{world.haishu_committee.path}{org.pk}/"
    assert org.region == world.haishu_grid


def test_the_create_form_starts_from_the_tree_node_or_parent(client, world):
    client.force_login(world.haishu_staff)
    url = reverse("grids:organization_create")
    form = client.get(url, {"region": world.haishu_grid.code, "parent": world.haishu_committee.pk}).context[
        "form"
    ]
    assert form["region"].value() == world.haishu_grid.code
    assert str(form["parent"].value()) == str(world.haishu_committee.pk)


def test_a_secretary_creates_a_group_in_their_branch(client, world):
    client.force_login(world.haishu_secretary)
    data = {
        "name": "第一党小组",
        "kind": OrgKind.GROUP,
        "region": world.haishu_grid.code,
        "parent": world.haishu_branch.pk,
    }
    assert client.post(reverse("grids:organization_create"), data).status_code == 302
    group = PartyOrganization.objects.get(name="第一党小组")
    assert group.parent == world.haishu_branch
    # and, standing above it, may edit it
    assert client.get(reverse("grids:organization_edit", args=[group.pk])).status_code == 200


def test_staff_edit_an_organization_and_name_its_secretary(client, world):
    branch, secretary = world.haishu_branch, world.haishu_members[1]
    client.force_login(world.haishu_staff)
    data = {
        "name": "海曙区一网格联合党支部",
        "kind": OrgKind.REGIONAL_BRANCH,
        "region": world.haishu_grid.code,
        "parent": world.haishu_committee.pk,
        "secretary": secretary.pk,
    }
    response = client.post(reverse("grids:organization_edit", args=[branch.pk]), data)
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.name, branch.kind, branch.secretary) == (data["name"], OrgKind.REGIONAL_BRANCH, secretary)
    html = client.get(reverse("grids:organization_detail", args=[branch.pk])).content.decode()
    assert secretary.name in html


def test_moving_an_organization_moves_its_members_and_subtree(client, world):
    street_committee = OrganizationFactory(
        name="街道党工委", kind=OrgKind.COMMITTEE, region=world.haishu_street
    )
    group = OrganizationFactory(kind=OrgKind.GROUP, region=world.haishu_grid, parent=world.haishu_branch)
    branch = world.haishu_branch
    client.force_login(world.haishu_staff)
    data = {
        "name": branch.name,
        "kind": branch.kind,
        "region": world.haishu_community.code,
        "parent": street_committee.pk,
    }
    assert client.post(reverse("grids:organization_edit", args=[branch.pk]), data).status_code == 302
    branch.refresh_from_db()
    group.refresh_from_db()
    assert branch.path == f"{street_committee.path}{branch.pk}/"
    assert group.path == f"{branch.path}{group.pk}/"
    assert {m.region for m in branch.members.all()} == {world.haishu_community}


def test_an_organization_cannot_be_placed_under_its_own_group(client, world):
    group = OrganizationFactory(kind=OrgKind.GROUP, region=world.haishu_grid, parent=world.haishu_branch)
    branch = world.haishu_branch
    client.force_login(world.haishu_staff)
    data = {"name": branch.name, "kind": branch.kind, "region": world.haishu_grid.code, "parent": group.pk}
    response = client.post(reverse("grids:organization_edit", args=[branch.pk]), data)
    assert response.status_code == 200
    assert "找不到该党组织，或它不在您的管辖范围内。" in response.content.decode()
    branch.refresh_from_db()
    assert branch.parent == world.haishu_committee


def test_a_branch_page_links_to_its_activity_records_and_compliance(client, world):
    client.force_login(world.haishu_secretary)
    html = client.get(reverse("grids:organization_detail", args=[world.haishu_branch.pk])).content.decode()
    assert reverse("brands:branch_detail", args=[world.haishu_branch.pk]) in html
    assert "三会一课与活动记录" in html
