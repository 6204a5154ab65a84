"""Approved hours are never deleted, only corrected with a reason; every correction is kept, and the
maintained totals always equal the sum of the approved records."""

from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.test import RequestFactory

from portal.errors import DomainError, IllegalTransition, NotAllowed
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory, approved_record
from volunteers.models import HoursCorrection, RecordStatus, ServiceRecord, Team, Volunteer, VolunteerYear
from volunteers.services.hours import record_correct


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community)


def assert_totals_match(volunteer: Volunteer) -> None:
    """The maintained totals equal a fresh sum of the approved records (all time, per year, per team)."""
    approved = ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == (approved.aggregate(s=Sum("hours"))["s"] or 0)
    for year in VolunteerYear.objects.filter(volunteer=volunteer):
        assert year.hours == (approved.filter(served_on__year=year.year).aggregate(s=Sum("hours"))["s"] or 0)
    for team in Team.objects.all():
        team_sum = ServiceRecord.objects.filter(team=team, status=RecordStatus.APPROVED).aggregate(
            s=Sum("hours")
        )
        assert team.hours_total == (team_sum["s"] or 0)


def test_an_approved_record_cannot_be_deleted(world, volunteer):
    record = approved_record(volunteer, world.haishu_staff)
    with pytest.raises(ValidationError):
        record.delete()
    with pytest.raises(ValidationError):
        ServiceRecord.objects.filter(volunteer=volunteer).delete()
    assert ServiceRecord.objects.filter(pk=record.pk).exists()


def test_a_pending_record_may_be_deleted(world, volunteer):
    RecordFactory(volunteer=volunteer).delete()
    assert not ServiceRecord.objects.exists()


def test_the_admin_offers_no_delete_for_approved_hours(world, volunteer):
    record = approved_record(volunteer, world.haishu_staff)
    pending = RecordFactory(volunteer=volunteer)
    request = RequestFactory().get("/admin/")
    request.user = world.city_staff
    world.city_staff.is_superuser = True
    model_admin = site._registry[ServiceRecord]
    assert model_admin.has_delete_permission(request, record) is False
    assert model_admin.has_delete_permission(request, None) is False  # no bulk delete action
    assert model_admin.has_delete_permission(request, pending) is True


def test_a_correction_keeps_the_old_figure_the_reason_and_the_author(world, volunteer):
    team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=volunteer)
    record = approved_record(volunteer, world.haishu_staff, hours=Decimal("4"), team=team)
    record_correct(
        actor=world.haishu_street_staff, record=record, hours=Decimal("3.5"), reason="签退时间登记有误"
    )
    record_correct(actor=world.haishu_staff, record=record, hours=Decimal("3.75"), reason="复核后调整")
    corrections = list(HoursCorrection.objects.filter(record=record).order_by("id"))
    assert [(c.old_hours, c.new_hours, c.reason) for c in corrections] == [
        (Decimal("4"), Decimal("3.5"), "签退时间登记有误"),
        (Decimal("3.5"), Decimal("3.75"), "复核后调整"),
    ]
    assert corrections[0].corrected_by == world.haishu_street_staff
    record.refresh_from_db()
    assert record.hours == Decimal("3.75") and record.status == RecordStatus.APPROVED
    assert [h.hours for h in record.history.order_by("history_id")][-2:] == [Decimal("3.5"), Decimal("3.75")]
    assert record.history.first().history_change_reason == "复核后调整"
    assert_totals_match(volunteer)


@pytest.mark.parametrize(
    ("hours", "reason", "error"),
    [
        (Decimal("3"), "", DomainError),
        (Decimal("2.5"), "没有变化", DomainError),
        (Decimal("25"), "超过一天", ValidationError),
        (Decimal("0"), "清零", ValidationError),
    ],
)
def test_a_bad_correction_changes_nothing(world, volunteer, hours, reason, error):
    record = approved_record(volunteer, world.haishu_staff)
    with pytest.raises(error):
        record_correct(actor=world.haishu_staff, record=record, hours=hours, reason=reason)
    assert not HoursCorrection.objects.exists()
    assert_totals_match(volunteer)


def test_only_staff_in_scope_correct_and_only_approved_hours(world, volunteer):
    record = approved_record(volunteer, world.haishu_staff)
    for outsider in (world.jiangbei_staff, world.haishu_secretary, volunteer.user):
        with pytest.raises(NotAllowed):
            record_correct(actor=outsider, record=record, hours=Decimal("1"), reason="改")
    with pytest.raises(IllegalTransition):
        record_correct(
            actor=world.haishu_staff,
            record=RecordFactory(volunteer=volunteer),
            hours=Decimal("1"),
            reason="改",
        )


def test_the_totals_equal_the_sum_after_every_flow(world, volunteer):
    from volunteers.services.hours import record_decline

    team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=volunteer)
    first = approved_record(volunteer, world.haishu_staff, hours=Decimal("8"), team=team)
    assert_totals_match(volunteer)
    approved_record(volunteer, world.haishu_community_staff, hours=Decimal("1.25"))
    assert_totals_match(volunteer)
    record_decline(actor=world.haishu_staff, record=RecordFactory(volunteer=volunteer), reason="重复申报")
    assert_totals_match(volunteer)
    record_correct(actor=world.haishu_staff, record=first, hours=Decimal("6"), reason="核减")
    assert_totals_match(volunteer)
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == Decimal("7.25")


def test_the_totals_equal_the_sum_after_an_event_s_attendance_and_a_bulk_approval(world, client):
    """The event flow: the attendance sheet writes pending records, the queue's bulk approval
    confirms them; each volunteer's totals (and the event's year) equal their approved records."""
    from tests.volunteers.event_helpers import running_event
    from tests.volunteers.test_event_attendance import signed_up
    from volunteers.services.attendance import Attendance, attendance_record

    event = running_event(world)
    alice, bob = signed_up(event, 2, world)
    entries = [
        Attendance(signup_id=alice.pk, present=True, hours=Decimal("2.5")),
        Attendance(signup_id=bob.pk, present=True, hours=Decimal("3.25")),
    ]
    attendance_record(actor=world.haishu_community_staff, event=event, entries=entries)
    approved_record(alice.volunteer, world.haishu_staff, hours=Decimal("1"))
    pending = list(ServiceRecord.objects.filter(event=event).values_list("pk", flat=True))
    client.force_login(world.haishu_community_staff)

    client.post("/volunteers/hours/review/", {"records": pending, "decision": "approve"})

    assert set(ServiceRecord.objects.filter(event=event).values_list("status", flat=True)) == {"approved"}
    for signup in (alice, bob):
        assert_totals_match(signup.volunteer)
    assert Volunteer.objects.get(pk=alice.volunteer_id).hours_total == Decimal("3.5")
