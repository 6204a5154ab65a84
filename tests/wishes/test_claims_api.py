"""POST /api/v1/wishes/{id}/claim|release|fulfil|confirm/: the services behind a person's session.

Who may do what: an active volunteer claims, releases and fulfils their own claim; staff in scope
confirm; another district's staff get 404; a partner key (a system, not a person) gets 403.
"""

from __future__ import annotations

import pytest

from tests.harness import key_client, session_client
from tests.wishes.claim_helpers import _media_in_tmp, claimed, fulfilled, published, upload, volunteer  # noqa: F401
from wishes.models import ClaimStatus, WishClaim, WishStatus

pytestmark = pytest.mark.django_db


def url(wish, action: str) -> str:
    return f"/api/v1/wishes/{wish.pk}/{action}/"


def test_a_volunteer_claims_and_the_next_gets_409(world):
    wish = published(world, resident_name="王小梅", resident_mobile="13812345678")
    response = session_client(volunteer(world).user).post(url(wish, "claim"), {}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["wish_status"] == "claimed"
    assert "王小梅" not in response.content.decode() and "13812345678" not in response.content.decode()
    lost = session_client(volunteer(world).user).post(url(wish, "claim"), {}, format="json")
    assert lost.status_code == 409
    assert lost.json()["error"]["code"] == "already_claimed"
    assert "已被认领" in lost.json()["error"]["message"]


def test_a_partner_key_is_not_a_person(world):
    wish = published(world)
    client = key_client(world.haishu, scopes=["read", "wishes:write"])
    assert client.post(url(wish, "claim"), {}, format="json").status_code == 403
    assert WishClaim.objects.count() == 0


def test_staff_without_a_volunteer_profile_cannot_claim(world):
    wish = published(world)
    assert session_client(world.haishu_staff).post(url(wish, "claim"), {}, format="json").status_code == 403


def test_a_huge_or_unknown_id_is_404(world):
    client = session_client(volunteer(world).user)
    assert client.post("/api/v1/wishes/99999999999999999999999999999/claim/", {}).status_code == 404
    assert client.post("/api/v1/wishes/424242/claim/", {}).status_code == 404
    assert client.post(url(published(world), "claim"), {"team": 10**30}, format="json").status_code == 400


def test_the_claimant_fulfils_with_a_photo_and_staff_confirm(world):
    claim = claimed(world)
    client = session_client(claim.claimed_by)
    response = client.post(
        url(claim.wish, "fulfil"), {"note": "送到了", "hours": "2", "evidence": upload()}, format="multipart"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "fulfilled"
    confirm = session_client(world.haishu_community_staff).post(
        url(claim.wish, "confirm"), {"rating": "satisfied", "thanks": "谢谢"}, format="json"
    )
    assert confirm.status_code == 200, confirm.content
    assert confirm.json()["resident"] == "王*梅"
    claim.wish.refresh_from_db()
    assert claim.wish.status == WishStatus.CONFIRMED


def test_a_file_that_is_not_an_image_is_refused(world):
    claim = claimed(world)
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    response = session_client(claim.claimed_by).post(
        url(claim.wish, "fulfil"), {"note": "好", "hours": "2", "evidence": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "evidence" in response.json()["error"]["fields"]
    assert WishClaim.objects.get(pk=claim.pk).status == ClaimStatus.ACTIVE


def test_staff_of_another_district_cannot_confirm_404(world):
    claim = fulfilled(world)
    response = session_client(world.jiangbei_staff).post(url(claim.wish, "confirm"), {"rating": "satisfied"})
    assert response.status_code == 404
    assert (
        session_client(claim.claimed_by).post(url(claim.wish, "confirm"), {"rating": "satisfied"}).status_code
        == 404
    )


def test_illegal_transitions_are_409(world):
    claim = claimed(world)
    client = session_client(claim.claimed_by)
    staff = session_client(world.haishu_community_staff)
    assert staff.post(url(claim.wish, "confirm"), {"rating": "satisfied"}).status_code == 409
    assert client.post(url(claim.wish, "release"), {}, format="json").status_code == 200
    # Released: no live claim of mine on this wish any more.
    assert client.post(url(claim.wish, "release"), {}, format="json").status_code == 404


def test_someone_elses_claim_is_not_mine_to_release(world):
    claim = claimed(world)
    other = session_client(volunteer(world).user)
    assert other.post(url(claim.wish, "release"), {}, format="json").status_code == 404
