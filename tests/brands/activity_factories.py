"""Factories for activity records, organizational-life bases and their slots, a JPEG in memory, and the
activity form as a browser posts it."""

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from brands.models import ActivityKind, ActivityRecord, BaseSlot, OrgLifeBase
from brands.services.activities import activity_create


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in the portal's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


class RecordFactory(DjangoModelFactory):
    """A record written straight to the table (for histories and lists); rules are tested via services."""

    class Meta:
        model = ActivityRecord

    region = factory.SelfAttribute("organization.region")
    kind = ActivityKind.THEME_DAY
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=2))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(minutes=90))
    topic = factory.Sequence(lambda n: f"主题党日活动 第{n}次")
    attendee_count = 2
    member_count = 3


class BaseFactory(DjangoModelFactory):
    class Meta:
        model = OrgLifeBase

    name = factory.Sequence(lambda n: f"红色教育基地{n}")
    address = "海曙区中山西路1号"
    theme = "红色初心"
    capacity = 5


class SlotFactory(DjangoModelFactory):
    class Meta:
        model = BaseSlot

    base = factory.SubFactory(BaseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    capacity = factory.SelfAttribute("base.capacity")


def jpeg(name: str = "photo.jpg", size: tuple[int, int] = (800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (183, 28, 28)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


# The activity form as the browser posts it (datetime-local fields).
FORMAT = "%Y-%m-%dT%H:%M"


def form_data(**overrides) -> dict:
    end = timezone.localtime() - dt.timedelta(minutes=10)
    data = {
        "kind": ActivityKind.THEME_DAY,
        "topic": "学习贯彻全会精神",
        "started_at": (end - dt.timedelta(minutes=90)).strftime(FORMAT),
        "ended_at": end.strftime(FORMAT),
        "place": "社区党群服务中心",
        "other_participants": "4",
        "people_served": "0",
    }
    data.update(overrides)
    return data


def recorded(world, **fields) -> ActivityRecord:
    now = timezone.now()
    values = {
        "organization": world.haishu_branch,
        "kind": ActivityKind.THEME_DAY,
        "topic": "重温入党誓词",
        "place": "社区党群服务中心",
        "started_at": now - dt.timedelta(hours=3),
        "ended_at": now - dt.timedelta(hours=2),
        "attendees": world.haishu_members[:1],
        **fields,
    }
    return activity_create(actor=world.haishu_secretary, **values)
