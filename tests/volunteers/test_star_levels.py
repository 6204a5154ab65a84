"""Star levels from settings.VOLUNTEER_STAR_HOURS: 1–5 stars at 100 / 300 / 600 / 1,000 / 1,500 hours."""

from decimal import Decimal

import pytest

from volunteers.models import Volunteer, star_level
from volunteers.views.hours import star_progress


@pytest.mark.parametrize(
    ("hours", "stars", "to_next"),
    [
        ("0", 0, "100"),
        ("99.5", 0, "0.5"),
        ("100", 1, "200"),
        ("299.75", 1, "0.25"),
        ("300", 2, "300"),
        ("600", 3, "400"),
        ("1000", 4, "500"),
        ("1499", 4, "1"),
        ("1500", 5, None),
        ("2000", 5, None),
    ],
)
def test_star_level_boundaries(hours, stars, to_next):
    volunteer = Volunteer(hours_total=Decimal(hours))
    assert star_level(Decimal(hours)) == volunteer.stars == stars
    assert volunteer.hours_to_next_star == (Decimal(to_next) if to_next else None)


def test_the_thresholds_come_from_settings(settings):
    settings.VOLUNTEER_STAR_HOURS = [10, 20, 30, 40, 50]
    assert star_level(Decimal("25")) == 2


def test_the_progress_bar_shows_the_way_to_the_next_star():
    assert star_progress(Volunteer(hours_total=Decimal("200")))["percent"] == 50
    assert star_progress(Volunteer(hours_total=Decimal("1500")))["next"] is None
