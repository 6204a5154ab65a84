"""Cursor pagination: next/previous links that walk every row once, whatever the ordering."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from grids.models import PartyMember
from tests.factories import MemberFactory


@pytest.fixture
def client(world) -> APIClient:
    client = APIClient()
    client.force_login(world.haishu_staff)
    return client


@pytest.fixture
def members(world) -> list[PartyMember]:
    # Many members share a join date: a cursor on join_date must still page through ties.
    extra = [
        MemberFactory(organization=world.haishu_branch, join_date=dt.date(2010, 7, 1 + i % 2))
        for i in range(9)
    ]
    return [*world.haishu_members, *extra]


def walk(client: APIClient, url: str) -> tuple[list[dict], int]:
    rows, pages = [], 0
    while url:
        page = client.get(url).json()
        rows += page["results"]
        pages += 1
        url = page["next"]
    return rows, pages


def test_pages_follow_next_links_and_hold_every_row_once(client, members):
    rows, pages = walk(client, "/api/v1/members/?page_size=5")

    assert pages == 3
    assert [r["id"] for r in rows] == sorted((m.pk for m in members), reverse=True)  # default: newest first


@pytest.mark.parametrize("ordering", ["join_date", "-join_date", "updated_at", "-id"])
def test_ordering_by_a_field_with_ties_still_visits_every_row_once(client, members, ordering):
    rows, _pages = walk(client, f"/api/v1/members/?page_size=2&ordering={ordering}")

    ids = [r["id"] for r in rows]
    assert sorted(ids) == sorted(m.pk for m in members)
    field = ordering.lstrip("-")
    keys = [(r[field], r["id"]) for r in rows]
    assert keys == sorted(keys, reverse=ordering.startswith("-"))


def test_a_page_is_stable_when_rows_are_added_before_it(client, members, world):
    first = client.get("/api/v1/members/?page_size=4").json()
    MemberFactory(organization=world.haishu_branch)  # newest: sorts ahead of the cursor

    second = client.get(first["next"]).json()
    again = client.get(first["next"]).json()

    assert second == again
    seen = {r["id"] for r in first["results"]}
    assert not seen & {r["id"] for r in second["results"]}


def test_previous_leads_back_to_the_same_page(client, members):
    first = client.get("/api/v1/members/?page_size=4").json()
    second = client.get(first["next"]).json()
    back = client.get(second["previous"]).json()

    assert first["previous"] is None
    assert back["results"] == first["results"]


def test_regions_order_by_path_by_default_and_by_code_on_request(world):
    client = APIClient()
    client.force_login(world.city_staff)

    by_path = [r["path"] for r in client.get("/api/v1/regions/").json()["results"]]
    by_code = [r["code"] for r in client.get("/api/v1/regions/?ordering=-code").json()["results"]]

    assert by_path == sorted(by_path)
    assert by_code == sorted(by_code, reverse=True)


def test_an_unknown_ordering_field_is_ignored(client, members):
    # Only declared ordering_fields are honoured: no ordering by personal data.
    rows, _pages = walk(client, "/api/v1/members/?ordering=mobile&page_size=50")
    assert [r["id"] for r in rows] == sorted((m.pk for m in members), reverse=True)


def test_page_size_is_capped_at_200(client, world):
    branch = world.haishu_branch
    PartyMember.objects.bulk_create(
        PartyMember(
            name=f"党员{i}", gender="M", birth_date=dt.date(1980, 1, 1), join_date=dt.date(2005, 1, 1),
            organization=branch, region_id=branch.region_id, district_code=world.haishu.code,
        )
        for i in range(205)
    )  # fmt: skip
    response = client.get("/api/v1/members/?page_size=100000")
    assert response.status_code == 200
    assert len(response.json()["results"]) == 200
