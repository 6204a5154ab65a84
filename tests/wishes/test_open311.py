"""Open311 GeoReport v2 for micro-wishes, read as a civic-request client would: every call in JSON
and XML, the spec's filters and limits, its error format, and what each reader may see.

Alice is an anonymous client (the public wall only); Haishu's key reads Haishu's wishes, moderation
queue included; Jiangbei's key reads Jiangbei's and the wall. Nobody ever reads a resident's name
or phone.
"""

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import PartnerAPIKey
from tests.wishes.factories import WishFactory
from wishes.models import ClaimantKind, Wish, WishCategory, WishClaim, WishStatus
from wishes.open311 import token_for

BASE = "/open311/v2"


def key_for(region, scopes=("read",), partner="海曙区平台") -> str:
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="open311", partner=partner, region=region, scopes=list(scopes)
    )
    return key


def get(path: str, fmt: str = "json", **params):
    return APIClient().get(f"{BASE}/{path}.{fmt}", params)


def parsed(response) -> list | dict:
    """The body as data: JSON as is, XML's elements as dicts of their children's texts."""
    if response["content-type"].startswith("application/json"):
        return json.loads(response.content)
    root = ET.fromstring(response.content)
    return [{child.tag: child.text for child in item} for item in root]


@pytest.fixture
def wishes(world):
    """A published wish in Haishu, a submitted one (moderation) in Haishu, one published in Jiangbei."""
    return {
        "published": WishFactory(community=world.haishu_community),
        "submitted": WishFactory(
            community=world.haishu_community, status=WishStatus.SUBMITTED, published_at=None
        ),
        "jiangbei": WishFactory(community=world.jiangbei_community, category=WishCategory.HEALTH),
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_are_the_wish_categories(db, fmt):
    response = get("services", fmt)

    assert response.status_code == 200
    services = parsed(response)
    assert [s["service_code"] for s in services] == WishCategory.values
    assert {s["type"] for s in services} == {"realtime"}
    if fmt == "xml":
        assert ET.fromstring(response.content).tag == "services"
        assert response["content-type"].startswith("text/xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_names_the_community_and_value_attributes(db, fmt):
    response = get("services/health", fmt)

    assert response.status_code == 200
    if fmt == "json":
        definition = json.loads(response.content)
        codes = {a["code"]: a for a in definition["attributes"]}
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "service_definition" and root.findtext("service_code") == "health"
        codes = {a.findtext("code"): {"required": a.findtext("required")} for a in root.iter("attribute")}
    assert set(codes) == {"community", "value", "consent", "sms"}
    assert codes["community"]["required"] in (True, "true")
    assert codes["value"]["required"] in (False, "false")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_is_a_404_in_the_specs_error_format(db, fmt):
    response = get("services/parking", fmt)

    assert response.status_code == 404
    if fmt == "json":
        assert json.loads(response.content)[0]["code"] == 404
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root.find("error").findtext("code") == "404"
        assert root.find("error").findtext("description")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_anyone_reads_the_wall_and_nothing_else(wishes, fmt):
    response = get("requests", fmt)

    assert response.status_code == 200
    ids = {int(r["service_request_id"]) for r in parsed(response)}
    assert ids == {wishes["published"].pk, wishes["jiangbei"].pk}


def test_a_key_adds_its_regions_moderation_queue_only(world, wishes):
    haishu = get("requests", api_key=key_for(world.haishu))
    jiangbei = get("requests", api_key=key_for(world.jiangbei))

    assert wishes["submitted"].pk in {r["service_request_id"] for r in parsed(haishu)}
    assert wishes["submitted"].pk not in {r["service_request_id"] for r in parsed(jiangbei)}


def test_the_authorization_header_works_as_the_api_key(world, wishes):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for(world.haishu)}")

    rows = json.loads(client.get(f"{BASE}/requests.json").content)

    assert wishes["submitted"].pk in {r["service_request_id"] for r in rows}


@pytest.mark.parametrize("key", ["nope.nope", "abc\x00.def", "键.值", "x" * 300])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_invalid_api_key_is_a_403(db, fmt, key):
    response = get("requests", fmt, api_key=key)

    assert response.status_code == 403
    assert parsed(response)[0]["code"] in (403, "403")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_maps_the_wish(world, wishes, fmt):
    wish = wishes["published"]
    wish.description = "请联系我 13812345678，谢谢。"
    wish.save()

    response = get(f"requests/{wish.pk}", fmt)

    assert response.status_code == 200
    [row] = parsed(response)
    assert str(row["service_request_id"]) == str(wish.pk)
    assert row["status"] == "open"
    assert row["service_code"] == "elderly_disabled"
    assert row["agency_responsible"] == world.haishu_community.name
    assert row["address_id"] == world.haishu_community.code
    assert "138****5678" in row["description"] and "13812345678" not in row["description"]
    assert row["requested_datetime"].endswith("+08:00")
    assert not row.get("expected_datetime")
    assert wish.resident_mobile not in response.content.decode()
    assert wish.resident_name not in response.content.decode()


def test_the_status_follows_the_wish(world, wishes):
    wish = wishes["published"]

    def row() -> dict:
        return parsed(get(f"requests/{wish.pk}", api_key=key_for(world.haishu)))[0]

    assert (row()["status"], row()["status_notes"]) == ("open", "已发布到心愿墙，等待认领。")
    deadline = timezone.now() + dt.timedelta(days=14)
    WishClaim.objects.create(
        wish=wish, kind=ClaimantKind.ORGANIZATION, organization=world.haishu_branch,
        claimed_by=world.haishu_secretary, deadline=deadline,
    )  # fmt: skip
    Wish.objects.filter(pk=wish.pk).update(status=WishStatus.CLAIMED)
    claimed = row()
    assert claimed["status"] == "open" and claimed["expected_datetime"] == timezone.localtime(
        deadline
    ).isoformat(timespec="seconds")
    WishClaim.objects.update(status="confirmed")
    Wish.objects.filter(pk=wish.pk).update(status=WishStatus.CONFIRMED)
    assert (row()["status"], row()["expected_datetime"]) == ("closed", None)
    Wish.objects.filter(pk=wish.pk).update(status=WishStatus.REJECTED, reject_reason="重复提交")
    assert row()["status"] == "closed" and "重复提交" in row()["status_notes"]


@pytest.mark.parametrize("request_id", ["abc", "0", "-1", str(10**30), "1.5"])
def test_a_bad_request_id_is_a_404_not_a_500(db, request_id):
    response = get(f"requests/{request_id}")

    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


@pytest.mark.parametrize("path", ["requests/" + "9" * 41, "tokens/" + str(10**30) + "-9f86d081884c7d65"])
def test_a_long_id_or_token_is_a_404_in_the_specs_error_format(db, path):
    response = get(path)

    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


def test_a_wish_outside_the_readers_sight_is_a_404(world, wishes):
    assert get(f"requests/{wishes['submitted'].pk}").status_code == 404
    assert get(f"requests/{wishes['submitted'].pk}", api_key=key_for(world.jiangbei)).status_code == 404
    assert get(f"requests/{wishes['submitted'].pk}", api_key=key_for(world.haishu)).status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_names_its_request_and_is_not_the_tracking_code(wishes, fmt):
    wish = wishes["published"]
    token = token_for(wish.pk)

    response = get(f"tokens/{token}", fmt)

    assert response.status_code == 200
    [row] = parsed(response)
    assert str(row["service_request_id"]) == str(wish.pk)
    assert wish.tracking_code not in token
    for forged in (f"{wish.pk}-0000000000000000", wish.tracking_code, str(wish.pk), "x" * 40):
        assert get(f"tokens/{forged}", fmt).status_code == 404


# --- Filters and limits ---------------------------------------------------------------------------


def ids_of(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["service_request_id"] for row in json.loads(response.content)}


def test_service_request_id_lists_wishes_and_ignores_the_other_filters(wishes):
    a, b = wishes["published"], wishes["jiangbei"]

    assert ids_of(get("requests", service_request_id=f"{a.pk},{b.pk}", status="closed")) == {a.pk, b.pk}


def test_service_code_and_status_filter(wishes):
    assert ids_of(get("requests", service_code="health")) == {wishes["jiangbei"].pk}
    assert ids_of(get("requests", service_code="health,elderly_disabled", status="open")) == {
        wishes["published"].pk,
        wishes["jiangbei"].pk,
    }
    assert ids_of(get("requests", status="closed")) == set()
    Wish.objects.filter(pk=wishes["jiangbei"].pk).update(status=WishStatus.CONFIRMED)
    assert ids_of(get("requests", status="closed")) == {wishes["jiangbei"].pk}


def test_dates_default_to_the_last_90_days(wishes):
    old = wishes["jiangbei"]
    Wish.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=100))

    assert ids_of(get("requests")) == {wishes["published"].pk}
    assert ids_of(get("requests", start_date=(timezone.now() - dt.timedelta(days=101)).isoformat())) == {
        old.pk
    }
    assert ids_of(get("requests", end_date=(timezone.now() - dt.timedelta(days=99)).date().isoformat())) == {
        old.pk
    }


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "2024-01-01T00:00:00+08:00", "end_date": "2024-06-01T00:00:00+08:00"},  # 152 days
        {"start_date": "2024-06-01", "end_date": "2024-01-01"},
        {"start_date": "yesterday"},
        {"end_date": "2024-13-45"},
        {"start_date": "0001-01-01"},
        {"end_date": "9999-12-31T23:59:59"},
        {"status": "pending"},
        {"service_code": "parking"},
        {"service_request_id": "1,abc"},
        {"service_request_id": str(10**30)},
        {"service_request_id": ",".join(["1"] * 1001)},
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400s_in_the_specs_format(db, params, fmt):
    response = get("requests", fmt, **params)

    assert response.status_code == 400
    [error] = parsed(response)
    assert str(error["code"]) == "400" and error["description"]


def test_at_most_1000_results(world):
    Wish.objects.bulk_create(
        WishFactory.build(community=world.haishu_community, tracking_code=f"T{n:09d}") for n in range(1001)
    )

    assert len(json.loads(get("requests").content)) == 1000


def test_the_list_reads_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    for _ in range(5):
        wish = WishFactory(community=world.haishu_community, status=WishStatus.CLAIMED)
        WishClaim.objects.create(
            wish=wish, kind=ClaimantKind.ORGANIZATION, organization=world.haishu_branch,
            claimed_by=world.haishu_secretary, deadline=timezone.now() + dt.timedelta(days=3),
        )  # fmt: skip

    with django_assert_num_queries(2):  # the wishes with their communities; their active claims
        assert len(json.loads(get("requests").content)) == 5


def test_a_client_asking_for_english_reads_english(wishes):
    services = json.loads(APIClient().get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en").content)
    [row] = json.loads(
        APIClient().get(f"{BASE}/requests/{wishes['published'].pk}.json", HTTP_ACCEPT_LANGUAGE="en").content
    )
    error = json.loads(APIClient().get(f"{BASE}/requests.json?status=x", HTTP_ACCEPT_LANGUAGE="en").content)

    assert all(s["service_name"].isascii() and s["description"].isascii() for s in services)
    assert row["status_notes"] == "Published on the wish wall, waiting to be claimed."
    assert error[0]["description"] == "status must be open, closed or both."


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_method_the_call_does_not_take_is_a_405_in_the_specs_format(db, fmt):
    response = APIClient().post(f"{BASE}/services.{fmt}", {})

    assert response.status_code == 405
    assert str(parsed(response)[0]["code"]) == "405"


def test_an_unknown_format_is_no_open311_url(db):
    assert APIClient().get(f"{BASE}/services.html").status_code == 404


def test_the_schema_documents_the_specs_error_list_on_every_open311_operation(db):
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = [
        (p, op) for p, ops in schema["paths"].items() if p.startswith("/open311/") for op in ops.values()
    ]

    assert len(operations) == 6
    for path, operation in operations:
        error = operation["responses"]["429"]["content"]["application/json"]["schema"]
        assert error["type"] == "array" and set(error["items"]["required"]) == {"code", "description"}, path
