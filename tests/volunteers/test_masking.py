"""Names, mobiles and ID numbers: full names only for staff who may change the volunteer; masked for
viewers and in the API; the ID number and mobile masked everywhere."""

import pytest

from tests.factories import UserFactory, assign
from tests.harness import key_client, session_client
from tests.volunteers.factories import VolunteerFactory


@pytest.fixture
def wang(world):
    return VolunteerFactory(community=world.haishu_community, name="王小梅", mobile="13812341234")


def test_staff_in_scope_see_the_full_name_and_a_masked_mobile(client, world, wang):
    client.force_login(world.haishu_community_staff)
    page = client.get("/volunteers/").content.decode()
    assert "王小梅" in page and "138****1234" in page and "13812341234" not in page


def test_a_viewer_without_change_rights_sees_masked_names(client, world, wang, view_only_role):
    viewer = assign(UserFactory(), view_only_role, region=world.haishu)
    client.force_login(viewer)
    page = client.get("/volunteers/").content.decode()
    assert "王*梅" in page and "王小梅" not in page
    detail = client.get(f"/volunteers/{wang.pk}/").content.decode()
    assert "王*梅" in detail and "王小梅" not in detail and "审核通过" not in detail


def test_the_api_masks_for_staff_and_partner_keys(world, wang):
    for client in (session_client(world.haishu_staff), key_client(world.haishu)):
        row = client.get("/api/v1/volunteers/").json()["results"][0]
        assert row["name"] == "王*梅" and row["mobile"] == "138****1234"
        assert row["id_number"].count("*") == 11
        assert "member" not in row and "id_number_hash" not in row


def test_a_partner_key_of_another_district_sees_none(world, wang):
    assert key_client(world.jiangbei).get("/api/v1/volunteers/").json()["results"] == []
