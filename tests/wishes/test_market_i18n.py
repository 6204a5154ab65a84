"""The market's public pages in English (Accept-Language: en): everything but the data."""

from decimal import Decimal

from django.urls import reverse

from tests.portal.test_i18n import CJK, visible_text
from tests.wishes.market_factories import PledgeFactory, WelfareProjectFactory


def test_the_empty_market_is_english(client, db):
    html = client.get(reverse("wishes:market"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert not CJK.findall(visible_text(html).replace("简体中文", ""))


def test_a_project_page_is_english_apart_from_its_data(client, world):
    project = WelfareProjectFactory(region=world.haishu_community, target_amount=Decimal("5000"))
    pledge = PledgeFactory(project=project, amount=Decimal("100"), goods="米 10 袋")
    html = client.get(reverse("wishes:market_project", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en")
    text = visible_text(html.content.decode()).replace("简体中文", "")
    org = pledge.organization
    for data in (project.title, project.description, project.beneficiaries, project.target_goods,
                 world.haishu_community.name, org.name, "李*爱", "米 10 袋"):  # fmt: skip
        text = text.replace(data, "")
    assert not CJK.findall(text), CJK.findall(text)
