"""Receipts and withdrawals racing on PostgreSQL (real row locks): two tabs confirming the same
receipt count it once; a withdrawal and a receipt at the same moment leave one of them, and the
received amount always matches the pledge's final status."""

from collections import Counter
from decimal import Decimal

import pytest

from portal.errors import IllegalTransition
from tests.factories import UserFactory
from tests.harness import run_together
from tests.wishes.market_factories import PledgeFactory, WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import Pledge, PledgeStatus, WelfareProject
from wishes.services.market import pledge_create, pledge_receive, pledge_withdraw, project_close

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def attempt(service, **kwargs):
    def run() -> str:
        try:
            service(**kwargs)
        except IllegalTransition:
            return "refused"
        return "done"

    return run


def test_ten_tabs_confirming_one_receipt_count_it_once(world):
    project = WelfareProjectFactory(region=world.haishu_community)
    pledge = PledgeFactory(project=project, amount=Decimal("2000"))
    staff = [world.haishu_community_staff, world.haishu_staff, world.haishu_street_staff, world.city_staff]
    attempts = [
        attempt(pledge_receive, actor=staff[i % 4], pledge=Pledge.objects.get(pk=pledge.pk))
        for i in range(10)
    ]
    assert run_together(attempts) == Counter({"done": 1, "refused": 9})
    project.refresh_from_db()
    assert project.received_amount == Decimal("2000")


def test_a_withdrawal_and_a_receipt_at_once_leave_one_and_the_sum_right(world):
    rep = UserFactory()
    org = WelfareOrganizationFactory(region=world.haishu, representatives=[rep])
    project = WelfareProjectFactory(region=world.haishu_community)
    for _ in range(5):
        pledge = PledgeFactory(project=project, organization=org, amount=Decimal("100"))
        outcomes = run_together(
            [
                attempt(
                    pledge_withdraw,
                    actor=rep,
                    pledge=Pledge.objects.select_related("organization").get(pk=pledge.pk),
                ),
                attempt(pledge_receive, actor=world.haishu_staff, pledge=Pledge.objects.get(pk=pledge.pk)),
            ]
        )
        assert outcomes == Counter({"done": 1, "refused": 1})
    received = Pledge.objects.filter(project=project, status=PledgeStatus.RECEIVED).count()
    project.refresh_from_db()
    assert project.received_amount == Decimal("100") * received


def test_pledges_racing_a_close_never_land_after_it(world):
    project = WelfareProjectFactory(region=world.haishu_community)
    reps = [UserFactory() for _ in range(12)]
    orgs = [WelfareOrganizationFactory(region=world.haishu, representatives=[rep]) for rep in reps]
    attempts = [
        attempt(pledge_create, actor=rep, project=project, organization=org, amount=Decimal("10"))
        for rep, org in zip(reps, orgs, strict=True)
    ]
    attempts.append(
        attempt(project_close, actor=world.haishu_staff, project=WelfareProject.objects.get(pk=project.pk))
    )
    outcomes = run_together(attempts)
    assert sum(outcomes.values()) == 13 and set(outcomes) <= {"done", "refused"}
    # Every pledge that got in was committed before the close: the close waited for its lock.
    assert project.pledges.count() == outcomes["done"] - 1
