"""Who may open which grids page: one table of role × page × expected status.

Haishu users (district staff, street staff, a branch secretary) must never reach Jiangbei's tree,
organizations or members; the secretary sees only their branch. Out of scope is 404 (the object's
existence is not confirmed), in scope but without the right is 403.
"""

from collections.abc import Callable

import pytest
from django.urls import reverse

from grids.models import PartyMember, PartyOrganization
from tests.factories import World

Url = Callable[[World], str]


def tree_node(key: str) -> Url:
    return lambda w: reverse("grids:tree_node", args=[getattr(w, key).code])


def org(key: str, page: str = "organization_detail") -> Url:
    return lambda w: reverse(f"grids:{page}", args=[getattr(w, key).pk])


def member(key: str, page: str = "member_detail") -> Url:
    return lambda w: reverse(f"grids:{page}", args=[getattr(w, f"{key}_members")[0].pk])


def page(name: str) -> Url:
    return lambda w: reverse(f"grids:{name}")


MATRIX = [
    # District staff: their own district, nothing of the other.
    ("haishu_staff", tree_node("haishu"), 200),
    ("haishu_staff", tree_node("haishu_grid"), 200),
    ("haishu_staff", tree_node("city"), 404),
    ("haishu_staff", tree_node("jiangbei"), 404),
    ("haishu_staff", tree_node("jiangbei_community"), 404),
    ("haishu_staff", org("haishu_committee"), 200),
    ("haishu_staff", org("haishu_branch", "organization_edit"), 200),
    ("haishu_staff", org("jiangbei_committee"), 404),
    ("haishu_staff", org("jiangbei_branch"), 404),
    ("haishu_staff", org("jiangbei_branch", "organization_edit"), 404),
    ("haishu_staff", member("haishu"), 200),
    ("haishu_staff", member("haishu", "member_edit"), 200),
    ("haishu_staff", member("jiangbei"), 404),
    ("haishu_staff", member("jiangbei", "member_edit"), 404),
    # Street staff: their street's subtree.
    ("haishu_street_staff", tree_node("haishu_street"), 200),
    ("haishu_street_staff", tree_node("haishu"), 404),
    ("haishu_street_staff", tree_node("jiangbei_street"), 404),
    ("haishu_street_staff", org("haishu_branch"), 200),
    ("haishu_street_staff", org("jiangbei_branch"), 404),
    ("haishu_street_staff", member("jiangbei"), 404),
    ("haishu_street_staff", member("jiangbei", "member_edit"), 404),
    # A branch secretary: their branch and its members; no region tree, not the committee above.
    ("haishu_secretary", tree_node("haishu_grid"), 404),
    ("haishu_secretary", org("haishu_branch"), 200),
    ("haishu_secretary", org("haishu_committee"), 404),
    ("haishu_secretary", org("jiangbei_branch"), 404),
    ("haishu_secretary", member("haishu"), 200),
    ("haishu_secretary", member("haishu", "member_edit"), 200),
    ("haishu_secretary", member("jiangbei"), 404),
    ("haishu_secretary", member("jiangbei", "member_edit"), 404),
    # Moving or renaming the branch needs rights over the committee it sits in.
    ("haishu_secretary", org("haishu_branch", "organization_edit"), 403),
    # The other district's staff, the mirror image.
    ("jiangbei_staff", tree_node("jiangbei"), 200),
    ("jiangbei_staff", tree_node("haishu"), 404),
    ("jiangbei_staff", member("haishu"), 404),
    # City staff see both districts.
    ("city_staff", tree_node("city"), 200),
    ("city_staff", member("jiangbei"), 200),
    ("city_staff", org("haishu_branch", "organization_edit"), 200),
    # A volunteer holds no staff scope at all.
    ("volunteer", page("tree"), 403),
    ("volunteer", page("member_list"), 403),
    ("volunteer", page("member_create"), 403),
    ("volunteer", page("organization_create"), 403),
    ("volunteer", member("haishu"), 404),
    ("volunteer", org("haishu_branch"), 404),
    ("volunteer", tree_node("haishu"), 404),
]


@pytest.mark.parametrize(("role", "url", "expected"), MATRIX)
def test_page_access(client, world, role, url, expected):
    client.force_login(getattr(world, role))
    assert client.get(url(world)).status_code == expected


@pytest.mark.parametrize("name", ["tree", "member_list", "member_create", "organization_create"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    response = client.get(reverse(f"grids:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["haishu_staff", "haishu_street_staff", "haishu_secretary"])
def test_member_list_hides_other_districts(client, world, role):
    client.force_login(getattr(world, role))
    html = client.get(reverse("grids:member_list")).content.decode()
    assert all(m.name in html for m in world.haishu_members)
    assert not any(m.name in html for m in world.jiangbei_members)
    assert world.jiangbei_branch.name not in html


def test_filtering_by_another_districts_organization_shows_nothing(client, world):
    client.force_login(world.haishu_staff)
    response = client.get(reverse("grids:member_list"), {"organization": world.jiangbei_committee.pk})
    html = response.content.decode()
    assert response.context["page"].paginator.count == 0
    assert not any(m.name in html for m in world.jiangbei_members)
    assert world.jiangbei_committee.name not in html


def _member_post(world: World, target: PartyMember, organization: PartyOrganization) -> dict:
    return {
        "name": "改名",
        "gender": target.gender,
        "birth_date": target.birth_date.isoformat(),
        "join_date": target.join_date.isoformat(),
        "status": target.status,
        "organization": organization.pk,
        "mobile": "13900000000",
    }


@pytest.mark.parametrize("role", ["haishu_staff", "haishu_street_staff", "haishu_secretary"])
def test_posting_an_edit_to_another_districts_member_changes_nothing(client, world, role):
    target = world.jiangbei_members[0]
    before = PartyMember.objects.filter(pk=target.pk).values().get()
    client.force_login(getattr(world, role))
    url = reverse("grids:member_edit", args=[target.pk])
    response = client.post(url, _member_post(world, target, world.jiangbei_branch))
    assert response.status_code == 404
    assert PartyMember.objects.filter(pk=target.pk).values().get() == before
    assert target.history.count() == 1  # only its creation


def test_posting_an_edit_to_another_districts_organization_changes_nothing(client, world):
    target = world.jiangbei_branch
    client.force_login(world.haishu_staff)
    url = reverse("grids:organization_edit", args=[target.pk])
    data = {"name": "被改名", "kind": target.kind, "region": world.haishu_grid.code}
    assert client.post(url, data).status_code == 404
    target.refresh_from_db()
    assert (target.name, target.region) == (f"{world.jiangbei.name}一网格党支部", world.jiangbei_grid)


def test_a_member_cannot_be_moved_into_another_district(client, world):
    target = world.haishu_members[0]
    client.force_login(world.haishu_staff)
    url = reverse("grids:member_edit", args=[target.pk])
    response = client.post(url, _member_post(world, target, world.jiangbei_branch))
    assert response.status_code == 200
    assert "找不到该党组织，或它不在您的管辖范围内。" in response.content.decode()
    target.refresh_from_db()
    assert target.organization == world.haishu_branch


def test_a_member_cannot_be_registered_in_another_district(client, world):
    client.force_login(world.haishu_secretary)
    data = _member_post(world, world.haishu_members[0], world.jiangbei_branch)
    response = client.post(reverse("grids:member_create"), data)
    assert response.status_code == 200
    assert PartyMember.objects.filter(organization=world.jiangbei_branch).count() == 3


def test_an_organization_cannot_be_created_in_another_district(client, world):
    client.force_login(world.haishu_staff)
    data = {"name": "越界支部", "kind": "branch", "region": world.jiangbei_grid.code}
    response = client.post(reverse("grids:organization_create"), data)
    assert response.status_code == 200
    assert "该区域不在您的管辖范围内。" in response.content.decode()
    assert not PartyOrganization.objects.filter(name="越界支部").exists()
