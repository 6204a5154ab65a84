"""Many secretaries booking one base slot at the same moment, on PostgreSQL (real row locks).

Each thread has its own database connection; the threads wait at a barrier so that their
bookings hit the database together. A count read in Python and then written would overfill the
slot here; the conditional UPDATE never does.
"""

from collections import Counter
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from brands.models import BaseBooking, BaseSlot, BookingStatus
from brands.services.bases import booking_cancel, slot_book
from portal.errors import Conflict, IllegalTransition
from portal.models import Role
from tests.brands.activity_factories import SlotFactory
from tests.factories import OrganizationFactory, UserFactory, assign
from tests.harness import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def branches_with_secretaries(world, n: int) -> list[tuple]:
    pairs = []
    for i in range(n):
        branch = OrganizationFactory(
            name=f"并发测试第{i}支部", region=world.haishu_grid, parent=world.haishu_committee
        )
        pairs.append((branch, assign(UserFactory(), Role.BRANCH_SECRETARY, organization=branch)))
    return pairs


def book_via_service(slot_pk: int, secretary, branch) -> Callable[[], str]:
    # The slot is read before the barrier: every thread starts from "booked = 0".
    slot = BaseSlot.objects.select_related("base").get(pk=slot_pk)

    def attempt() -> str:
        try:
            slot_book(actor=secretary, slot=slot, organization=branch)
        except Conflict:
            return "refused"
        return "booked"

    return attempt


def test_thirty_branches_booking_five_places_at_once_get_exactly_five(world):
    slot = SlotFactory(base__region=world.haishu_community, base__capacity=5)
    attempts = [book_via_service(slot.pk, s, b) for b, s in branches_with_secretaries(world, 30)]
    assert run_together(attempts) == Counter({"booked": 5, "refused": 25})
    slot.refresh_from_db()
    assert slot.booked == 5
    assert BaseBooking.objects.filter(slot=slot, status=BookingStatus.BOOKED).count() == 5


def test_one_branch_clicking_ten_times_at_once_holds_one_place(world):
    slot = SlotFactory(base__region=world.haishu_community, base__capacity=5)
    attempts = [book_via_service(slot.pk, world.haishu_secretary, world.haishu_branch) for _ in range(10)]
    assert run_together(attempts) == Counter({"booked": 1, "refused": 9})
    slot.refresh_from_db()
    # The losers' increments were rolled back with their refused inserts.
    assert slot.booked == 1
    assert BaseBooking.objects.filter(slot=slot).count() == 1


def test_twenty_secretaries_booking_through_the_page_fill_three_places(world):
    slot = SlotFactory(base__region=world.haishu_community, base__capacity=3)
    url = reverse("brands:slot_book", args=[slot.pk])

    def via_page(secretary, branch) -> Callable[[], str]:
        client = Client()
        client.force_login(secretary)

        def attempt() -> str:
            response = client.post(url, {"organization": branch.pk})
            return "booked" if "/bookings/" in response["Location"] else "refused"

        return attempt

    attempts = [via_page(s, b) for b, s in branches_with_secretaries(world, 20)]
    assert run_together(attempts) == Counter({"booked": 3, "refused": 17})
    slot.refresh_from_db()
    assert slot.booked == 3


def test_cancelling_twice_at_once_frees_one_place(world):
    slot = SlotFactory(base__region=world.haishu_community, base__capacity=5)
    slot_book(actor=world.jiangbei_secretary, slot=slot, organization=world.jiangbei_branch)
    booking = slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)

    def cancel() -> Callable[[], str]:
        stale = BaseBooking.objects.select_related("slot", "organization__region").get(pk=booking.pk)

        def attempt() -> str:
            try:
                booking_cancel(actor=world.haishu_secretary, booking=stale)
            except IllegalTransition:
                return "refused"
            return "cancelled"

        return attempt

    assert run_together([cancel() for _ in range(8)]) == Counter({"cancelled": 1, "refused": 7})
    slot.refresh_from_db()
    assert slot.booked == 1
