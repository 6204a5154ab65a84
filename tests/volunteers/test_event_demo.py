"""The service-event demo: the demo volunteer has something at every step; twice is once."""

import random

import pytest
from django.utils import timezone

from grids import demo as grids_demo
from tests.factories import UserFactory
from volunteers import demo_vevents
from volunteers.models import Event, RecordStatus, ServiceRecord, Signup, SignupStatus

pytestmark = pytest.mark.django_db


def seed() -> list[str]:
    lines: list[str] = []
    demo_vevents.seed(scale="small", rng=random.Random(7), log=lines.append)
    return lines


def test_the_demo_volunteer_is_signed_up_waitlisted_and_served_and_twice_is_once():
    grids_demo.seed(scale="small", rng=random.Random(7), log=lambda line: None)
    UserFactory(username="volunteer", real_name="张子轩")
    UserFactory(username="chaoyang_staff")
    seed()
    counts = (Event.objects.count(), Signup.objects.count(), ServiceRecord.objects.count())
    mine = Signup.objects.filter(volunteer__user__username="volunteer")
    upcoming = mine.filter(event__starts_at__gt=timezone.now())
    assert set(upcoming.values_list("status", flat=True)) == {SignupStatus.SIGNED, SignupStatus.WAITLISTED}
    past = ServiceRecord.objects.filter(volunteer__user__username="volunteer", status=RecordStatus.PENDING)
    assert past.count() == 3
    assert {e.region.name for e in Event.objects.select_related("region")} >= {"朝阳社区"}
    assert (
        Event.objects.filter(
            title__startswith="温暖星期五", region__path__startswith="330200/330205/"
        ).count()
        == 3
    )
    assert seed() == ["  service events: 0 added"]
    assert (Event.objects.count(), Signup.objects.count(), ServiceRecord.objects.count()) == counts
