"""ID numbers at sign-up: GB 11643 check digit and birth date verified, 15-digit legacy refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from portal.validators import id_check_digit
from tests.factories import make_id_number
from volunteers.services.registration import LEGACY_ID_NUMBER, clean_id_number


def test_a_valid_number_is_accepted_and_normalized():
    number = make_id_number(dt.date(1990, 2, 28))
    assert clean_id_number(f" {number.lower()} ") == number


def test_an_x_check_digit_is_accepted():
    # Find a serial whose check digit is X: the 11th of the 0..10 residues.
    first17 = next(
        f"33020319900228{n:03d}" for n in range(1000) if id_check_digit(f"33020319900228{n:03d}") == "X"
    )
    assert clean_id_number(first17 + "x") == first17 + "X"


def test_a_wrong_check_digit_is_refused():
    number = make_id_number()
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(ValidationError) as caught:
        clean_id_number(number[:17] + wrong)
    assert caught.value.code == "id_checksum"


@pytest.mark.parametrize("birth", ["19900230", "19901301", "20990101", "18991231"])
def test_an_impossible_birth_date_is_refused(birth):
    first17 = f"330203{birth}001"
    with pytest.raises(ValidationError) as caught:
        clean_id_number(first17 + id_check_digit(first17))
    assert caught.value.code == "id_date"


def test_a_fifteen_digit_legacy_number_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as caught:
        clean_id_number("330203900228123")
    assert caught.value.code == "id_legacy"
    assert caught.value.messages == [str(LEGACY_ID_NUMBER)]
