"""Who may open or post to which grids page: one table of role × method × page × expected status.

Haishu users (district staff, street staff, a branch secretary) must never reach Jiangbei's tree,
organizations or members; the secretary sees only their branch. Out of scope is 404 (the object's
existence is not confirmed), in scope but without the right is 403. A refused POST changes no row.
(The member import, a POST with a file, has its own outsider tests in test_import.py.)
"""

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import resolve, reverse

from grids.models import MemberStatus, OrgKind, PartyMember, PartyOrganization
from portal.validators import id_gender
from tests.factories import World, make_id_number
from tests.harness import domain_rows

Url = Callable[[World], str]


def named(url: Url, name: str) -> Url:
    url.__name__ = name  # the test's id: "haishu_staff-POST-member_edit(haishu)-404"
    return url


def tree_node(key: str) -> Url:
    return named(lambda w: reverse("grids:tree_node", args=[getattr(w, key).code]), f"tree_node({key})")


def org(key: str, page: str = "organization_detail") -> Url:
    return named(lambda w: reverse(f"grids:{page}", args=[getattr(w, key).pk]), f"{page}({key})")


def member(key: str, page: str = "member_detail") -> Url:
    return named(
        lambda w: reverse(f"grids:{page}", args=[getattr(w, f"{key}_members")[0].pk]), f"{page}({key})"
    )


def page(name: str) -> Url:
    return named(lambda w: reverse(f"grids:{name}"), name)


MATRIX = [
    # (who, method, page, expected status); a POST sends a form valid for the Haishu target.
    # District staff: their own district, nothing of the other.
    ("haishu_staff", "GET", tree_node("haishu"), 200),
    ("haishu_staff", "GET", tree_node("haishu_grid"), 200),
    ("haishu_staff", "GET", tree_node("city"), 404),
    ("haishu_staff", "GET", tree_node("jiangbei"), 404),
    ("haishu_staff", "GET", tree_node("jiangbei_community"), 404),
    ("haishu_staff", "GET", org("haishu_committee"), 200),
    ("haishu_staff", "GET", org("haishu_branch", "organization_edit"), 200),
    ("haishu_staff", "GET", org("jiangbei_committee"), 404),
    ("haishu_staff", "GET", org("jiangbei_branch"), 404),
    ("haishu_staff", "GET", org("jiangbei_branch", "organization_edit"), 404),
    ("haishu_staff", "GET", member("haishu"), 200),
    ("haishu_staff", "GET", member("haishu", "member_edit"), 200),
    ("haishu_staff", "GET", member("jiangbei"), 404),
    ("haishu_staff", "GET", member("jiangbei", "member_edit"), 404),
    # Street staff: their street's subtree.
    ("haishu_street_staff", "GET", tree_node("haishu_street"), 200),
    ("haishu_street_staff", "GET", tree_node("haishu"), 404),
    ("haishu_street_staff", "GET", tree_node("jiangbei_street"), 404),
    ("haishu_street_staff", "GET", org("haishu_branch"), 200),
    ("haishu_street_staff", "GET", org("jiangbei_branch"), 404),
    ("haishu_street_staff", "GET", member("jiangbei"), 404),
    ("haishu_street_staff", "GET", member("jiangbei", "member_edit"), 404),
    # A branch secretary: their branch and its members; no region tree, not the committee above.
    ("haishu_secretary", "GET", tree_node("haishu_grid"), 404),
    ("haishu_secretary", "GET", org("haishu_branch"), 200),
    ("haishu_secretary", "GET", org("haishu_committee"), 404),
    ("haishu_secretary", "GET", org("jiangbei_branch"), 404),
    ("haishu_secretary", "GET", member("haishu"), 200),
    ("haishu_secretary", "GET", member("haishu", "member_edit"), 200),
    ("haishu_secretary", "GET", member("jiangbei"), 404),
    ("haishu_secretary", "GET", member("jiangbei", "member_edit"), 404),
    # Moving or renaming the branch needs rights over the committee it sits in.
    ("haishu_secretary", "GET", org("haishu_branch", "organization_edit"), 403),
    # The other district's staff, the mirror image.
    ("jiangbei_staff", "GET", tree_node("jiangbei"), 200),
    ("jiangbei_staff", "GET", tree_node("haishu"), 404),
    ("jiangbei_staff", "GET", member("haishu"), 404),
    # City staff see both districts.
    ("city_staff", "GET", tree_node("city"), 200),
    ("city_staff", "GET", member("jiangbei"), 200),
    ("city_staff", "GET", org("haishu_branch", "organization_edit"), 200),
    # A volunteer holds no staff scope at all.
    ("volunteer", "GET", page("tree"), 403),
    ("volunteer", "GET", page("member_list"), 403),
    ("volunteer", "GET", page("member_create"), 403),
    ("volunteer", "GET", page("organization_create"), 403),
    ("volunteer", "GET", member("haishu"), 404),
    ("volunteer", "GET", org("haishu_branch"), 404),
    ("volunteer", "GET", tree_node("haishu"), 404),
    # Writes. The owner (the branch's secretary) and colleagues in scope save (302); an outsider from
    # Jiangbei is refused (404 for an object, the form's error for a place) and nothing changes.
    ("haishu_secretary", "POST", member("haishu", "member_edit"), 302),
    ("haishu_street_staff", "POST", member("haishu", "member_edit"), 302),
    ("jiangbei_staff", "POST", member("haishu", "member_edit"), 404),
    ("jiangbei_secretary", "POST", member("haishu", "member_edit"), 404),
    ("volunteer", "POST", member("haishu", "member_edit"), 404),
    ("partner", "POST", member("haishu", "member_edit"), 404),
    ("haishu_secretary", "POST", page("member_create"), 302),
    ("haishu_community_staff", "POST", page("member_create"), 302),
    ("jiangbei_staff", "POST", page("member_create"), 200),
    ("jiangbei_secretary", "POST", page("member_create"), 200),
    ("volunteer", "POST", page("member_create"), 403),
    ("partner", "POST", page("member_create"), 403),
    ("haishu_staff", "POST", org("haishu_branch", "organization_edit"), 302),
    ("haishu_community_staff", "POST", org("haishu_branch", "organization_edit"), 302),
    ("haishu_secretary", "POST", org("haishu_branch", "organization_edit"), 403),
    ("jiangbei_staff", "POST", org("haishu_branch", "organization_edit"), 404),
    ("volunteer", "POST", org("haishu_branch", "organization_edit"), 404),
    ("partner", "POST", org("haishu_branch", "organization_edit"), 404),
    ("haishu_staff", "POST", page("organization_create"), 302),
    ("haishu_community_staff", "POST", page("organization_create"), 302),
    ("jiangbei_staff", "POST", page("organization_create"), 200),
    ("volunteer", "POST", page("organization_create"), 403),
    ("partner", "POST", page("organization_create"), 403),
]


def valid_post(world: World, url: str) -> dict:
    """A form the page accepts from someone allowed to change the Haishu target."""
    id_number = make_id_number(dt.date(1988, 8, 8))
    member_fields = {
        "name": "陈晓红",
        "gender": "F",
        "birth_date": "1988-08-08",
        "join_date": "2012-07-01",
        "status": MemberStatus.FULL,
        "organization": world.haishu_branch.pk,
        "mobile": "13512345678",
    }
    branch = {
        "kind": OrgKind.GRID_BRANCH,
        "region": world.haishu_grid.code,
        "parent": world.haishu_committee.pk,
    }
    return {
        "member_create": {**member_fields, "id_number": id_number, "gender": id_gender(id_number)},
        "member_edit": member_fields,
        "organization_create": {**branch, "name": "海曙区二网格党支部"},
        "organization_edit": {**branch, "name": "海曙区一网格联合党支部"},
    }[resolve(url).url_name]


@pytest.mark.parametrize(("role", "method", "url", "expected"), MATRIX)
def test_page_access(client, world, role, method, url, expected):
    client.force_login(getattr(world, role))
    if method == "GET":
        assert client.get(url(world)).status_code == expected
        return
    before = domain_rows()
    response = client.post(url(world), valid_post(world, url(world)))
    assert response.status_code == expected, response.context and response.context["form"].errors
    if expected != 302:  # refused: not a row written, not a history entry
        assert domain_rows() == before


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
