"""What a stranger can read about a wish, on every public page and in every public answer: the
resident's name masked (王*梅), their mobile never, the claimant's name masked, their mobile never,
and the tracking code only on the pages its URL already holds.

The wishes: one waiting on the wall, and one confirmed with a thank-you (so the wall's thanks and
the timeline with the claimant's steps are shown too)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.wishes.claim_helpers import _media_in_tmp, claimed, photo, published, volunteer  # noqa: F401
from wishes.models import Rating
from wishes.services.claims import wish_confirm, wish_fulfil

pytestmark = pytest.mark.django_db

RESIDENT, RESIDENT_MOBILE = "王小梅", "13812345678"
CLAIMANT, CLAIMANT_MOBILE = "张子轩", "13987654321"


@pytest.fixture
def wishes(world):
    waiting = published(
        world, resident_name=RESIDENT, resident_mobile=RESIDENT_MOBILE, title="想要一台洗衣机"
    )
    done = published(world, resident_name=RESIDENT, resident_mobile="13812340000", title="想要一把轮椅")
    claim = claimed(world, wish=done, by=volunteer(world, name=CLAIMANT, mobile=CLAIMANT_MOBILE))
    wish_fulfil(claim=claim, actor=claim.claimed_by, note="轮椅已送到", hours=Decimal(2), evidence=photo())
    wish_confirm(wish=done, rating=Rating.SATISFIED, thanks="谢谢小张！", tracking_code=done.tracking_code)
    return waiting, done


def secrets(waiting, done) -> list[str]:
    return [RESIDENT, RESIDENT_MOBILE, done.resident_mobile, CLAIMANT, CLAIMANT_MOBILE]


def test_the_wall_its_live_refresh_and_open311_show_no_name_mobile_or_code(client, wishes):
    waiting, done = wishes
    answers = {  # each answer, and the wish it must be showing (so that it is not vacuously clean)
        "wall": (client.get(reverse("wishes:wall")), waiting),
        "live refresh": (client.get(reverse("wishes:wall_live")), waiting),
        "open311 list": (client.get("/open311/v2/requests.json"), done),
        "open311 wish": (client.get(f"/open311/v2/requests/{done.pk}.json"), done),
        "open311 xml": (client.get(f"/open311/v2/requests/{waiting.pk}.xml"), waiting),
    }
    for name, (response, shown) in answers.items():
        text = response.content.decode()
        assert response.status_code == 200 and shown.title in text, name
        for secret in [*secrets(waiting, done), waiting.tracking_code, done.tracking_code]:
            assert secret not in text, f"{secret} shown on the {name}"
    wall = answers["wall"][0].content.decode()
    assert "王*梅" in wall and "谢谢小张！" in wall  # the thanks are shown, masked by whom


def test_the_pages_behind_the_code_show_no_name_or_mobile(client, wishes):
    waiting, done = wishes
    pages = [
        reverse("wishes:track_wish", args=[waiting.tracking_code]),
        reverse("wishes:track_wish", args=[done.tracking_code]),
        reverse("wishes:resident_confirm", args=[done.tracking_code]),
    ]
    for url in pages:
        text = client.get(url).content.decode()
        assert "王*梅" in text, url
        for secret in secrets(waiting, done):
            assert secret not in text, f"{secret} shown on {url}"
    timeline = client.get(pages[1]).content.decode()
    assert "张*轩" in timeline  # the claimant, masked, on the resident's timeline
