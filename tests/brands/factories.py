"""Factories for brands and activity records, and images built in memory with Pillow."""

import datetime as dt
import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from brands.models import (
    ActivityKind,
    ActivityRecord,
    Brand,
    BrandCategory,
    BrandLevel,
    BrandStatus,
    Recognition,
    RecognitionLevel,
    Tag,
)
from grids.models import street_code_of


class TagFactory(DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")


class BrandFactory(DjangoModelFactory):
    """A complete draft brand; pass status=BrandStatus.PUBLISHED for one on the wall."""

    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"品牌{n:04d}")
    category = BrandCategory.SERVE_PEOPLE
    level = BrandLevel.COMMUNITY
    year_launched = 2018
    slogan = "党员在身边，服务零距离"
    summary = "以网格为单位组织党员为居民办实事。"
    story = "2018 年起，社区党委把党员编入网格。\n\n每周五党员上门走访。"
    region = factory.SelfAttribute("organization.region")
    status = BrandStatus.DRAFT
    published_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == BrandStatus.PUBLISHED else None
    )


class RecognitionFactory(DjangoModelFactory):
    class Meta:
        model = Recognition

    title = "宁波市基层党建优秀案例"
    level = RecognitionLevel.CITY
    year = 2021


class ActivityRecordFactory(DjangoModelFactory):
    class Meta:
        model = ActivityRecord

    region = factory.SelfAttribute("organization.region")
    street_code = factory.LazyAttribute(lambda o: street_code_of(o.region.path))
    kind = ActivityKind.VOLUNTEER
    started_at = factory.Sequence(lambda n: timezone.now() - dt.timedelta(days=n % 300 + 1, hours=2))
    ended_at = factory.LazyAttribute(lambda o: o.started_at + dt.timedelta(hours=2))
    topic = factory.Sequence(lambda n: f"走访独居老人 第{n}次")
    attendee_count = 8
    member_count = 12
    other_participants = 5
    people_served = 20


def image_bytes(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), **save_kwargs: object) -> bytes:
    buffer = io.BytesIO()
    mode = "RGB" if fmt in ("JPEG", "GIF") else "RGBA"
    Image.new(mode, size, (183, 28, 28)).save(buffer, fmt, **save_kwargs)
    return buffer.getvalue()


def upload(content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
