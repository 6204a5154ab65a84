"""Real names at sign-up: any Chinese name (with · and rare characters) or a Latin one; never a formula."""

import pytest
from django.core.exceptions import ValidationError

from tests.volunteers.helpers import signup_data
from volunteers.models import Volunteer
from volunteers.services.registration import clean_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("欧阳娜娜", "欧阳娜娜"),
        ("阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("阿卜杜・热合曼", "阿卜杜·热合曼"),  # typed with a katakana dot
        ("吉𠮷", "吉𠮷"),  # a rare character outside the basic plane
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("Jean-Luc O'Brien", "Jean-Luc O'Brien"),
    ],
)
def test_it_accepts_real_names(typed, kept):
    assert clean_name(typed) == kept


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", "+SUM(A1)", "@foo", "-1+2"])
def test_it_refuses_formulas(formula):
    with pytest.raises(ValidationError):
        clean_name(formula)


def test_the_form_refuses_a_formula_name_and_registers_nothing(client, world):
    response = client.post(
        "/volunteers/register/", signup_data(world.haishu_community, name="=cmd|' /C calc'!A0")
    )
    assert response.status_code == 200
    assert "姓名只能由汉字" in response.content.decode()
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("name", ["阿卜杜·热合曼", "Nguyễn Văn An"])
def test_the_form_registers_a_minority_or_latin_name(client, world, name):
    response = client.post("/volunteers/register/", signup_data(world.haishu_community, name=name))
    assert response.status_code == 302, response.content.decode()
    assert Volunteer.objects.get().name == name
