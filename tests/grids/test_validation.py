"""ID numbers and mobiles are checked by the member form with clear messages, and never shown in full."""

import datetime as dt

import pytest
from django.urls import reverse

from grids.forms import MemberForm
from grids.models import PartyMember
from portal.validators import id_check_digit, id_gender
from tests.factories import make_id_number

BIRTH = dt.date(1985, 3, 9)


def with_check_digit(first17: str) -> str:
    return first17 + id_check_digit(first17)


def member_data(world, **overrides) -> dict:
    id_number = overrides.pop("id_number", None) or make_id_number(BIRTH)
    data = {
        "name": "王小梅",
        "gender": id_gender(id_number) if len(id_number) == 18 else "F",
        "id_number": id_number,
        "birth_date": BIRTH.isoformat(),
        "join_date": "2010-07-01",
        "status": "full",
        "organization": world.haishu_branch.pk,
        "mobile": "13812345678",
    }
    return {**data, **overrides}


def errors_of(world, **overrides) -> dict:
    form = MemberForm(member_data(world, **overrides), actor=world.haishu_staff)
    assert not form.is_valid()
    return form.errors


def test_a_valid_id_number_and_mobile_pass(world):
    id_number = with_check_digit("33020319850309118")
    assert id_number.endswith("X")  # the check digit of this number is X: typed in lower case below
    form = MemberForm(
        member_data(world, id_number=id_number.lower(), mobile="+86 138-1234-5678"), actor=world.haishu_staff
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["id_number"] == id_number
    assert form.cleaned_data["mobile"] == "13812345678"


def test_a_wrong_check_digit_is_refused(world):
    good = make_id_number(BIRTH)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert errors_of(world, id_number=bad)["id_number"] == ["身份证号校验位不正确，请核对。"]


@pytest.mark.parametrize("birth", ["19851332", "19850230", "21000101", "18991231"])
def test_an_impossible_birth_date_in_the_id_number_is_refused(world, birth):
    id_number = with_check_digit(f"330203{birth}123")
    assert errors_of(world, id_number=id_number)["id_number"] == ["身份证号中的出生日期无效。"]


@pytest.mark.parametrize("id_number", ["33020319850309123", "3302031985030912345", "33020319850309123A"])
def test_a_malformed_id_number_is_refused(world, id_number):
    assert errors_of(world, id_number=id_number)["id_number"] == ["身份证号应为18位，最后一位可为数字或X。"]


def test_an_id_number_is_required_for_a_new_member(world):
    assert errors_of(world, id_number=" ")["id_number"] == ["该字段是必填项。"]


def test_birth_date_and_gender_must_agree_with_the_id_number(world):
    id_number = make_id_number(BIRTH)
    other = "F" if id_gender(id_number) == "M" else "M"
    errors = errors_of(world, id_number=id_number, birth_date="1985-03-10", gender=other)
    assert errors["birth_date"] == ["出生日期与身份证号不一致。"]
    assert errors["gender"] == ["性别与身份证号不一致。"]


@pytest.mark.parametrize("mobile", ["1381234567", "138123456789", "1381234567a"])
def test_a_mobile_of_the_wrong_length_is_refused(world, mobile):
    assert errors_of(world, mobile=mobile)["mobile"] == ["手机号应为11位数字。"]


@pytest.mark.parametrize("mobile", ["12812345678", "23812345678", "10012345678"])
def test_a_mobile_with_a_wrong_prefix_is_refused(world, mobile):
    assert errors_of(world, mobile=mobile)["mobile"] == ["手机号应以13至19开头。"]


def test_the_mobile_may_be_left_empty(world):
    form = MemberForm(member_data(world, mobile=""), actor=world.haishu_staff)
    assert form.is_valid(), form.errors


def test_pages_never_show_the_full_mobile_or_id_number(client, world):
    client.force_login(world.haishu_staff)
    id_number = make_id_number(BIRTH)
    data = member_data(world, id_number=id_number, mobile="13912345678")
    response = client.post(reverse("grids:member_create"), data)
    member = PartyMember.objects.get(name="王小梅")
    assert response.status_code == 302
    # An edit leaves a history entry with the old and new mobile in it.
    edit = {**data, "id_number": "", "mobile": "13712345678"}
    assert client.post(reverse("grids:member_edit", args=[member.pk]), edit).status_code == 302

    pages = [
        reverse("grids:member_list"),
        reverse("grids:member_list") + "?q=王",
        reverse("grids:member_detail", args=[member.pk]),
        reverse("grids:member_edit", args=[member.pk]),
        reverse("grids:organization_detail", args=[world.haishu_branch.pk]),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        for secret in (id_number, "13912345678", "13712345678"):
            assert secret not in html, url
        assert f"{id_number[:3]}***********{id_number[-4:]}" in html, url
        assert "137****5678" in html, url
    detail = client.get(reverse("grids:member_detail", args=[member.pk])).content.decode()
    assert "139****5678 → 137****5678" in detail  # the history masks the old number too
