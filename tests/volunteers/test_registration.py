"""Sign-up: an applicant account in the chosen community, one person one account, party members linked."""

import datetime as dt

from portal.models import Role, RoleAssignment
from portal.privacy import hash_id_number
from tests.factories import make_id_number
from tests.volunteers.helpers import signup_data
from volunteers.models import Volunteer, VolunteerStatus
from volunteers.services.registration import ID_NUMBER_REGISTERED


def test_a_visitor_registers_with_a_new_account_and_lands_on_my_page(client, world):
    response = client.post("/volunteers/register/", signup_data(world.haishu_community))
    assert response.status_code == 302 and response.url == "/volunteers/me/"
    volunteer = Volunteer.objects.get()
    assert volunteer.status == VolunteerStatus.APPLICANT
    assert volunteer.user.username == "nana" and volunteer.user.check_password("Zhiyuan-2026-fuwu")
    assert volunteer.community == world.haishu_community and volunteer.district_code == "330203"
    assert volunteer.id_number_masked.startswith("330") and "*" in volunteer.id_number_masked
    assert RoleAssignment.objects.filter(user=volunteer.user, role=Role.VOLUNTEER).exists()
    assert "待审核" in client.get("/volunteers/me/").content.decode()


def test_a_signed_in_user_registers_without_account_fields(client, world):
    client.force_login(world.volunteer)
    page = client.get("/volunteers/register/").content.decode()
    assert 'name="password"' not in page
    response = client.post("/volunteers/register/", signup_data(world.haishu_community, username=""))
    assert response.status_code == 302
    assert Volunteer.objects.get().user == world.volunteer


def test_a_second_registration_with_the_same_id_number_is_refused_without_naming_anyone(client, world):
    number = make_id_number()
    client.post("/volunteers/register/", signup_data(world.haishu_community, id_number=number))
    client.logout()
    second = signup_data(world.jiangbei_community, id_number=number, username="other", name="王小梅")
    response = client.post("/volunteers/register/", second)
    page = response.content.decode()
    assert response.status_code == 200
    assert str(ID_NUMBER_REGISTERED) in page
    assert "欧阳" not in page and "nana" not in page
    assert Volunteer.objects.count() == 1


def test_a_matching_party_member_is_linked_and_shown_as_party_member(client, world):
    number = make_id_number(dt.date(1980, 5, 17))
    member = world.haishu_members[0]
    member.id_number_hash = hash_id_number(number)
    member.save(update_fields=["id_number_hash"])
    client.post("/volunteers/register/", signup_data(world.haishu_community, id_number=number))
    volunteer = Volunteer.objects.get()
    assert volunteer.member == member
    page = client.get("/volunteers/me/").content.decode()
    assert "党员" in page
    assert member.name not in page and member.organization.name not in page


def test_consent_is_required(client, world):
    data = signup_data(world.haishu_community)
    del data["consent"]
    response = client.post("/volunteers/register/", data)
    assert response.status_code == 200 and not Volunteer.objects.exists()
    assert 'href="/volunteers/privacy/"' in response.content.decode()


def test_a_fifteen_digit_number_is_refused_with_a_clear_message(client, world):
    response = client.post(
        "/volunteers/register/", signup_data(world.haishu_community, id_number="330203900228123")
    )
    assert "15位旧身份证号已停止使用" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_the_picker_moves_from_district_to_street_to_community_without_javascript(client, world):
    page = client.get("/volunteers/register/").content.decode()
    assert world.haishu.name in page and world.haishu_street.name not in page
    data = {"name": "欧阳娜娜", "district": world.haishu.code, "pick_district": "1", "password": "secret"}
    page = client.post("/volunteers/register/", data).content.decode()
    assert world.haishu_street.name in page and world.jiangbei_street.name not in page
    assert "欧阳娜娜" in page and "secret" not in page  # entries kept, the password never echoed
    assert "field-invalid" not in page  # moving the picker judges nothing
    data.update(street=world.haishu_street.code, pick_street="1")
    del data["pick_district"]
    page = client.post("/volunteers/register/", data).content.decode()
    assert world.haishu_community.name in page


def test_a_community_outside_the_chosen_street_is_refused(client, world):
    data = signup_data(world.haishu_community, community=world.jiangbei_community.code)
    response = client.post("/volunteers/register/", data)
    assert response.status_code == 200 and not Volunteer.objects.exists()


def test_in_service_members_give_their_work_unit(client, world):
    data = signup_data(world.haishu_community, is_in_service="on", work_unit="")
    response = client.post("/volunteers/register/", data)
    assert "在职党员请填写工作单位" in response.content.decode()
    assert not Volunteer.objects.exists()
