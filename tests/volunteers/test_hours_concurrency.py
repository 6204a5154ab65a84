"""Reviewers deciding the same record at the same moment, on PostgreSQL (real row locks): the
hours are added once; concurrent corrections each start from the figure the previous one left;
concurrent approvals of one volunteer's records add up exactly."""

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest

from portal.errors import IllegalTransition
from tests.harness import run_together
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, approved_record
from volunteers.models import HoursCorrection, ServiceRecord, Volunteer, VolunteerYear
from volunteers.services.hours import record_approve, record_correct, record_decline

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def decide(pk: int, reviewer, approve: bool) -> Callable[[], str]:
    # Read before the barrier: every thread sees the record pending.
    record = ServiceRecord.objects.select_related("volunteer", "region", "event", "team").get(pk=pk)

    def attempt() -> str:
        try:
            if approve:
                record_approve(actor=reviewer, record=record)
            else:
                record_decline(actor=reviewer, record=record, reason="重复")
        except IllegalTransition:
            return "refused"
        return "decided"

    return attempt


def test_ten_reviewers_deciding_one_record_add_its_hours_once(world):
    volunteer = VolunteerFactory(community=world.haishu_community)
    record = RecordFactory(volunteer=volunteer, hours=Decimal("3"))
    reviewers = [
        world.haishu_staff,
        world.haishu_street_staff,
        world.haishu_community_staff,
        world.city_staff,
    ]
    attempts = [decide(record.pk, reviewers[i % 4], approve=i % 3 != 0) for i in range(10)]
    assert run_together(attempts) == Counter({"decided": 1, "refused": 9})
    volunteer.refresh_from_db()
    record.refresh_from_db()
    assert volunteer.hours_total == (Decimal("3") if record.status == "approved" else 0)


def test_concurrent_approvals_of_one_volunteer_add_up(world):
    volunteer = VolunteerFactory(community=world.haishu_community)
    records = [RecordFactory(volunteer=volunteer, hours=Decimal("1.25")) for _ in range(12)]
    assert run_together([decide(r.pk, world.haishu_staff, approve=True) for r in records]) == Counter(
        {"decided": 12}
    )
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == Decimal("15")
    assert VolunteerYear.objects.get(volunteer=volunteer).hours == Decimal("15")


def test_concurrent_corrections_apply_one_after_the_other(world):
    volunteer = VolunteerFactory(community=world.haishu_community)
    record = approved_record(volunteer, world.haishu_staff, hours=Decimal("8"))

    def correct(hours: str) -> Callable[[], str]:
        stale = ServiceRecord.objects.select_related("volunteer").get(pk=record.pk)
        return lambda: str(
            record_correct(actor=world.haishu_staff, record=stale, hours=Decimal(hours), reason="复核")
        )

    outcomes = run_together([correct(h) for h in ("6", "5", "4", "3")])
    assert sum(outcomes.values()) == 4
    chain = list(
        HoursCorrection.objects.filter(record=record).order_by("id").values_list("old_hours", "new_hours")
    )
    assert chain[0][0] == Decimal("8")
    assert all(previous[1] == following[0] for previous, following in zip(chain, chain[1:], strict=False))
    record.refresh_from_db()
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == record.hours == chain[-1][1]
