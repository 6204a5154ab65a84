"""Who may open which volunteer page and endpoint, by method: staff in scope, outsiders (404 on
objects, never confirming they exist), volunteers and secretaries (403 on staff pages)."""

import pytest

from tests.harness import session_client
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import VolunteerStatus


@pytest.fixture
def haishu_volunteer(world):
    return VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)


LIST, DETAIL, APPROVE, API_LIST, API_DETAIL = (
    "/volunteers/",
    "/volunteers/{pk}/",
    "/volunteers/{pk}/approve/",
    "/api/v1/volunteers/",
    "/api/v1/volunteers/{pk}/",
)

TABLE = [
    # (who, method, url, expected status)
    ("haishu_community_staff", "get", LIST, 200),
    ("haishu_community_staff", "get", DETAIL, 200),
    ("haishu_community_staff", "post", APPROVE, 302),
    ("haishu_street_staff", "post", APPROVE, 302),
    ("haishu_staff", "get", API_DETAIL, 200),
    ("city_staff", "post", APPROVE, 302),
    ("jiangbei_staff", "get", LIST, 200),  # their own district's list: without this volunteer
    ("jiangbei_staff", "get", DETAIL, 404),
    ("jiangbei_staff", "post", APPROVE, 404),
    ("jiangbei_staff", "get", API_DETAIL, 404),
    ("haishu_secretary", "get", LIST, 403),
    ("haishu_secretary", "post", APPROVE, 403),
    ("volunteer", "get", LIST, 403),
    ("volunteer", "get", DETAIL, 403),
    ("volunteer", "post", APPROVE, 403),
    ("volunteer", "get", API_DETAIL, 404),
    ("haishu_community_staff", "get", APPROVE, 405),
    ("haishu_community_staff", "put", API_DETAIL, 405),
    ("haishu_community_staff", "delete", API_DETAIL, 405),
]


@pytest.mark.parametrize(("who", "method", "url", "expected"), TABLE)
def test_permission_table(world, haishu_volunteer, who, method, url, expected):
    client = session_client(getattr(world, who))
    response = getattr(client, method)(url.format(pk=haishu_volunteer.pk))
    assert response.status_code == expected
    if url == LIST and expected == 200 and who.startswith("jiangbei"):
        assert haishu_volunteer.name not in response.content.decode()
    haishu_volunteer.refresh_from_db()
    approved = method == "post" and expected == 302
    assert (haishu_volunteer.status == VolunteerStatus.ACTIVE) == approved


def test_visitors_are_sent_to_the_login(client, world, haishu_volunteer):
    assert client.get(LIST).status_code == 302
    assert client.get("/volunteers/me/").status_code == 302
    assert client.get(API_LIST).status_code in (401, 403)


@pytest.mark.parametrize(
    "url", ["/volunteers/99999999999999999999/", "/api/v1/volunteers/99999999999999999999/"]
)
def test_ids_out_of_range_are_404(world, url):
    assert session_client(world.haishu_staff).get(url).status_code == 404


def test_the_api_list_is_scoped(world, haishu_volunteer):
    VolunteerFactory(community=world.jiangbei_community)
    ids = [row["id"] for row in session_client(world.haishu_staff).get(API_LIST).json()["results"]]
    assert ids == [haishu_volunteer.pk]


@pytest.fixture
def neighbour_staff(world):
    """Staff of another community in the same street: an outsider to this volunteer."""
    from grids.models import Region, RegionLevel
    from portal.models import Role
    from tests.factories import UserFactory, assign

    neighbour = Region.objects.create(
        code=world.haishu_street.code + "002",
        name="隔壁社区",
        level=RegionLevel.COMMUNITY,
        parent=world.haishu_street,
    )
    return assign(UserFactory(username="neighbour"), Role.COMMUNITY_STAFF, region=neighbour)


@pytest.mark.parametrize(("method", "url"), [("get", DETAIL), ("post", APPROVE), ("get", API_DETAIL)])
def test_staff_of_another_community_get_404(world, haishu_volunteer, neighbour_staff, method, url):
    response = getattr(session_client(neighbour_staff), method)(url.format(pk=haishu_volunteer.pk))
    assert response.status_code == 404
    haishu_volunteer.refresh_from_db()
    assert haishu_volunteer.status == VolunteerStatus.APPLICANT


PAGES = [
    # (who, url, expected status) for the 一人一岗 and personal pages
    ("haishu_community_staff", "/volunteers/posts/manage/", 200),
    ("haishu_secretary", "/volunteers/posts/manage/", 403),
    ("volunteer", "/volunteers/posts/manage/", 403),
    ("volunteer", "/volunteers/posts/", 403),  # no profile yet: nothing to show
    ("volunteer", "/volunteers/me/", 403),
    ("volunteer", "/volunteers/register/", 200),
    ("haishu_staff", "/volunteers/me/", 403),
]


@pytest.mark.parametrize(("who", "url", "expected"), PAGES)
def test_page_table(world, who, url, expected):
    assert session_client(getattr(world, who)).get(url).status_code == expected
