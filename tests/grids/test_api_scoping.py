"""Who sees what through the API: session users and partner keys, by district.

Haishu actors must not find Jiangbei's regions, organizations or members: absent from lists,
404 on detail. City staff and a city-wide key see everything.
"""

import pytest
from rest_framework.test import APIClient

from tests.factories import World
from tests.harness import domain_rows, key_client, session_client

HAISHU_REGIONS = ["haishu", "haishu_street", "haishu_community", "haishu_grid"]
JIANGBEI_REGIONS = ["jiangbei", "jiangbei_street", "jiangbei_community", "jiangbei_grid"]
HAISHU_ORGS = ["haishu_committee", "haishu_branch"]
JIANGBEI_ORGS = ["jiangbei_committee", "jiangbei_branch"]

# Partner keys by the region they are limited to.
KEYS = {"haishu_key": "haishu", "jiangbei_key": "jiangbei", "city_key": "city"}


def client_for(world: World, actor: str) -> APIClient:
    if actor in KEYS:
        return key_client(getattr(world, KEYS[actor]))
    return session_client(getattr(world, actor))


def ids(world: World, endpoint: str, names: list[str]) -> set:
    if endpoint == "regions":
        return {getattr(world, n).code for n in names}
    if endpoint == "members":
        return {m.pk for n in names for m in getattr(world, f"{n}_members")}
    return {getattr(world, n).pk for n in names}


# actor, endpoint, what the list holds (world names; for members: the district whose members)
LISTS = [
    ("city_staff", "regions", ["city", *HAISHU_REGIONS, *JIANGBEI_REGIONS]),
    ("haishu_staff", "regions", HAISHU_REGIONS),
    ("haishu_street_staff", "regions", ["haishu_street", "haishu_community", "haishu_grid"]),
    ("jiangbei_staff", "regions", JIANGBEI_REGIONS),
    ("haishu_secretary", "regions", []),
    ("volunteer", "regions", []),
    ("haishu_key", "regions", HAISHU_REGIONS),
    ("jiangbei_key", "regions", JIANGBEI_REGIONS),
    ("city_key", "regions", ["city", *HAISHU_REGIONS, *JIANGBEI_REGIONS]),
    ("city_staff", "organizations", [*HAISHU_ORGS, *JIANGBEI_ORGS]),
    ("haishu_staff", "organizations", HAISHU_ORGS),
    ("jiangbei_staff", "organizations", JIANGBEI_ORGS),
    ("haishu_secretary", "organizations", ["haishu_branch"]),
    ("volunteer", "organizations", []),
    ("haishu_key", "organizations", HAISHU_ORGS),
    ("jiangbei_key", "organizations", JIANGBEI_ORGS),
    ("city_key", "organizations", [*HAISHU_ORGS, *JIANGBEI_ORGS]),
    ("city_staff", "members", ["haishu", "jiangbei"]),
    ("haishu_staff", "members", ["haishu"]),
    ("haishu_street_staff", "members", ["haishu"]),
    ("jiangbei_staff", "members", ["jiangbei"]),
    ("haishu_secretary", "members", ["haishu"]),
    ("jiangbei_secretary", "members", ["jiangbei"]),
    ("volunteer", "members", []),
    ("haishu_key", "members", ["haishu"]),
    ("jiangbei_key", "members", ["jiangbei"]),
    ("city_key", "members", ["haishu", "jiangbei"]),
]


@pytest.mark.parametrize("actor, endpoint, expected", LISTS)
def test_lists_hold_exactly_what_the_actor_may_see(world, actor, endpoint, expected):
    response = client_for(world, actor).get(f"/api/v1/{endpoint}/")

    assert response.status_code == 200
    key = "code" if endpoint == "regions" else "id"
    assert {row[key] for row in response.json()["results"]} == ids(world, endpoint, expected)


def detail_url(world: World, endpoint: str, district: str) -> str:
    if endpoint == "regions":
        return f"/api/v1/regions/{getattr(world, f'{district}_grid').code}/"
    if endpoint == "organizations":
        return f"/api/v1/organizations/{getattr(world, f'{district}_branch').pk}/"
    return f"/api/v1/members/{getattr(world, f'{district}_members')[0].pk}/"


# actor, endpoint, status for a Haishu object, status for a Jiangbei object
DETAILS = [
    ("city_staff", "regions", 200, 200),
    ("city_staff", "organizations", 200, 200),
    ("city_staff", "members", 200, 200),
    ("haishu_staff", "regions", 200, 404),
    ("haishu_staff", "organizations", 200, 404),
    ("haishu_staff", "members", 200, 404),
    ("jiangbei_staff", "regions", 404, 200),
    ("jiangbei_staff", "organizations", 404, 200),
    ("jiangbei_staff", "members", 404, 200),
    ("haishu_secretary", "regions", 404, 404),
    ("haishu_secretary", "organizations", 200, 404),
    ("haishu_secretary", "members", 200, 404),
    ("volunteer", "members", 404, 404),
    ("haishu_key", "regions", 200, 404),
    ("haishu_key", "organizations", 200, 404),
    ("haishu_key", "members", 200, 404),
    ("jiangbei_key", "regions", 404, 200),
    ("jiangbei_key", "organizations", 404, 200),
    ("jiangbei_key", "members", 404, 200),
    ("city_key", "regions", 200, 200),
    ("city_key", "organizations", 200, 200),
    ("city_key", "members", 200, 200),
]


@pytest.mark.parametrize("actor, endpoint, haishu, jiangbei", DETAILS)
def test_detail_is_404_outside_the_actors_scope(world, actor, endpoint, haishu, jiangbei):
    client = client_for(world, actor)
    for district, expected in (("haishu", haishu), ("jiangbei", jiangbei)):
        response = client.get(detail_url(world, endpoint, district))
        assert response.status_code == expected, (district, response.content)
        if expected == 404:
            assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("actor", ["haishu_staff", "haishu_key"])
def test_filters_cannot_reach_past_the_scope(world, actor):
    client = client_for(world, actor)
    for query in (
        f"region={world.jiangbei.code}",
        f"organization={world.jiangbei_committee.pk}",
    ):
        assert client.get(f"/api/v1/members/?{query}").json()["results"] == []
    # "Everything below the city" still means: everything below the city that the actor may see.
    within_city = client.get(f"/api/v1/regions/?within={world.city.code}").json()["results"]
    assert {r["code"] for r in within_city} == ids(world, "regions", HAISHU_REGIONS)


# actor, method, endpoint, expected status. The grids API is read-only: a write is refused before any
# object is looked at (a key holds no scope that grants it: 403; a session: 405) and no row changes.
# POST goes to the list; the other methods to a Haishu object.
WRITES = [
    ("haishu_staff", "POST", "organizations", 405),
    ("haishu_staff", "PATCH", "members", 405),
    ("haishu_secretary", "PUT", "members", 405),
    ("city_staff", "DELETE", "organizations", 405),
    ("jiangbei_staff", "DELETE", "members", 405),
    ("haishu_key", "POST", "members", 403),
    ("city_key", "DELETE", "organizations", 403),
    ("jiangbei_key", "PATCH", "regions", 403),
]


@pytest.mark.parametrize("actor, method, endpoint, expected", WRITES)
def test_writes_are_refused_and_change_nothing(world, actor, method, endpoint, expected):
    client = client_for(world, actor)
    url = f"/api/v1/{endpoint}/" if method == "POST" else detail_url(world, endpoint, "haishu")
    before = domain_rows()
    response = getattr(client, method.lower())(url, {"name": "改名"}, format="json")
    assert response.status_code == expected, response.content
    assert domain_rows() == before
