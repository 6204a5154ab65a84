"""Signing up for service events: places, the waitlist, overlap, cancellation and approval.

Alice, Bob, Carol… are volunteers of Haishu's community; the organizer is its community staff.
"""

import datetime as dt

import pytest
from django.utils import timezone

from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import Message
from tests.volunteers.event_helpers import haishu_event, volunteers
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Event, EventStatus, Signup, SignupStatus, VolunteerStatus
from volunteers.services.events import (
    EventFields,
    event_cancel,
    event_signup,
    event_update,
    signup_approve,
    signup_cancel,
    signup_decline,
)

pytestmark = pytest.mark.django_db


def statuses(event: Event) -> list[str]:
    return list(
        Signup.objects.filter(event=event).order_by("created_at", "id").values_list("status", flat=True)
    )


def test_it_signs_up_until_full_then_waitlists(world):
    event = haishu_event(world, capacity=2)
    people = volunteers(world, 4)
    for person in people:
        event_signup(volunteer=person, event=event)
    event.refresh_from_db()
    assert event.signed == 2
    assert statuses(event) == ["signed", "signed", "waitlisted", "waitlisted"]


def test_it_refuses_a_second_signup_for_the_same_event(world):
    event = haishu_event(world)
    [alice] = volunteers(world, 1)
    event_signup(volunteer=alice, event=event)
    with pytest.raises(Conflict, match="不能重复报名"):
        event_signup(volunteer=alice, event=event)
    event.refresh_from_db()
    assert event.signed == 1


def test_it_refuses_an_overlapping_event_but_allows_one_right_after(world):
    start = timezone.now() + dt.timedelta(days=3)
    morning = haishu_event(world, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    overlapping = haishu_event(
        world, starts_at=start + dt.timedelta(hours=2), ends_at=start + dt.timedelta(hours=4)
    )
    afterwards = haishu_event(
        world, starts_at=start + dt.timedelta(hours=3), ends_at=start + dt.timedelta(hours=5)
    )
    [alice] = volunteers(world, 1)
    event_signup(volunteer=alice, event=morning)
    with pytest.raises(Conflict, match="时间重叠"):
        event_signup(volunteer=alice, event=overlapping)
    event_signup(volunteer=alice, event=afterwards)
    assert Signup.objects.filter(volunteer=alice).count() == 2


def test_a_waitlisted_signup_also_blocks_an_overlapping_event(world):
    full = haishu_event(world, capacity=1)
    other = haishu_event(world, starts_at=full.starts_at, ends_at=full.ends_at)
    bob, alice = volunteers(world, 2)
    event_signup(volunteer=bob, event=full)
    assert event_signup(volunteer=alice, event=full).status == SignupStatus.WAITLISTED
    with pytest.raises(Conflict):
        event_signup(volunteer=alice, event=other)


def test_a_cancelled_signup_frees_the_time_again(world):
    event = haishu_event(world)
    other = haishu_event(world, starts_at=event.starts_at, ends_at=event.ends_at)
    [alice] = volunteers(world, 1)
    signup_cancel(volunteer=alice, signup=event_signup(volunteer=alice, event=event))
    assert event_signup(volunteer=alice, event=other).status == SignupStatus.SIGNED


def test_only_active_volunteers_sign_up(world):
    event = haishu_event(world)
    applicant = VolunteerFactory(community=world.haishu_community, status=VolunteerStatus.APPLICANT)
    with pytest.raises(NotAllowed):
        event_signup(volunteer=applicant, event=event)


def test_it_refuses_after_the_deadline_and_for_a_cancelled_event(world):
    [alice] = volunteers(world, 1)
    closed = haishu_event(world, signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(IllegalTransition, match="报名已截止"):
        event_signup(volunteer=alice, event=closed)
    cancelled = haishu_event(world, status=EventStatus.CANCELLED)
    with pytest.raises(IllegalTransition, match="活动已取消"):
        event_signup(volunteer=alice, event=cancelled)
    assert not Signup.objects.exists()


def test_cancelling_promotes_the_waitlist_in_arrival_order(world, django_capture_on_commit_callbacks):
    event = haishu_event(world, capacity=2)
    alice, bob, carol, dan, erin = volunteers(world, 5)
    signups = {p.pk: event_signup(volunteer=p, event=event) for p in (alice, bob, carol, dan, erin)}
    with django_capture_on_commit_callbacks(execute=True):
        signup_cancel(volunteer=bob, signup=signups[bob.pk])
    assert Signup.objects.get(pk=signups[carol.pk].pk).status == SignupStatus.SIGNED
    assert Signup.objects.get(pk=signups[dan.pk].pk).status == SignupStatus.WAITLISTED
    assert Message.objects.filter(recipient=carol.user, kind="volunteers.waitlist_promoted").count() == 1
    signup_cancel(volunteer=alice, signup=signups[alice.pk])
    assert Signup.objects.get(pk=signups[dan.pk].pk).status == SignupStatus.SIGNED
    # A waitlisted person leaving frees no place: nobody is promoted.
    signup_cancel(volunteer=erin, signup=signups[erin.pk])
    event.refresh_from_db()
    assert event.signed == 2
    assert statuses(event) == ["cancelled", "cancelled", "signed", "signed", "cancelled"]


def test_cancelling_without_a_waitlist_frees_the_place(world):
    event = haishu_event(world, capacity=2)
    [alice] = volunteers(world, 1)
    signup_cancel(volunteer=alice, signup=event_signup(volunteer=alice, event=event))
    event.refresh_from_db()
    assert event.signed == 0


def test_cancellation_after_the_deadline_is_refused_with_a_clear_message(world):
    event = haishu_event(world)
    [alice] = volunteers(world, 1)
    signup = event_signup(volunteer=alice, event=event)
    Event.objects.filter(pk=event.pk).update(signup_deadline=timezone.now() - dt.timedelta(minutes=1))
    signup.event.refresh_from_db()
    with pytest.raises(IllegalTransition, match="报名截止后不能取消报名"):
        signup_cancel(volunteer=alice, signup=signup)
    signup.refresh_from_db()
    assert signup.status == SignupStatus.SIGNED


def test_no_one_cancels_someone_elses_signup(world):
    event = haishu_event(world)
    alice, bob = volunteers(world, 2)
    signup = event_signup(volunteer=alice, event=event)
    with pytest.raises(NotAllowed):
        signup_cancel(volunteer=bob, signup=signup)


def test_approval_needed_events_hold_a_place_while_pending(world, django_capture_on_commit_callbacks):
    event = haishu_event(world, capacity=1, needs_approval=True)
    alice, bob = volunteers(world, 2)
    pending = event_signup(volunteer=alice, event=event)
    waiting = event_signup(volunteer=bob, event=event)
    assert (pending.status, waiting.status) == (SignupStatus.PENDING, SignupStatus.WAITLISTED)
    with django_capture_on_commit_callbacks(execute=True):
        signup_approve(actor=world.haishu_community_staff, signup=pending)
    assert Message.objects.filter(recipient=alice.user, kind="volunteers.signup_approved").exists()
    with pytest.raises(IllegalTransition):
        signup_approve(actor=world.haishu_community_staff, signup=pending)


def test_declining_a_pending_signup_promotes_the_next_as_pending(world):
    event = haishu_event(world, capacity=1, needs_approval=True)
    alice, bob = volunteers(world, 2)
    pending = event_signup(volunteer=alice, event=event)
    waiting = event_signup(volunteer=bob, event=event)
    signup_decline(actor=world.haishu_community_staff, signup=pending)
    waiting.refresh_from_db()
    event.refresh_from_db()
    assert waiting.status == SignupStatus.PENDING and event.signed == 1


def test_another_districts_staff_cannot_approve(world):
    event = haishu_event(world, needs_approval=True)
    [alice] = volunteers(world, 1)
    pending = event_signup(volunteer=alice, event=event)
    with pytest.raises(NotAllowed):
        signup_approve(actor=world.jiangbei_staff, signup=pending)
    pending.refresh_from_db()
    assert pending.status == SignupStatus.PENDING


def fields_of(event: Event, **changes) -> EventFields:
    values = {
        "title": event.title,
        "description": event.description,
        "place": event.place,
        "region": event.region,
        "organization": event.organization,
        "team": event.team,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "signup_deadline": event.signup_deadline,
        "capacity": event.capacity,
        "wanted_specialties": [],
        "needs_approval": event.needs_approval,
    }
    return EventFields(**{**values, **changes})


def test_raising_the_capacity_promotes_the_waitlist_and_tells_everyone(
    world, django_capture_on_commit_callbacks
):
    event = haishu_event(world, capacity=1)
    alice, bob, carol = volunteers(world, 3)
    for person in (alice, bob, carol):
        event_signup(volunteer=person, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event_update(actor=world.haishu_community_staff, event=event, fields=fields_of(event, capacity=2))
    event.refresh_from_db()
    assert event.signed == 2
    assert statuses(event) == ["signed", "signed", "waitlisted"]
    assert Message.objects.filter(kind="volunteers.waitlist_promoted").count() == 1
    # Alice and Carol are told of the change; Bob was told of his promotion instead.
    assert Message.objects.filter(kind="volunteers.event_changed").count() == 2


def test_the_capacity_cannot_go_below_the_places_taken(world):
    event = haishu_event(world, capacity=3)
    for person in volunteers(world, 2):
        event_signup(volunteer=person, event=event)
    with pytest.raises(Conflict, match="名额不能少于"):
        event_update(actor=world.haishu_community_staff, event=event, fields=fields_of(event, capacity=1))


def test_moving_the_event_moves_the_overlap_window(world):
    event = haishu_event(world)
    [alice] = volunteers(world, 1)
    event_signup(volunteer=alice, event=event)
    later = event.starts_at + dt.timedelta(days=1)
    event_update(
        actor=world.haishu_community_staff,
        event=event,
        fields=fields_of(event, starts_at=later, ends_at=later + dt.timedelta(hours=2)),
    )
    assert Signup.objects.get(volunteer=alice).starts_at == later


def test_cancelling_the_event_cancels_signups_and_tells_them(world, django_capture_on_commit_callbacks):
    event = haishu_event(world, capacity=1)
    alice, bob = volunteers(world, 2)
    event_signup(volunteer=alice, event=event)
    event_signup(volunteer=bob, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event_cancel(actor=world.haishu_community_staff, event=event, reason="台风预警，活动取消")
    event.refresh_from_db()
    assert (event.status, event.signed) == (EventStatus.CANCELLED, 0)
    assert statuses(event) == ["cancelled", "cancelled"]
    cancelled = Message.objects.filter(kind="volunteers.event_cancelled")
    assert {m.recipient_id for m in cancelled} == {alice.user_id, bob.user_id}
    assert all("台风预警" in m.body for m in cancelled)


def test_outsiders_cannot_cancel_or_edit(world):
    event = haishu_event(world)
    with pytest.raises(NotAllowed):
        event_cancel(actor=world.jiangbei_staff, event=event, reason="x")
    with pytest.raises(NotAllowed):
        event_update(actor=world.jiangbei_staff, event=event, fields=fields_of(event, title="改"))
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED
