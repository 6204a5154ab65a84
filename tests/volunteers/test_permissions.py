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
