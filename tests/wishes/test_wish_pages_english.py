"""The residents' wish pages are fully English under Accept-Language: en, apart from the data
(place names, the wish's own text)."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.portal.test_i18n import CJK, visible_text
from tests.wishes.factories import WishFactory


@pytest.fixture(autouse=True)
def _back_to_chinese(settings):
    # The locale middleware leaves English active in this thread: later tests expect the default.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def english(client, url: str, data: tuple[str, ...] = (), **kwargs) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    text = visible_text(response.content.decode()).replace("简体中文", "")
    for value in sorted(data, key=len, reverse=True):  # 海曙区一社区 before 海曙区
        text = text.replace(value, "")
    return text


@pytest.mark.parametrize("url_name", ["wishes:wish_new", "wishes:track", "wishes:privacy"])
def test_the_plain_pages(client, db, url_name):
    text = english(client, reverse(url_name))
    assert not CJK.findall(text), text


def test_the_place_steps_and_the_form(client, world):
    places = tuple(
        r.name for r in (world.haishu, world.jiangbei, world.haishu_street, world.haishu_community)
    )
    chosen = {"district": world.haishu.code, "street": world.haishu_street.code}
    text = english(
        client,
        reverse("wishes:wish_new") + f"?district={chosen['district']}&street={chosen['street']}",
        places,
    )
    assert not CJK.findall(text), text
    text = english(client, reverse("wishes:wish_new") + f"?community={world.haishu_community.code}", places)
    assert "Tell us your wish" in text and "Help for the elderly and disabled" in text
    assert not CJK.findall(text), text


def test_the_tracking_page_and_a_code_not_found(client, world):
    wish = WishFactory(community=world.haishu_community, title="轮椅", description="需要轮椅")
    data = (
        "轮椅",
        "需要轮椅",
        "王*梅",
        world.haishu.name,
        world.haishu_street.name,
        world.haishu_community.name,
    )
    text = english(client, reverse("wishes:track_wish", args=[wish.tracking_code]), data)
    assert "Published" in text and not CJK.findall(text), text
    text = english(client, reverse("wishes:track_wish", args=["ACDEFGHJKM"]))
    assert "No wish has this tracking code" in text and not CJK.findall(text), text


def test_a_fulfilled_wish_asks_for_the_confirmation_in_english(client, world, settings, tmp_path):
    from tests.wishes.claim_helpers import fulfilled

    settings.MEDIA_ROOT = tmp_path / "media"
    claim = fulfilled(world)
    wish = claim.wish
    data = (wish.title, wish.description, "王*梅", claim.claimant_name, claim.fulfil_note)
    places = (world.haishu.name, world.haishu_street.name, world.haishu_community.name)
    text = english(client, reverse("wishes:track_wish", args=[wish.tracking_code]), data + places)
    assert "Confirm and rate" in text and not CJK.findall(text), text
