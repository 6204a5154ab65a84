"""The public volunteer pages (team list, team page, certificate verification) are fully English
under Accept-Language: en, apart from the data as entered."""

import pytest
from django.urls import reverse

from tests.portal.test_i18n import CJK, visible_text
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import StationFactory, TeamFactory
from volunteers.services.certificates import new_number


@pytest.fixture
def team(world):
    leader = VolunteerFactory(community=world.haishu_community, name="张建国")
    return TeamFactory(
        station=StationFactory(region=world.haishu_street, name="鼓楼驿站", address="中山西路 1 号"),
        leader=leader,
        name="医疗队",
    )


def test_the_public_volunteer_pages_are_english(client, world, team):
    data = ["张*国", "鼓楼驿站", "中山西路 1 号", "医疗队", world.haishu_street.name, "简体中文"]
    for url in (
        reverse("volunteers:team_list"),
        reverse("volunteers:team_detail", args=[team.pk]),
        reverse("volunteers:verify_form"),
        reverse("volunteers:verify", args=[new_number()]),
    ):
        text = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
        for value in data:
            text = text.replace(value, "")
        assert not CJK.findall(text), (url, CJK.findall(text))
