"""我的服务时长: the same declaration sent from two tabs (or a double click) is stored once, so a
reviewer cannot approve the same hours twice; the same service declared again later is a new record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.errors import Conflict
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import RecordSource, ServiceRecord
from volunteers.services.hours import record_create


@pytest.fixture
def volunteer(world):
    return VolunteerFactory(community=world.haishu_community, user=world.volunteer)


def declare(volunteer, description: str = "助老服务"):
    return record_create(
        actor=volunteer.user,
        volunteer=volunteer,
        source=RecordSource.DECLARED,
        served_on=timezone.localdate(),
        hours=Decimal("3"),
        description=description,
    )


def test_the_same_form_posted_from_two_tabs_stores_one_record(client, world, volunteer):
    client.force_login(world.volunteer)
    form = {"served_on": timezone.localdate().isoformat(), "hours": "3", "description": "助老服务"}
    first = client.post("/volunteers/me/hours/", form)
    second = client.post("/volunteers/me/hours/", form)
    assert first.status_code == 302
    assert second.status_code == 200 and "已经提交过了" in second.content.decode()
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 1


def test_a_different_declaration_of_the_same_day_is_its_own_record(world, volunteer):
    declare(volunteer)
    declare(volunteer, description="助老服务（下午）")
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 2


def test_the_same_service_declared_again_later_is_a_new_record(world, volunteer):
    first = declare(volunteer)
    ServiceRecord.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(hours=1))
    declare(volunteer)
    with pytest.raises(Conflict):
        declare(volunteer)
    assert ServiceRecord.objects.filter(volunteer=volunteer).count() == 2
