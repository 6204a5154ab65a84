"""一年一考评: base points plus the year's events give the score; the thresholds (settings) rate it,
each threshold itself included in the higher rating."""

import datetime as dt

import pytest

from fengling import totals
from fengling.models import Rating, YearlyRating
from fengling.selectors import rating_for
from tests.fengling.conftest import add_event


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (120, Rating.EXCELLENT),
        (95, Rating.EXCELLENT),
        (94, Rating.QUALIFIED),
        (75, Rating.QUALIFIED),
        (74, Rating.BASIC),
        (60, Rating.BASIC),
        (59, Rating.UNQUALIFIED),
        (0, Rating.UNQUALIFIED),
    ],
)
def test_the_default_thresholds(score, rating):
    assert rating_for(score) == rating


def test_thresholds_come_from_settings(settings):
    settings.FENGLING_EXCELLENT = 100
    assert rating_for(99) == Rating.QUALIFIED
    assert rating_for(100) == Rating.EXCELLENT


@pytest.mark.parametrize(
    ("deltas", "score", "rating"),
    [
        ([5, 5, 5], 95, Rating.EXCELLENT),  # base 80 + 15: exactly on the threshold
        ([5, 5, 2, 2], 94, Rating.QUALIFIED),
        ([-5], 75, Rating.QUALIFIED),
        ([-5, -1], 74, Rating.BASIC),
        ([-5, -5, -5, -5], 60, Rating.BASIC),
        ([-5, -5, -5, -5, -1], 59, Rating.UNQUALIFIED),
    ],
)
def test_a_members_year_is_rated_at_the_boundaries(world, community_behaviour, deltas, score, rating):
    member = world.haishu_members[0]
    positive, negative = community_behaviour("S3"), community_behaviour("D4")
    months = set()
    for i, delta in enumerate(deltas):
        day = dt.date(2026, 1 + i, 10)  # one event a month: the limits do not matter here
        add_event(member, positive if delta > 0 else negative, day, points=delta)
        months.add(day.replace(day=1))
    totals.compute_months(sorted(months))
    year = YearlyRating.objects.get(member=member, year=2026)
    assert (year.score, year.rating) == (score, rating)


def test_the_job_rates_by_the_thresholds_in_settings(world, community_behaviour, settings):
    # The job rates in SQL from the same steps rating_for reads (selectors.rating_steps).
    settings.FENGLING_EXCELLENT, settings.FENGLING_BASE_POINTS = 82, 78
    member = world.haishu_members[0]
    add_event(member, community_behaviour("S3"), dt.date(2026, 3, 10), points=4)
    totals.compute_months([dt.date(2026, 3, 1)])
    year = YearlyRating.objects.get(member=member, year=2026)
    assert (year.score, year.rating) == (82, Rating.EXCELLENT) == (82, rating_for(82))
