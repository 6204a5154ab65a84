"""Red/yellow/green: each rule and each boundary, on ``classify`` and once through ``assess``."""

import datetime as dt

import pytest
from django.utils import timezone

from brands.models import ActivityKind
from brands.selectors.activities import add_months
from portal.stats import health
from portal.stats.health import Facts, Thresholds, classify
from portal.stats.models import BranchHealth

T = Thresholds(quiet_days=60, green_attendance=80, red_attendance=60, wish_wait_days=7)
AS_OF = dt.date(2026, 10, 31)


def facts(**overrides) -> Facts:
    base = {
        "last_activity": AS_OF,
        "theme_day_months": 3,
        "attendees": 80,
        "expected": 100,
        "waiting_wishes": 0,
    }
    return Facts(**{**base, **overrides})


def codes(reasons) -> list[str]:
    return [r["code"] for r in reasons]


def test_green_when_every_rule_is_met_at_the_boundary():
    assert classify(facts(), as_of=AS_OF, t=T) == ("green", [])


@pytest.mark.parametrize(("days", "colour"), [(59, "green"), (60, "red"), (61, "red")])
def test_quiet_days_boundary(days, colour):
    colour_got, reasons = classify(facts(last_activity=AS_OF - dt.timedelta(days=days)), as_of=AS_OF, t=T)
    assert colour_got == colour
    assert ("quiet" in codes(reasons)) == (colour == "red")


def test_no_record_at_all_is_red():
    colour, reasons = classify(facts(last_activity=None, expected=0, attendees=0), as_of=AS_OF, t=T)
    assert colour == "red" and codes(reasons)[0] == "quiet"
    assert "没有任何活动记录" in health.reason_text(reasons[0])


@pytest.mark.parametrize(
    ("attendees", "colour"), [(80, "green"), (79, "yellow"), (60, "yellow"), (59, "red")]
)
def test_attendance_boundaries(attendees, colour):
    got, reasons = classify(facts(attendees=attendees), as_of=AS_OF, t=T)
    assert got == colour
    assert ("attendance" in codes(reasons)) == (colour != "green")


@pytest.mark.parametrize(("months", "colour"), [(3, "green"), (2, "yellow"), (1, "red"), (0, "red")])
def test_theme_day_months(months, colour):
    assert classify(facts(theme_day_months=months), as_of=AS_OF, t=T)[0] == colour


def test_a_waiting_wish_makes_yellow_and_red_keeps_every_reason():
    colour, reasons = classify(facts(waiting_wishes=2), as_of=AS_OF, t=T)
    assert colour == "yellow" and codes(reasons) == ["wish_waiting"]
    colour, reasons = classify(facts(waiting_wishes=2, attendees=10), as_of=AS_OF, t=T)
    assert colour == "red" and codes(reasons) == ["attendance", "wish_waiting"]


@pytest.mark.django_db
def test_assess_builds_the_facts_and_counts_red_months_in_a_row(world, settings):
    from tests.brands.activity_factories import RecordFactory
    from tests.wishes.factories import WishFactory

    month = health.latest_month()
    # Haishu: a theme day in each of the three months, attendance 3/3: green, but for a waiting wish.
    for n in range(3):
        day = add_months(month, -n) + dt.timedelta(days=9)
        started = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        RecordFactory(
            organization=world.haishu_branch,
            kind=ActivityKind.THEME_DAY,
            started_at=started,
            attendee_count=3,
        )
    WishFactory(community=world.haishu_community, published_at=timezone.now() - dt.timedelta(days=8))
    # Jiangbei: nothing at all: red, both months.
    health.assess_recent()
    haishu = BranchHealth.objects.get(organization=world.haishu_branch, month=month)
    assert haishu.colour == "yellow" and codes(haishu.reasons) == ["wish_waiting"]
    assert haishu.attendance_rate == 100
    jiangbei = BranchHealth.objects.get(organization=world.jiangbei_branch, month=month)
    assert jiangbei.colour == "red" and jiangbei.red_streak == 2
    health.assess_recent()  # idempotent
    assert BranchHealth.objects.filter(month=month).count() == 2
    assert BranchHealth.objects.get(organization=world.jiangbei_branch, month=month).red_streak == 2
