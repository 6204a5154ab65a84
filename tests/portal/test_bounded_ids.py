"""Every id a client sends is bounded: out of 1..2^63-1 it is a 400 (filters, bodies), a 404 (paths)
or a form error (pages) — never a 500 from a database overflow. Run on SQLite and on PostgreSQL."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from brands.models import ActivityKind, ActivityRecord
from portal.ids import ID_MESSAGE
from portal.models import User
from tests.brands.activity_factories import RecordFactory
from tests.brands.factories import BrandFactory
from tests.harness import key_client

WRITE = ["read", "activities:write"]
OUT_OF_RANGE = [2**63, -(2**63) - 1, 10**30, -1, 0, "abc"]

API_ID_FILTERS = [
    "/api/v1/organizations/?parent={}",
    "/api/v1/members/?organization={}",
    "/api/v1/activities/?brand={}",
    "/api/v1/activities/?organization={}",
    "/api/v1/brands/?organization={}",
]
API_PATHS = [
    "/api/v1/organizations/{}/",
    "/api/v1/members/{}/",
    "/api/v1/activities/{}/",
    "/api/v1/brands/{}/",
    "/api/v1/bases/{}/",
]
# Codes, cursors and page sizes are not ids: a bad one is an empty list, a 404 or the default page.
API_OTHER_PARAMETERS = [
    "/api/v1/members/?region={}",
    "/api/v1/activities/?region={}",
    "/api/v1/bases/?region={}",
    "/api/v1/brands/?region={}",
    "/api/v1/regions/?parent={}",
    "/api/v1/organizations/?page_size={}",
    "/api/v1/regions/{}/",
]
PAGE_PATHS = [
    "/grids/organizations/{}/",
    "/grids/organizations/{}/edit/",
    "/grids/members/{}/",
    "/grids/members/{}/edit/",
    "/grids/members/import/{}/",
    "/brands/{}/",
    "/brands/manage/{}/",
    "/brands/manage/{}/history/",
    "/brands/activities/{}/",
    "/brands/branches/{}/",
    "/brands/branches/{}/activities/new/",
    "/roles/{}/revoke/",
]
PAGE_ID_FILTERS = [
    "/grids/members/?organization={}",
    "/brands/activities/?organization={}",
    "/brands/activities/?brand={}",
]
PAGE_PARAMETERS = [
    "/grids/members/?page={}",
    "/grids/organizations/new/?parent={}",
    "/grids/members/new/?organization={}",
    "/grids/members/import/?organization={}",
    "/brands/?page={}",
    "/brands/manage/?page={}",
    "/brands/activities/?page={}",
]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", API_ID_FILTERS)
def test_an_api_id_filter_refuses_an_out_of_range_id_with_a_400(world, url, value):
    response = key_client(world.city, WRITE).get(url.format(value))

    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert response.json()["error"]["fields"] == {name: [str(ID_MESSAGE)]}


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", API_PATHS)
def test_an_api_path_id_out_of_range_is_a_404(world, url, value):
    response = key_client(world.city, WRITE).get(url.format(value))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", API_OTHER_PARAMETERS)
def test_other_api_parameters_never_fail_on_large_numbers(world, url, value):
    assert key_client(world.city, WRITE).get(url.format(value)).status_code in (200, 404)


def activity_body(world, **overrides) -> dict:
    end = timezone.now() - dt.timedelta(hours=1)
    return {
        "organization": world.haishu_branch.pk,
        "kind": ActivityKind.THEME_DAY,
        "topic": "走进红色教育基地",
        "started_at": (end - dt.timedelta(hours=2)).isoformat(),
        "ended_at": end.isoformat(),
        **overrides,
    }


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_attendee_id_out_of_range_is_a_400_naming_it(world, value):
    body = activity_body(world, attendees=[world.haishu_members[0].pk, value])

    response = key_client(world.haishu, WRITE).post("/api/v1/activities/", body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"attendees.1": [str(ID_MESSAGE)]}
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["organization", "brand", "base_booking"])
def test_an_object_id_out_of_range_in_a_body_is_a_400(world, field, value):
    response = key_client(world.haishu, WRITE).post(
        "/api/v1/activities/", activity_body(world, **{field: value})
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", PAGE_PATHS)
def test_a_page_path_id_out_of_range_is_a_404(world, client, url, value):
    client.force_login(world.city_staff)

    assert client.get(url.format(value)).status_code == 404


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", PAGE_ID_FILTERS)
def test_a_page_id_filter_shows_an_error_for_an_out_of_range_id(world, client, url, value):
    client.force_login(world.city_staff)

    response = client.get(url.format(value))

    assert response.status_code == 200
    assert str(ID_MESSAGE) in response.text


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("url", PAGE_PARAMETERS)
def test_page_parameters_never_fail_on_large_numbers(world, client, url, value):
    client.force_login(world.city_staff)

    assert client.get(url.format(value)).status_code == 200


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_export_with_an_out_of_range_organization_exports_nothing(world, client, value):
    client.force_login(world.city_staff)

    response = client.get(f"/grids/members/export.xlsx?organization={value}")

    assert response.status_code == 302  # back to the list, which shows the filter's error


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_booking_for_an_out_of_range_organization_is_a_404(world, client, value):
    client.force_login(world.city_staff)

    assert client.get(f"/brands/bases/?organization={value}").status_code == 404


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["attendees", "remove_photos", "brand", "base_booking"])
def test_the_activity_form_refuses_an_out_of_range_id(world, client, field, value):
    record = RecordFactory(
        organization=world.haishu_branch, started_at=timezone.now() - dt.timedelta(hours=3)
    )
    client.force_login(world.haishu_secretary)
    end = timezone.localtime() - dt.timedelta(minutes=10)
    data = {
        "kind": ActivityKind.THEME_DAY,
        "topic": "学习贯彻全会精神",
        "started_at": (end - dt.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M"),
        "ended_at": end.strftime("%Y-%m-%dT%H:%M"),
        "other_participants": "0",
        "people_served": "0",
        field: [value],
    }

    response = client.post(reverse("brands:activity_edit", args=[record.pk]), data)

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors[field]
    record.refresh_from_db()
    assert record.topic != data["topic"]


def test_the_activity_list_page_applies_the_brand_it_was_reached_with(world, client):
    brand = BrandFactory(organization=world.haishu_branch)
    ours = RecordFactory(organization=world.haishu_branch, brand=brand)
    RecordFactory(organization=world.haishu_branch)
    client.force_login(world.city_staff)

    response = client.get(reverse("brands:activity_list"), {"brand": brand.pk})

    assert [r.pk for r in response.context["page"].object_list] == [ours.pk]


@pytest.mark.parametrize(
    ("field", "value"),
    [("other_participants", 2**31), ("other_participants", 10**30), ("people_served", 2**63)],
)
def test_a_head_count_beyond_the_forms_limit_is_a_400_on_every_database(world, field, value):
    # SQLite would have stored 2^31 where PostgreSQL refuses it; the page's limits hold for the API too.
    body = activity_body(world, place="社区党群服务中心", **{field: value})

    response = key_client(world.haishu, WRITE).post("/api/v1/activities/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]


@pytest.mark.parametrize(
    "query",
    [
        "date_to=9999-12-31",  # the day after overflowed
        "date_from=0001-01-01",
        "updated_after=0001-01-01T00:00:00%2B05:00",  # in UTC, before the year 1
        "updated_after=3000-01-01T00:00:00Z",
    ],
)
def test_an_activity_date_filter_out_of_range_is_a_400(world, query):
    response = key_client(world.city, WRITE).get(f"/api/v1/activities/?{query}")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [query.split("=")[0]]


def test_an_offset_postgresql_cannot_store_is_read_as_the_same_instant(world):
    # Found by schemathesis: Python takes +22:26, PostgreSQL refused it (a 500).
    old = RecordFactory(organization=world.haishu_branch)
    response = key_client(world.city, WRITE).get(
        "/api/v1/activities/?updated_after=2000-01-01T23:00:00%2B22:26"
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [old.pk]


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize(
    "url",
    [
        "/admin/grids/partyorganization/{}/change/",
        "/admin/grids/partymember/?organization__id__exact={}",
        "/admin/brands/brand/{}/history/",
        "/admin/grids/partymember/1/history/{}/",
        "/admin/portal/roleassignment/{}/history/",
    ],
)
def test_the_admin_never_fails_on_an_out_of_range_id(world, client, url, value):
    client.force_login(User.objects.create_superuser("root", password="pass-1234-word"))

    assert client.get(url.format(value)).status_code in (200, 302, 404)


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize(
    ("url", "field", "data"),
    [
        ("/roles/new/", "organization", {"user": "haishu", "role": "branch_secretary"}),
        ("/roles/new/", "region", {"user": "haishu", "role": "district_staff"}),
        ("/grids/members/new/", "organization", {"name": "张三"}),
        ("/grids/organizations/new/", "parent", {"name": "新支部", "kind": "branch"}),
        ("/grids/members/import/", "organization", {}),
    ],
)
def test_a_page_form_refuses_an_out_of_range_choice(world, client, url, field, data, value):
    client.force_login(world.city_staff)

    response = client.post(url, {**data, field: value})

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors[field]
