"""The tracking code (查询码): unguessable (at least 40 random bits) and easy to read aloud."""

import math

from wishes.models import TRACKING_ALPHABET, TRACKING_LENGTH, format_tracking_code, new_tracking_code
from wishes.selectors.submission import normalize_code

LOOK_ALIKES = set("0O1IL2Z5S8B")


def test_it_carries_at_least_40_random_bits():
    assert TRACKING_LENGTH * math.log2(len(set(TRACKING_ALPHABET))) >= 40
    codes = {new_tracking_code() for _ in range(2000)}
    assert len(codes) == 2000  # no repeats in a sample: drawn at random, not counted up


def test_its_alphabet_has_no_look_alikes_and_every_character_is_used():
    assert not LOOK_ALIKES & set(TRACKING_ALPHABET)
    assert TRACKING_ALPHABET.upper() == TRACKING_ALPHABET and len(set(TRACKING_ALPHABET)) == len(
        TRACKING_ALPHABET
    )
    seen = set("".join(new_tracking_code() for _ in range(500)))
    assert seen == set(TRACKING_ALPHABET)


def test_it_is_shown_in_groups_and_read_back_however_typed():
    code = "ACD47FGHJK"
    assert format_tracking_code(code) == "ACD4-7FGH-JK"
    for typed in ("acd4-7fgh-jk", " ACD4 7FGH JK ", "Acd4_7fgh.jk"):
        assert normalize_code(typed) == code
    for wrong in ("ACD4-7FGH-J", "ACD0-7FGH-JK", "", "x" * 100):
        assert normalize_code(wrong) is None
