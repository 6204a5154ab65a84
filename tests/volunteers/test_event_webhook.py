"""Publishing an event tells partners subscribed to ``event.published`` in its region: the event's
facts, no personal data (the organizer's account is not in it)."""

import datetime as dt

import pytest
from django.utils import timezone

from portal import webhooks
from portal.errors import NotAllowed
from portal.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from volunteers.models import Event
from volunteers.services.events import EventFields, event_create

pytestmark = pytest.mark.django_db


def endpoint(world, region) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name="志愿服务平台", partner="甬城志愿", url="https://partner.example.com/hook",
        events=[WebhookEvent.EVENT_PUBLISHED], region=region, secret=webhooks.new_secret(),
        owner=world.city_staff,
    )  # fmt: skip


def fields(world, **changes) -> EventFields:
    start = timezone.now() + dt.timedelta(days=3)
    values = {
        "title": "关爱独居老人", "description": "", "place": "朝阳社区党群服务中心",
        "region": world.haishu_community, "organization": None, "team": None, "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2), "signup_deadline": start - dt.timedelta(hours=12),
        "capacity": 10, "wanted_specialties": [], "needs_approval": False,
    }  # fmt: skip
    return EventFields(**{**values, **changes})


def test_publishing_emits_event_published_with_no_personal_data(world, django_capture_on_commit_callbacks):
    endpoint(world, world.haishu)
    endpoint(world, world.jiangbei)  # another district's partner hears nothing
    event = event_create(actor=world.haishu_community_staff, fields=fields(world))
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event_type == WebhookEvent.EVENT_PUBLISHED
    data = delivery.payload["data"]
    assert data["id"] == event.pk and data["region"] == world.haishu_community.code
    assert data["capacity"] == 10
    assert "created_by" not in data and world.haishu_community_staff.username not in str(data)


def test_a_secretary_publishes_for_their_branch_in_its_region(world):
    event = event_create(
        actor=world.haishu_secretary, fields=fields(world, region=None, organization=world.haishu_branch)
    )
    assert event.region == world.haishu_branch.region


def test_outsiders_and_volunteers_publish_nothing(world):
    with pytest.raises(NotAllowed):
        event_create(actor=world.jiangbei_staff, fields=fields(world))
    with pytest.raises(NotAllowed):
        event_create(actor=world.jiangbei_secretary, fields=fields(world, organization=world.haishu_branch))
    with pytest.raises(NotAllowed):
        event_create(actor=world.volunteer, fields=fields(world))
    assert not Event.objects.exists()


def test_a_secretary_cannot_place_their_event_in_another_district(world):
    with pytest.raises(NotAllowed):
        event_create(
            actor=world.haishu_secretary,
            fields=fields(world, region=world.jiangbei_community, organization=world.haishu_branch),
        )
    assert not Event.objects.exists()
