"""/api/v1/wishes/: partners submit (wishes:write, idempotent) and follow wishes, personal data masked.

A Haishu key sees and submits Haishu's wishes; a Jiangbei key is told Haishu's do not exist.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from tests.harness import key_client, session_client
from tests.wishes.factories import WishFactory
from wishes.models import Wish, WishEvent, WishStatus
from wishes.services.moderation import wish_reject

LIST = "/api/v1/wishes/"


def body(world, **overrides) -> dict:
    return {
        "name": "王小梅",
        "mobile": "13812345678",
        "community": world.haishu_community.code,
        "category": "appliance_repair",
        "title": "洗衣机坏了想修一修",
        "description": "独居老人，洗衣机不脱水。",
        "value": "150.00",
        "consent": True,
        **overrides,
    }


def test_a_partner_submits_and_gets_the_tracking_code(world):
    client = key_client(world.haishu, ["read", "wishes:write"], partner="宁波12345热线")
    response = client.post(LIST, body(world), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    wish = Wish.objects.get()
    assert (
        data["tracking_code"] == wish.tracking_code
        and data["tracking_code_display"] == wish.tracking_code_display
    )
    assert data["status"] == "submitted" and data["channel"] == "api" and data["partner"] == "宁波12345热线"
    assert data["resident_name"] == "王*梅" and data["resident_mobile"] == "138****5678"
    assert data["timeline"][0]["kind"] == "submitted"
    assert response["Location"].endswith(f"/api/v1/wishes/{wish.pk}/")
    assert "王小梅" not in response.content.decode() and "13812345678" not in response.content.decode()


def test_a_retry_with_the_same_idempotency_key_submits_once(world):
    client = key_client(world.haishu, ["read", "wishes:write"])
    first = client.post(LIST, body(world), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post(LIST, body(world), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["tracking_code"] == first.json()["tracking_code"]
    assert Wish.objects.count() == 1


def test_a_key_without_wishes_write_is_refused(world):
    response = key_client(world.haishu, ["read"]).post(LIST, body(world), format="json")
    assert response.status_code == 403 and "wishes:write" in response.json()["error"]["message"]
    assert not Wish.objects.exists()


def test_a_key_submits_only_inside_its_region(world):
    response = key_client(world.jiangbei, ["read", "wishes:write"]).post(LIST, body(world), format="json")
    assert response.status_code == 400 and "community" in response.json()["error"]["fields"]
    assert not Wish.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"mobile": "23812345678"}, "mobile"),
        ({"value": "500.01"}, "value"),
        ({"consent": False}, "consent"),
        ({"moblie": "13812345678"}, "moblie"),
        ({"community": "9" * 15}, "community"),
    ],
)
def test_bad_input_is_a_400_on_its_field(world, overrides, field):
    response = key_client(world.haishu, ["wishes:write"]).post(LIST, body(world, **overrides), format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"], response.json()
    assert not Wish.objects.exists()


def test_the_fourth_open_wish_of_a_mobile_is_a_429(world):
    WishFactory.create_batch(3, community=world.haishu_community, resident_mobile="13812345678")
    response = key_client(world.haishu, ["wishes:write"]).post(LIST, body(world), format="json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_open_wishes"


def test_a_hostile_photo_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = key_client(world.haishu, ["wishes:write"])
    upload = SimpleUploadedFile("x.jpg", b"\xff\xd8\xff not really a jpeg", content_type="image/jpeg")
    response = client.post(LIST, {**body(world), "consent": "true", "photo": upload}, format="multipart")
    assert response.status_code == 400 and "photo" in response.json()["error"]["fields"]


# --- reading -------------------------------------------------------------------------------------


def test_the_list_is_scoped_and_masked(world):
    ours = WishFactory(
        community=world.haishu_community, resident_name="王小梅", resident_mobile="13812345678"
    )
    theirs = WishFactory(community=world.jiangbei_community)
    response = key_client(world.haishu).get(LIST)
    ids = [w["id"] for w in response.json()["results"]]
    assert ids == [ours.pk]
    text = response.content.decode()
    assert "王小梅" not in text and "13812345678" not in text and ours.tracking_code not in text
    assert key_client(world.haishu).get(f"{LIST}{theirs.pk}/").status_code == 404
    assert session_client(world.jiangbei_staff).get(f"{LIST}{ours.pk}/").status_code == 404


def test_the_detail_shows_the_timeline_and_the_reason(world):
    wish = WishFactory(community=world.haishu_community, status=WishStatus.SUBMITTED, published_at=None)
    WishEvent.objects.create(wish=wish, kind="submitted", actor_kind="resident", actor_label="王*梅")
    wish_reject(actor=world.haishu_community_staff, wish=wish, reason="请到社区服务中心办理")
    data = session_client(world.haishu_secretary).get(f"{LIST}{wish.pk}/").json()
    assert data["status"] == "rejected" and data["reject_reason"] == "请到社区服务中心办理"
    assert [(e["kind"], e["actor"]) for e in data["timeline"]] == [
        ("submitted", "居民 王*梅"),
        ("rejected", "审核人 林*英"),
    ]


def test_the_filters(world):
    old = WishFactory(community=world.haishu_community, category="schooling")
    Wish.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=3))
    new = WishFactory(community=world.haishu_community, status=WishStatus.SUBMITTED, category="health")
    client = session_client(world.city_staff)
    WishFactory(community=world.jiangbei_community, category="health")

    def ids(**query) -> list[int]:
        return sorted(w["id"] for w in client.get(LIST, query).json()["results"])

    assert ids(region=world.haishu.code, category="health") == [new.pk]
    assert ids(region=world.haishu_street.code, status="published") == [old.pk]
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(region=world.haishu.code, updated_since=since) == [new.pk]
    assert client.get(LIST, {"status": "lost"}).status_code == 400
    assert client.get(LIST, {"updated_since": "99999-01-01"}).status_code == 400


def test_the_list_costs_the_same_for_2_or_20_wishes(world, django_assert_num_queries):
    client = key_client(world.haishu)
    for wish in WishFactory.create_batch(2, community=world.haishu_community):
        WishEvent.objects.create(wish=wish, kind="submitted", actor_kind="resident", actor_label="王*梅")
    client.get(LIST)
    with django_assert_num_queries(4) as few:
        # 1. the key with its region, 2. the page's ids, 3. those wishes with their community,
        # 4. their timelines
        client.get(LIST)
    for wish in WishFactory.create_batch(18, community=world.haishu_community):
        WishEvent.objects.create(wish=wish, kind="submitted", actor_kind="resident", actor_label="王*梅")
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(json.loads(response.content)["results"]) == 20
