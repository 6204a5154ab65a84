"""/api/v1/activities/: scoped reads with filters, and creation by partner keys with activities:write."""

import datetime as dt

import pytest
from django.utils import timezone

from brands.images import process_upload
from brands.models import ActivityKind, ActivityRecord
from brands.services.activities import activity_create
from tests.brands.activity_factories import RecordFactory, jpeg, local
from tests.brands.factories import BrandFactory
from tests.harness import domain_rows, key_client, session_client

URL = "/api/v1/activities/"


def payload(world, **overrides) -> dict:
    end = timezone.now() - dt.timedelta(hours=1)
    body = {
        "organization": world.haishu_branch.pk,
        "kind": ActivityKind.THEME_DAY,
        "topic": "走进红色教育基地",
        "started_at": (end - dt.timedelta(hours=2)).isoformat(),
        "ended_at": end.isoformat(),
        "place": "宁波市革命烈士陵园",
        "attendees": [m.pk for m in world.haishu_members[:2]],
        "other_participants": 3,
        "people_served": 0,
    }
    body.update(overrides)
    return body


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# Reading ---------------------------------------------------------------------------------------


def test_a_key_reads_only_the_activities_of_its_region(world):
    ours = RecordFactory(organization=world.haishu_branch)
    RecordFactory(organization=world.jiangbei_branch)
    response = key_client(world.haishu, ["read"]).get(URL)
    assert response.status_code == 200
    assert ids(response) == {ours.pk}
    row = response.json()["results"][0]
    assert row["organization"] == world.haishu_branch.pk
    assert row["region"] == world.haishu_grid.code
    assert row["kind_display"] == "主题党日"


def test_a_record_shows_its_attendees_brand_and_photos(world):
    brand = BrandFactory(name="一人一岗", organization=world.haishu_branch)
    end = timezone.now() - dt.timedelta(hours=1)
    record = activity_create(
        actor=world.haishu_secretary,
        organization=world.haishu_branch,
        brand=brand,
        kind=ActivityKind.VOLUNTEER,
        topic="义务理发",
        place="社区广场",
        started_at=end - dt.timedelta(hours=2),
        ended_at=end,
        attendees=world.haishu_members,
        people_served=30,
        photos=[process_upload(jpeg())],
    )
    row = key_client(world.haishu, ["read"]).get(f"{URL}{record.pk}/").json()
    assert row["brand"] == brand.pk and row["brand_name"] == "一人一岗"
    assert sorted(row["attendees"]) == sorted(m.pk for m in world.haishu_members)
    assert (row["attendee_count"], row["member_count"], row["attendance_rate"]) == (3, 3, 100)
    assert row["photos"][0]["thumbnail"].startswith("http://testserver/media/")


def test_a_key_cannot_read_a_record_outside_its_region(world):
    theirs = RecordFactory(organization=world.jiangbei_branch)
    response = key_client(world.haishu, ["read"]).get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_it_filters_by_region_organization_brand_kind_and_dates(world):
    brand = BrandFactory(organization=world.haishu_branch)
    lecture = RecordFactory(
        organization=world.haishu_branch, kind=ActivityKind.PARTY_LECTURE, started_at=local(2025, 3, 10)
    )
    branded = RecordFactory(
        organization=world.haishu_branch, brand=brand, started_at=local(2025, 3, 31, 23, 30)
    )
    april = RecordFactory(organization=world.haishu_branch, started_at=local(2025, 4, 1, 0, 30))
    theirs = RecordFactory(organization=world.jiangbei_branch, started_at=local(2025, 3, 12))
    client = key_client(world.city, ["read"])
    assert ids(client.get(URL, {"region": world.haishu_street.code})) == {lecture.pk, branded.pk, april.pk}
    assert ids(client.get(URL, {"region": world.jiangbei.code})) == {theirs.pk}
    assert ids(client.get(URL, {"organization": world.haishu_committee.pk})) == {
        lecture.pk,
        branded.pk,
        april.pk,
    }
    assert ids(client.get(URL, {"brand": brand.pk})) == {branded.pk}
    assert ids(client.get(URL, {"kind": "party_lecture"})) == {lecture.pk}
    # Local (Asia/Shanghai) days: 23:30 on 31 March is March, 00:30 on 1 April is April.
    march = {"date_from": "2025-03-01", "date_to": "2025-03-31"}
    assert ids(client.get(URL, march)) == {lecture.pk, branded.pk, theirs.pk}
    assert ids(client.get(URL, {"region": "999999"})) == set()


def test_the_list_costs_the_same_queries_for_2_or_60_records(world, django_assert_num_queries):
    client = key_client(world.haishu, ["read"])

    def listing():
        with django_assert_num_queries(5):
            # 1. the API key with its region  2. the page's ids  3. those records with
            # organization, region and brand joined  4. their photos  5. their attendees' ids
            return client.get(URL, {"page_size": 100})

    for record in RecordFactory.create_batch(2, organization=world.haishu_branch):
        record.attendees.set(world.haishu_members)
    assert len(listing().json()["results"]) == 2
    for record in RecordFactory.create_batch(58, organization=world.haishu_branch):
        record.attendees.set(world.haishu_members[:1])
    assert len(listing().json()["results"]) == 60


def test_a_session_user_reads_their_scope(world):
    RecordFactory(organization=world.haishu_branch)
    theirs = RecordFactory(organization=world.jiangbei_branch)
    assert ids(session_client(world.jiangbei_secretary).get(URL)) == {theirs.pk}


# Creating --------------------------------------------------------------------------------------


def test_a_key_with_activities_write_records_for_a_branch_of_its_region(world):
    client = key_client(world.haishu, ["read", "activities:write"], partner="海曙区智慧党建平台")
    response = client.post(URL, payload(world), format="json")
    assert response.status_code == 201, response.json()
    record = ActivityRecord.objects.get()
    assert response.json()["id"] == record.pk
    assert (record.organization, record.created_by, record.attendee_count) == (world.haishu_branch, None, 2)
    history = record.history.get()
    assert history.history_user is None
    assert history.history_change_reason.startswith("合作系统：海曙区智慧党建平台")


def test_a_replayed_create_with_the_same_idempotency_key_records_once(world):
    client = key_client(world.haishu, ["read", "activities:write"])
    body = payload(world)
    first = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="act-2025-0001")
    second = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="act-2025-0001")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert ActivityRecord.objects.count() == 1
    third = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="act-2025-0002")
    assert third.status_code == 201
    assert ActivityRecord.objects.count() == 2


def test_a_key_without_activities_write_is_refused(world):
    response = key_client(world.haishu, ["read"]).post(URL, payload(world), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert "activities:write" in response.json()["error"]["message"]
    assert not ActivityRecord.objects.exists()


def test_a_key_cannot_record_for_a_branch_outside_its_region(world):
    client = key_client(world.jiangbei, ["read", "activities:write"])
    response = client.post(URL, payload(world), format="json")
    # Refused exactly as an organization that does not exist: the key learns nothing about it.
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["organization"] == [
        f"编号为 {world.haishu_branch.pk} 的对象不存在，或不在您的权限范围内。"
    ]
    assert not ActivityRecord.objects.exists()


def test_a_key_without_read_cannot_list(world):
    response = key_client(world.haishu, ["activities:write"]).get(URL)
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"ended_at": "2020-01-01T08:00:00+08:00", "started_at": "2020-01-01T09:00:00+08:00"},
            "ended_at",
            "结束时间须晚于开始时间。",
        ),
        (
            {"started_at": "2099-01-01T09:00:00+08:00", "ended_at": "2099-01-01T10:00:00+08:00"},
            "started_at",
            "开始时间在将来：只能记录已经举行的活动。",
        ),
        ({"kind": "picnic"}, "kind", None),
        ({"attendees": [999999]}, "attendees", "不存在的党员编号：999999"),
        ({"topic": ""}, "topic", None),
    ],
    ids=["end-before-start", "future", "unknown-kind", "unknown-member", "no-topic"],
)
def test_invalid_input_is_a_400_naming_the_field(world, overrides, field, message):
    client = key_client(world.haishu, ["read", "activities:write"])
    response = client.post(URL, payload(world, **overrides), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]
    if message:
        assert error["fields"][field] == [message]
    assert not ActivityRecord.objects.exists()


def test_a_member_of_another_branch_is_refused_as_attendee(world):
    client = key_client(world.city, ["read", "activities:write"])
    response = client.post(URL, payload(world, attendees=[world.jiangbei_members[0].pk]), format="json")
    assert response.status_code == 400
    assert "不是本组织党员" in response.json()["error"]["fields"]["attendees"][0]


def test_a_brand_of_another_branch_is_refused(world):
    theirs = BrandFactory(organization=world.jiangbei_branch)
    client = key_client(world.city, ["read", "activities:write"])
    response = client.post(URL, payload(world, brand=theirs.pk), format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["brand"]


def test_the_branch_secretary_may_create_through_the_api_and_an_outsider_may_not(world):
    created = session_client(world.haishu_secretary).post(URL, payload(world), format="json")
    assert created.status_code == 201
    refused = session_client(world.jiangbei_secretary).post(URL, payload(world), format="json")
    assert refused.status_code == 400
    assert "organization" in refused.json()["error"]["fields"]
    assert ActivityRecord.objects.count() == 1
    assert ActivityRecord.objects.get().created_by == world.haishu_secretary


# Who may do what: one table ------------------------------------------------------------------

# Partner keys by name: (region, scopes).
KEYS = {
    "haishu_key": ("haishu", ["read", "activities:write"]),
    "haishu_read_key": ("haishu", ["read"]),
    "city_key": ("city", ["read", "activities:write"]),
    "jiangbei_key": ("jiangbei", ["read", "activities:write"]),
}

PERMISSIONS = [
    # (actor, method, target, expected status): "list" is the collection, "record" a Haishu record.
    # A POST sends a valid activity of the Haishu branch. An outsider is refused as if the branch did
    # not exist (400 on the field, the same answer as for a made-up id) and no row changes.
    ("haishu_key", "GET", "record", 200),
    ("city_key", "GET", "record", 200),
    ("jiangbei_key", "GET", "record", 404),
    ("haishu_secretary", "GET", "record", 200),
    ("haishu_staff", "GET", "record", 200),
    ("jiangbei_staff", "GET", "record", 404),
    ("jiangbei_secretary", "GET", "record", 404),
    ("haishu_key", "POST", "list", 201),
    ("city_key", "POST", "list", 201),
    ("haishu_read_key", "POST", "list", 403),
    ("jiangbei_key", "POST", "list", 400),
    ("haishu_secretary", "POST", "list", 201),
    ("haishu_street_staff", "POST", "list", 201),
    ("jiangbei_staff", "POST", "list", 400),
    ("jiangbei_secretary", "POST", "list", 400),
    ("volunteer", "POST", "list", 400),  # a session without scope sees no branch at all
    ("partner", "POST", "list", 400),  # partners write with keys; their user session has no scope
    # Records are created, never changed or deleted through the API.
    ("haishu_key", "PUT", "record", 405),
    ("haishu_key", "PATCH", "record", 405),
    ("haishu_key", "DELETE", "record", 405),
    ("haishu_secretary", "DELETE", "record", 405),
    ("jiangbei_key", "DELETE", "record", 405),
]


def client_for(world, actor: str):
    if actor in KEYS:
        region, scopes = KEYS[actor]
        return key_client(getattr(world, region), scopes)
    return session_client(getattr(world, actor))


@pytest.mark.parametrize(("actor", "method", "target", "expected"), PERMISSIONS)
def test_api_permissions(world, actor, method, target, expected):
    client = client_for(world, actor)
    url = URL if target == "list" else f"{URL}{RecordFactory(organization=world.haishu_branch).pk}/"
    before = domain_rows()
    body = payload(world) if method == "POST" else {}
    response = getattr(client, method.lower())(url, body, format="json")
    assert response.status_code == expected, response.content
    if expected >= 400:  # refused: not a row written, not a history entry
        assert domain_rows() == before
