"""Stations, teams and service records for the hours tests (issue 7)."""

import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from volunteers.models import RecordSource, ServiceRecord, Station, Team
from volunteers.services.hours import record_approve


class StationFactory(DjangoModelFactory):
    class Meta:
        model = Station

    name = factory.Sequence(lambda n: f"志愿服务驿站{n}")
    address = "人民路 1 号"


class TeamFactory(DjangoModelFactory):
    """``TeamFactory(station=…, leader=volunteer)``."""

    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    region = factory.LazyAttribute(lambda t: t.station.region)


class RecordFactory(DjangoModelFactory):
    """A pending declared record of 2.5 hours a week ago, in the volunteer's community."""

    class Meta:
        model = ServiceRecord

    event = None
    team = None
    region = factory.LazyAttribute(lambda r: r.event.region if r.event else r.volunteer.community)
    source = RecordSource.DECLARED
    served_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    hours = Decimal("2.5")
    description = "社区环境整治"


def approved_record(volunteer, reviewer, **kwargs) -> ServiceRecord:
    """A record approved through the service, so the maintained totals include it."""
    return record_approve(actor=reviewer, record=RecordFactory(volunteer=volunteer, **kwargs))
