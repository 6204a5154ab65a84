"""Hours are pending until the organizer, the team's leader or staff over the place confirm them;
approval moves the maintained totals in the same transaction and tells the volunteer."""

from decimal import Decimal

import pytest

from portal.errors import DomainError, IllegalTransition, NotAllowed
from portal.models import Message, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.volunteers.factories import EventFactory, VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory
from volunteers.models import RecordSource, RecordStatus, Volunteer, VolunteerYear
from volunteers.services.hours import record_approve, record_create, record_decline


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community, name="王小梅")


def test_a_declaration_waits_for_confirmation(world, volunteer):
    record = record_create(
        actor=volunteer.user,
        volunteer=volunteer,
        source=RecordSource.DECLARED,
        served_on=RecordFactory.served_on.function(),
        hours=Decimal("3"),
        description="助老服务",
    )
    assert record.status == RecordStatus.PENDING
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == 0


def test_a_volunteer_declares_only_their_own_hours(world, volunteer):
    other = VolunteerFactory(community=world.haishu_community)
    with pytest.raises(NotAllowed):
        record_create(
            actor=other.user,
            volunteer=volunteer,
            source=RecordSource.DECLARED,
            served_on=RecordFactory.served_on.function(),
            hours=Decimal("3"),
            description="助老服务",
        )


def test_staff_approval_adds_the_hours_to_every_total(world, volunteer, django_capture_on_commit_callbacks):
    team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=volunteer)
    record = RecordFactory(volunteer=volunteer, team=team, hours=Decimal("2.75"))
    with django_capture_on_commit_callbacks(execute=True):
        record_approve(actor=world.haishu_community_staff, record=record)
    volunteer.refresh_from_db()
    team.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    assert volunteer.hours_total == Decimal("2.75")
    assert VolunteerYear.objects.get(volunteer=volunteer, year=record.served_on.year).hours == Decimal("2.75")
    assert team.hours_total == Decimal("2.75")
    message = Message.objects.get(recipient=volunteer.user)
    assert "2.75" in message.title and message.link == "/volunteers/me/hours/"
    assert record.history.first().history_user == world.haishu_community_staff


def test_approval_tells_partners_with_masked_data_only(world, volunteer):
    WebhookEndpoint.objects.create(
        url="https://partner.example.com/hooks",
        region=world.haishu,
        events=[WebhookEvent.SERVICE_RECORD_APPROVED],
        secret="whsec_" + "a" * 32,
        name="甬·志愿",
        partner="甬·志愿",
        owner=world.city_staff,
    )
    record_approve(actor=world.haishu_staff, record=RecordFactory(volunteer=volunteer))
    payload = WebhookDelivery.objects.get().payload
    assert payload["type"] == "service_record.approved"
    assert payload["data"]["volunteer_name"] == "王*梅"
    assert "王小梅" not in str(payload) and volunteer.mobile not in str(payload)


def test_the_organizer_confirms_the_hours_of_their_event(world, volunteer):
    organizer = VolunteerFactory(community=world.haishu_community).user
    event = EventFactory(region=world.haishu_community, created_by=organizer)
    record = RecordFactory(volunteer=volunteer, event=event, source=RecordSource.EVENT)
    assert record_approve(actor=organizer, record=record).status == RecordStatus.APPROVED


def test_the_team_leader_confirms_the_team_s_hours(world, volunteer):
    leader = VolunteerFactory(community=world.haishu_community)
    team = TeamFactory(station=StationFactory(region=world.haishu_street), leader=leader)
    record = RecordFactory(volunteer=volunteer, team=team)
    assert record_approve(actor=leader.user, record=record).status == RecordStatus.APPROVED


@pytest.mark.parametrize("who", ["jiangbei_staff", "haishu_secretary", "volunteer"])
def test_others_cannot_confirm(world, volunteer, who):
    record = RecordFactory(volunteer=volunteer)
    with pytest.raises(NotAllowed):
        record_approve(actor=getattr(world, who), record=record)
    record.refresh_from_db()
    assert record.status == RecordStatus.PENDING


def test_nobody_confirms_their_own_hours(world):
    # A community staff member who also volunteers in the community.
    own = VolunteerFactory(community=world.haishu_community, user=world.haishu_community_staff)
    with pytest.raises(NotAllowed):
        record_approve(actor=world.haishu_community_staff, record=RecordFactory(volunteer=own))


def test_a_record_is_decided_once(world, volunteer):
    record = RecordFactory(volunteer=volunteer)
    record_approve(actor=world.haishu_staff, record=record)
    stale = RecordFactory._meta.model.objects.get(pk=record.pk)
    stale.status = RecordStatus.PENDING  # a page opened before the first decision
    with pytest.raises(IllegalTransition):
        record_approve(actor=world.haishu_street_staff, record=stale)
    with pytest.raises(IllegalTransition):
        record_decline(actor=world.haishu_street_staff, record=stale, reason="重复")
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == Decimal("2.5")


def test_a_decline_needs_a_reason_and_tells_the_volunteer(
    world, volunteer, django_capture_on_commit_callbacks
):
    record = RecordFactory(volunteer=volunteer)
    with pytest.raises(DomainError):
        record_decline(actor=world.haishu_staff, record=record, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        record_decline(actor=world.haishu_staff, record=record, reason="当天活动已取消")
    record.refresh_from_db()
    assert record.status == RecordStatus.DECLINED and record.decline_reason == "当天活动已取消"
    assert "当天活动已取消" in Message.objects.get(recipient=volunteer.user).title
    assert Volunteer.objects.get(pk=volunteer.pk).hours_total == 0


def test_records_from_every_source_are_reviewed(world, volunteer):
    from volunteers.selectors import review_queue

    for source in (RecordSource.EVENT, RecordSource.WISH, RecordSource.DECLARED, RecordSource.API):
        RecordFactory(volunteer=volunteer, source=source)
    assert review_queue(world.haishu_community_staff).count() == 4
    assert review_queue(world.jiangbei_staff).count() == 0
