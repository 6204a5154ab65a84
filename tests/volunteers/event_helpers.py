"""Events and volunteers for the event tests: Haishu's community event, volunteers who sign up."""

import datetime as dt

from django.utils import timezone

from tests.volunteers.factories import EventFactory, VolunteerFactory
from volunteers.models import Event, Volunteer


def haishu_event(world, **fields) -> Event:
    """A published event in Haishu's community, created by its community staff."""
    fields.setdefault("region", world.haishu_community)
    fields.setdefault("created_by", world.haishu_community_staff)
    return EventFactory(**fields)


def volunteers(world, n: int) -> list[Volunteer]:
    return VolunteerFactory.create_batch(n, community=world.haishu_community)


def running_event(world, **fields) -> Event:
    """An event that started an hour ago and ends in two: inside the check-in window."""
    start = timezone.now() - dt.timedelta(hours=1)
    return haishu_event(
        world,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        signup_deadline=start - dt.timedelta(days=1),
        **fields,
    )
