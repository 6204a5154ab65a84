"""Unified social credit codes (GB 32100-2015): the check character catches typing mistakes."""

import pytest
from django.core.exceptions import ValidationError

from portal.validators import credit_code_check_char, normalize_credit_code, validate_credit_code

# Real codes, as printed on business licences (an enterprise in Beijing, one in Shenzhen, the
# standard's own example).
REAL_CODES = ["91110000802100433B", "91440300708461136T", "91350100M000100Y43"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_it_accepts_real_codes(code):
    validate_credit_code(code)


def test_it_accepts_a_code_typed_in_lower_case_with_spaces():
    assert normalize_credit_code(" 9111 0000 8021-0043 3b ") == "91110000802100433B"
    validate_credit_code(" 9111 0000 8021-0043 3b ")


def test_a_check_character_of_zero_is_written_0():
    # 31 - (sum mod 31) is 31 when the sum divides by 31: that is written 0, not an index error.
    for n in range(2000):
        first17 = f"91330203{n:09d}"
        assert credit_code_check_char(first17) in "0123456789ABCDEFGHJKLMNPQRTUWXY"


@pytest.mark.parametrize(
    "typo",
    [
        "91110000802100434B",  # one digit wrong
        "91110000801200433B",  # two neighbours swapped
        "91440300708461136U",  # wrong check character
        "91350100M000100Y44",
    ],
)
def test_it_refuses_a_typo_by_its_check_character(typo):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(typo)
    assert error.value.code == "credit_code_checksum"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "9111000080210043",  # too short
        "91110000802100433BX",  # too long
        "91110000802100433I",  # I is not in the alphabet
        "9111000O802100433B",  # O for 0
        "91ABCDEF802100433B",  # the area code must be digits
        "９１１１００００８０２１００４３３Ｂ",  # full-width
        "91１１００００802100433B",  # full-width digits in the area code
    ],
)
def test_it_refuses_what_is_not_an_18_character_code(bad):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(bad)
    assert error.value.code == "credit_code_format"
