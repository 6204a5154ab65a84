"""Many volunteers signing up for one event at the same moment, on PostgreSQL (real row locks).

Each thread has its own connection; a barrier releases them together. A count read in Python and
then written would overfill the event here (the 5-place shift that took 7–13 sign-ups); the
conditional UPDATE never does, and the waitlist keeps the order in which the row lock was won.
"""

from collections import Counter
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from portal.errors import Conflict
from tests.harness import run_together
from tests.volunteers.event_helpers import haishu_event, volunteers
from volunteers.models import Event, Signup, SignupStatus, Volunteer
from volunteers.services.events import event_signup, signup_cancel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def sign_up(event_pk: int, volunteer: Volunteer) -> Callable[[], str]:
    event = Event.objects.get(pk=event_pk)  # read before the barrier: every thread sees signed = 0

    def attempt() -> str:
        try:
            return event_signup(volunteer=volunteer, event=event).status
        except Conflict:
            return "refused"

    return attempt


def test_fifty_volunteers_for_five_places_get_five_places_and_a_waitlist_in_arrival_order(world):
    event = haishu_event(world, capacity=5)
    outcomes = run_together([sign_up(event.pk, v) for v in volunteers(world, 50)])
    assert outcomes == Counter({SignupStatus.SIGNED: 5, SignupStatus.WAITLISTED: 45})
    event.refresh_from_db()
    assert event.signed == 5
    rows = list(Signup.objects.filter(event=event).order_by("created_at", "id"))
    # Arrival order is the order the event's row lock was won: the five places went first, and
    # the waitlist's times and ids follow that same order.
    assert [s.status for s in rows] == [SignupStatus.SIGNED] * 5 + [SignupStatus.WAITLISTED] * 45
    assert [s.pk for s in rows] == sorted(s.pk for s in rows)


def test_one_volunteer_clicking_ten_times_at_once_signs_up_once(world):
    event = haishu_event(world, capacity=5)
    [alice] = volunteers(world, 1)
    outcomes = run_together([sign_up(event.pk, alice) for _ in range(10)])
    assert outcomes == Counter({SignupStatus.SIGNED: 1, "refused": 9})
    event.refresh_from_db()
    assert event.signed == 1
    assert Signup.objects.filter(event=event).count() == 1


def test_one_volunteer_signing_up_for_two_overlapping_events_at_once_gets_one(world):
    first = haishu_event(world)
    second = haishu_event(world, starts_at=first.starts_at, ends_at=first.ends_at)
    [alice] = volunteers(world, 1)
    outcomes = run_together([sign_up(first.pk, alice), sign_up(second.pk, alice)] * 3)
    assert outcomes == Counter({SignupStatus.SIGNED: 1, "refused": 5})
    assert Signup.objects.filter(volunteer=alice).count() == 1


def test_concurrent_cancellations_promote_exactly_as_many_as_cancelled(world):
    event = haishu_event(world, capacity=5)
    people = volunteers(world, 12)
    signups = [event_signup(volunteer=p, event=event) for p in people]
    leaving = signups[:4]  # four of the five with a place

    def cancel(signup: Signup) -> Callable[[], str]:
        signup = Signup.objects.select_related("event").get(pk=signup.pk)

        def attempt() -> str:
            signup_cancel(volunteer=signup.volunteer, signup=signup)
            return "cancelled"

        return attempt

    assert run_together([cancel(s) for s in leaving]) == Counter({"cancelled": 4})
    event.refresh_from_db()
    assert event.signed == 5
    rows = list(Signup.objects.filter(event=event).order_by("created_at", "id"))
    # The first four of the waitlist (in arrival order) were promoted, no one else.
    assert [s.status for s in rows] == (
        [SignupStatus.CANCELLED] * 4 + [SignupStatus.SIGNED] * 5 + [SignupStatus.WAITLISTED] * 3
    )


def test_forty_volunteers_through_the_page_fill_three_places(world):
    event = haishu_event(world, capacity=3)
    url = reverse("volunteers:event_signup", args=[event.pk])

    def via_page(volunteer: Volunteer) -> Callable[[], str]:
        client = Client()
        client.force_login(volunteer.user)

        def attempt() -> str:
            response = client.post(url)
            return str(response.status_code)

        return attempt

    assert run_together([via_page(v) for v in volunteers(world, 40)]) == Counter({"302": 40})
    event.refresh_from_db()
    assert event.signed == 3
    assert Signup.objects.filter(event=event, status=SignupStatus.SIGNED).count() == 3
    assert Signup.objects.filter(event=event, status=SignupStatus.WAITLISTED).count() == 37
