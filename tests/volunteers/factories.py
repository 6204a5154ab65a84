"""Volunteers for tests: valid real-name profiles in a community, active unless told otherwise."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from grids.models import district_code_of
from portal.models import Role
from portal.privacy import hash_id_number, mask_id_number
from tests.factories import UserFactory, assign, han_number, make_id_number
from volunteers.models import Event, Volunteer, VolunteerStatus


class VolunteerFactory(DjangoModelFactory):
    """``VolunteerFactory(community=world.haishu_community)``; pass ``user=`` to reuse an account."""

    class Meta:
        model = Volunteer

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"志愿者{han_number(n)}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    id_number_hash = factory.LazyAttribute(lambda v: hash_id_number(v.id_number))
    id_number_masked = factory.LazyAttribute(lambda v: mask_id_number(v.id_number))
    birth_date = dt.date(1985, 3, 9)
    district_code = factory.LazyAttribute(lambda v: district_code_of(v.community.path))
    consented_at = factory.LazyFunction(timezone.now)
    status = VolunteerStatus.ACTIVE

    class Params:
        id_number = factory.LazyAttribute(lambda v: make_id_number(dt.date(1985, 3, 9)))

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            assign(obj.user, Role.VOLUNTEER, region=obj.community)


class EventFactory(DjangoModelFactory):
    """A published event a week ahead, 3 hours long, sign-ups open until the day before."""

    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"志愿服务活动{n}")
    place = "社区党群服务中心"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + dt.timedelta(hours=3))
    signup_deadline = factory.LazyAttribute(lambda e: e.starts_at - dt.timedelta(days=1))
    capacity = 5
    created_by = factory.SubFactory(UserFactory)
