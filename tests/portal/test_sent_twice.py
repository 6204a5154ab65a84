"""A form sent twice (two tabs, a double click) makes one row: a service event, a welfare project,
a certificate. The same content made again later by the same person, or by someone else, is new."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.errors import Conflict
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import approved_record
from volunteers.models import Certificate, Event
from volunteers.services.certificates import certificate_issue
from wishes.models import WelfareProject
from wishes.services.market import project_create


def event_form(world) -> dict:
    start = timezone.localtime() + dt.timedelta(days=5)
    return {
        "title": "关爱独居老人",
        "place": "朝阳社区党群服务中心",
        "region": world.haishu_community.pk,
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT11:30"),
        "signup_deadline": (start - dt.timedelta(days=1)).strftime("%Y-%m-%dT18:00"),
        "capacity": "10",
    }


def test_an_event_form_sent_twice_publishes_one_event(world, client):
    client.force_login(world.haishu_community_staff)
    first = client.post(reverse("volunteers:event_create"), event_form(world))
    second = client.post(reverse("volunteers:event_create"), event_form(world))
    assert first.status_code == 302
    assert second.status_code == 200 and "已经发布过了" in second.content.decode()
    assert Event.objects.count() == 1


def test_the_same_event_a_while_later_is_a_new_one(world, client):
    client.force_login(world.haishu_community_staff)
    client.post(reverse("volunteers:event_create"), event_form(world))
    Event.objects.update(created_at=timezone.now() - dt.timedelta(hours=1))
    assert client.post(reverse("volunteers:event_create"), event_form(world)).status_code == 302
    assert Event.objects.count() == 2


def make_project(actor, region):
    return project_create(
        actor=actor, region=region, title="助学包", description="新学期助学包", beneficiaries="困境儿童",
        deadline=timezone.localdate(), target_amount=Decimal("5000"),
    )  # fmt: skip


def test_a_project_sent_twice_is_posted_once(world):
    make_project(world.haishu_community_staff, world.haishu_community)
    with pytest.raises(Conflict):
        make_project(world.haishu_community_staff, world.haishu_community)
    make_project(world.haishu_staff, world.haishu_community)  # a colleague's own project
    assert WelfareProject.objects.count() == 2


def test_a_certificate_requested_twice_is_issued_once(world):
    volunteer = VolunteerFactory(community=world.haishu_community)
    approved_record(volunteer, world.haishu_staff, hours=Decimal("3"), description="社区助老")
    today = timezone.localdate()
    period = {"period_start": today - dt.timedelta(days=30), "period_end": today}
    first = certificate_issue(actor=volunteer.user, volunteer=volunteer, **period)
    second = certificate_issue(actor=volunteer.user, volunteer=volunteer, **period)
    assert second == first and Certificate.objects.count() == 1
    approved_record(volunteer, world.haishu_staff, hours=Decimal("2"), description="垃圾分类宣传")
    third = certificate_issue(actor=volunteer.user, volunteer=volunteer, **period)
    assert third != first and third.hours == Decimal("5")
