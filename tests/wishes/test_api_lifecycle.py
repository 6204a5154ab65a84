"""A wish's whole life through the API: a partner system relays a resident's wish, the community's
staff publish it (on the moderation page: the API has no moderation), a volunteer claims and
fulfils it through the API, staff confirm it on the resident's behalf through the API, and the
partner reads every step back on the wish's timeline, masked. Steps out of order are refused with
409 and change nothing. (The same life through the residents' pages is
tests/e2e/test_wish_lifecycle.py.)"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.harness import key_client, session_client
from tests.wishes.claim_helpers import _media_in_tmp, upload, volunteer  # noqa: F401
from volunteers.models import RecordSource, RecordStatus, ServiceRecord
from wishes.models import ClaimStatus, Wish, WishClaim, WishStatus

pytestmark = pytest.mark.django_db

LIST = "/api/v1/wishes/"


def test_a_relayed_wish_is_published_claimed_fulfilled_and_confirmed_through_the_api(client, world):
    partner = key_client(world.haishu, ["read", "wishes:write"], partner="宁波12345热线")
    created = partner.post(
        LIST,
        {
            "name": "王小梅",
            "mobile": "13812345678",
            "community": world.haishu_community.code,
            "category": "elderly_disabled",
            "title": "想要一把轮椅",
            "description": "老伴腿脚不便。",
            "value": "450",
            "consent": True,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    wish_id = created.json()["id"]
    wish_url = f"{LIST}{wish_id}/"

    client.force_login(world.haishu_community_staff)
    assert client.post(reverse("wishes:moderation_approve", args=[wish_id])).status_code == 302
    assert partner.get(wish_url).json()["status"] == "published"

    me = volunteer(world, name="张子轩")
    api = session_client(me.user)
    staff = session_client(world.haishu_community_staff)
    # Out of order: nothing to confirm or fulfil before a claim.
    assert staff.post(f"{wish_url}confirm/", {"rating": "satisfied"}, format="json").status_code == 409
    assert (
        api.post(f"{wish_url}fulfil/", {"note": "x", "hours": "1", "evidence": upload()}).status_code == 404
    )

    claimed = api.post(f"{wish_url}claim/", {}, format="json")
    assert claimed.status_code == 201, claimed.content
    assert claimed.json()["wish_status"] == "claimed"
    assert staff.post(f"{wish_url}confirm/", {"rating": "satisfied"}, format="json").status_code == 409
    fulfilled = api.post(
        f"{wish_url}fulfil/", {"note": "轮椅已送到", "hours": "2", "evidence": upload()}, format="multipart"
    )
    assert fulfilled.status_code == 200, fulfilled.content
    assert api.post(f"{wish_url}claim/", {}, format="json").status_code == 409
    confirmed = staff.post(f"{wish_url}confirm/", {"rating": "mostly", "thanks": "谢谢"}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    again = staff.post(f"{wish_url}confirm/", {"rating": "satisfied"}, format="json")
    assert again.status_code == 409

    detail = partner.get(wish_url)
    data = detail.json()
    assert data["status"] == "confirmed"
    assert [event["kind"] for event in data["timeline"]] == [
        "submitted",
        "approved",
        "claimed",
        "fulfilled",
        "confirmed",
    ]
    text = detail.content.decode()
    for secret in ("王小梅", "13812345678", "张子轩", me.mobile, created.json()["tracking_code"]):
        assert secret not in text, secret

    wish = Wish.objects.get(pk=wish_id)
    assert (wish.status, wish.rating, wish.thanks) == (WishStatus.CONFIRMED, "mostly", "谢谢")
    claim = WishClaim.objects.get(wish=wish)  # one claim, the whole way
    assert (claim.volunteer, claim.status) == (me, ClaimStatus.CONFIRMED)
    record = ServiceRecord.objects.get(volunteer=me)
    assert (record.source, record.status, record.hours) == (
        RecordSource.WISH,
        RecordStatus.APPROVED,
        Decimal(2),
    )
    me.refresh_from_db()
    assert me.hours_total == 2
