import pytest
from django.core.exceptions import ValidationError

from portal.privacy import hash_id_number, mask_id_number, mask_mobile, mask_name
from portal.validators import id_gender, validate_id_number, validate_mobile
from tests.factories import make_id_number

GOOD_ID = "11010519491231002X"  # the standard's own worked example


def test_it_accepts_a_number_with_a_correct_check_digit():
    validate_id_number(GOOD_ID)
    validate_id_number(GOOD_ID.lower())  # a lower-case x is the same number
    validate_id_number(make_id_number())


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("110105194912310021", "id_checksum"),  # last digit wrong
        ("110105194913310027", "id_date"),  # month 13
        ("110105194902300027", "id_date"),  # 30 February
        ("110105219912310027", "id_date"),  # born in the future
        ("11010519491231002", "id_length"),  # 17 characters
        ("1101051949123100211", "id_length"),  # 19 characters
        ("11010519491231002Y", "id_length"),  # not a digit nor X
        ("", "id_length"),
    ],
)
def test_it_refuses_bad_numbers(value, code):
    with pytest.raises(ValidationError) as error:
        validate_id_number(value)
    assert error.value.code == code


def test_gender_comes_from_the_seventeenth_digit():
    assert id_gender(GOOD_ID) == "F"


@pytest.mark.parametrize("value", ["13812345678", "19912345678", "+86 138 1234 5678", "138-1234-5678"])
def test_it_accepts_mainland_mobiles(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["12812345678", "1381234567", "138123456789", "02787654321", "abcdefghijk"])
def test_it_refuses_bad_mobiles(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_masks_hide_the_middle():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_id_number(GOOD_ID) == "110***********002X"
    assert mask_name("王小梅") == "王*梅"
    assert mask_name("王梅") == "王*"
    assert mask_name("欧阳小小梅") == "欧***梅"


def test_the_hash_finds_duplicates_without_revealing_the_number(settings):
    assert hash_id_number(GOOD_ID) == hash_id_number(GOOD_ID.lower())
    assert GOOD_ID not in hash_id_number(GOOD_ID)
    settings.ID_NUMBER_HMAC_KEY = "another-key"
    assert hash_id_number(GOOD_ID) != hash_id_number("110105194912310037")
