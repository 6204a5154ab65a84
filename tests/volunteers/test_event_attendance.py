"""Check-in by the event's code within its window, and the organizer's attendance sheet."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.errors import IllegalTransition, NotAllowed
from tests.volunteers.event_helpers import haishu_event, running_event, volunteers
from volunteers.models import Event, RecordSource, RecordStatus, ServiceRecord, Signup, SignupStatus
from volunteers.services.attendance import (
    Attendance,
    CheckinRefused,
    attendance_record,
    default_hours,
    quarter_hours,
    signup_check,
)

pytestmark = pytest.mark.django_db


def signed_up(event: Event, n: int, world) -> list[Signup]:
    """Sign-ups made before the event (its deadline is past now), as the service left them."""
    signups = [
        Signup.objects.create(
            event=event,
            volunteer=v,
            status=SignupStatus.SIGNED,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
        for v in volunteers(world, n)
    ]
    Event.objects.filter(pk=event.pk).update(signed=n)
    event.refresh_from_db()
    return signups


def test_the_code_checks_in_then_out(world):
    event = running_event(world)
    [signup] = signed_up(event, 1, world)
    signup_check(volunteer=signup.volunteer, event=event, code=event.checkin_code)
    signup.refresh_from_db()
    assert signup.checked_in_at and signup.checked_out_at is None
    signup_check(volunteer=signup.volunteer, event=event, code=event.checkin_code)
    signup.refresh_from_db()
    assert signup.checked_out_at >= signup.checked_in_at


def test_a_code_of_another_event_is_refused(world):
    event, other = running_event(world), haishu_event(world)
    [signup] = signed_up(event, 1, world)
    with pytest.raises(CheckinRefused, match="签到码不属于该活动"):
        signup_check(volunteer=signup.volunteer, event=event, code=other.checkin_code)
    signup.refresh_from_db()
    assert signup.checked_in_at is None


def test_a_code_before_the_window_or_after_the_end_is_refused(world):
    future = haishu_event(world)  # a week ahead
    [signup] = signed_up(future, 1, world)
    with pytest.raises(CheckinRefused, match="签到尚未开始"):
        signup_check(volunteer=signup.volunteer, event=future, code=future.checkin_code)
    start = timezone.now() - dt.timedelta(hours=5)
    Event.objects.filter(pk=future.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=start - dt.timedelta(hours=1)
    )
    future.refresh_from_db()
    with pytest.raises(CheckinRefused, match="活动已结束"):
        signup_check(volunteer=signup.volunteer, event=future, code=future.checkin_code)


def test_the_window_opens_thirty_minutes_before_the_start(world):
    start = timezone.now() + dt.timedelta(minutes=20)
    event = haishu_event(world, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    [signup] = signed_up(event, 1, world)
    assert signup_check(volunteer=signup.volunteer, event=event, code=event.checkin_code).checked_in_at


def test_only_a_signed_up_volunteer_checks_in(world):
    event = running_event(world)
    [stranger] = volunteers(world, 1)
    with pytest.raises(NotAllowed):
        signup_check(volunteer=stranger, event=event, code=event.checkin_code)


def test_the_checkin_page_refuses_a_wrong_code_with_a_clear_message(world, client):
    event = running_event(world)
    [signup] = signed_up(event, 1, world)
    client.force_login(signup.volunteer.user)
    url = reverse("volunteers:event_checkin", args=[event.pk, "not-the-code"])
    page = client.get(url)
    assert "签到码不属于该活动" in page.content.decode()
    assert client.post(url).status_code == 403
    signup.refresh_from_db()
    assert signup.checked_in_at is None
    good = reverse("volunteers:event_checkin", args=[event.pk, event.checkin_code])
    assert client.post(good, follow=True).status_code == 200
    signup.refresh_from_db()
    assert signup.checked_in_at is not None


def test_hours_default_to_the_checked_time_or_the_events_length(world):
    event = running_event(world)  # 3 hours
    [signup] = signed_up(event, 1, world)
    assert default_hours(signup, event) == Decimal("3")
    signup.checked_in_at = event.starts_at
    signup.checked_out_at = event.starts_at + dt.timedelta(hours=2, minutes=8)
    assert default_hours(signup, event) == Decimal("2.25")
    assert quarter_hours(dt.timedelta(minutes=2)) == Decimal("0.25")
    assert quarter_hours(dt.timedelta(hours=30)) == Decimal("24")


def test_the_sheet_creates_pending_event_records_once(world):
    event = running_event(world)
    alice, bob = signed_up(event, 2, world)
    entries = [
        Attendance(signup_id=alice.pk, present=True, hours=Decimal("2.5")),
        Attendance(signup_id=bob.pk, present=False, hours=Decimal("3")),
    ]
    assert attendance_record(actor=world.haishu_community_staff, event=event, entries=entries) == 1
    record = ServiceRecord.objects.get()
    assert (record.volunteer_id, record.hours, record.status, record.source) == (
        alice.volunteer_id,
        Decimal("2.5"),
        RecordStatus.PENDING,
        RecordSource.EVENT,
    )
    # Saving again (Bob came after all, Alice's hours corrected) keeps one record per person.
    entries = [
        Attendance(signup_id=alice.pk, present=True, hours=Decimal("3")),
        Attendance(signup_id=bob.pk, present=True, hours=Decimal("3")),
    ]
    assert attendance_record(actor=world.haishu_community_staff, event=event, entries=entries) == 2
    assert sorted(ServiceRecord.objects.values_list("hours", flat=True)) == [Decimal("3"), Decimal("3")]


def test_an_approved_record_is_left_as_it_is(world):
    event = running_event(world)
    [alice] = signed_up(event, 1, world)
    present = [Attendance(signup_id=alice.pk, present=True, hours=Decimal("2"))]
    attendance_record(actor=world.haishu_community_staff, event=event, entries=present)
    ServiceRecord.objects.update(status=RecordStatus.APPROVED)
    absent = [Attendance(signup_id=alice.pk, present=False, hours=Decimal("2"))]
    attendance_record(actor=world.haishu_community_staff, event=event, entries=absent)
    assert ServiceRecord.objects.get().status == RecordStatus.APPROVED


def test_attendance_waits_for_the_start_and_for_the_organizer(world):
    future = haishu_event(world)
    with pytest.raises(IllegalTransition, match="活动开始后"):
        attendance_record(actor=world.haishu_community_staff, event=future, entries=[])
    with pytest.raises(NotAllowed):
        attendance_record(actor=world.jiangbei_staff, event=running_event(world), entries=[])


def test_the_sheet_page_marks_everyone_present(world, client):
    event = running_event(world)
    signups = signed_up(event, 3, world)
    client.force_login(world.haishu_community_staff)
    url = reverse("volunteers:event_attendance", args=[event.pk])
    page = client.get(url)
    assert page.status_code == 200 and "全体到场" in page.content.decode()
    data = {"all_present": "on"} | {f"hours_{s.pk}": "3" for s in signups}
    assert client.post(url, data).status_code == 302
    assert ServiceRecord.objects.filter(event=event, status=RecordStatus.PENDING).count() == 3
    assert all(s.status == SignupStatus.SIGNED for s in signups)
