"""The brand demo seeder: the real brands under their real places, records, bases; twice is once."""

import datetime as dt
import random

import pytest
from django.db import transaction
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from brands import demo
from brands.models import ActivityRecord, BaseSlot, Brand, BrandStatus, OrgLifeBase
from grids import demo as grids_demo
from grids.models import Region, RegionLevel

EXPECTED_PLACES = {
    "小板凳工作法": ("余姚市", "谢家路村"),
    "一人一岗": ("海曙区", "朝阳社区"),
    "党群同心圆": ("宁海县", "宁海县"),
    "温暖星期五": ("江北区", "江北区"),
    "三叶草行动": ("北仑区", "北仑区"),
    "俞复玲365社区服务工作法": ("鄞州区", "划船社区"),
    "小马拉大车": ("北仑区", "大港社区"),
    "红色物业联建": ("镇海区", "招宝山街道"),
    "圆桌夜谈": ("慈溪市", "慈溪市"),
    "网格党建": ("镇海区", "镇海区"),
    "红匠工程": ("鄞州区", "鄞州区"),
    "红黑榜": ("江北区", "毛岙村"),
}


def seed_all(rng_seed: int = 7) -> list[str]:
    lines: list[str] = []
    grids_demo.seed(scale="small", rng=random.Random(rng_seed), log=lines.append)
    demo.seed(scale="small", rng=random.Random(rng_seed), log=lines.append)
    return lines


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    # Seeding draws ~60 images: once for the module, rolled back at the end.
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        seed_all()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_the_named_brands_are_published_under_their_real_places(seeded):
    brands = {b.name: b for b in Brand.objects.select_related("organization", "region")}
    assert {spec.name for spec in demo.BRANDS} <= set(brands)
    for name, (district, place) in EXPECTED_PLACES.items():
        brand = brands[name]
        assert brand.status == BrandStatus.PUBLISHED
        assert brand.region_id == brand.organization.region_id
        assert brand.region.name == place, name
        district_region = Region.objects.get(level=RegionLevel.DISTRICT, name=district)
        assert brand.region.path.startswith(district_region.path), name
        assert brand.cover and brand.cover_thumbnail and brand.images.count() == 2
        assert brand.recognitions.exists() and brand.tags.exists()


@pytest.mark.django_db
def test_the_records_cover_the_last_year_with_members_of_the_organization(seeded):
    records = ActivityRecord.objects.all()
    now = timezone.now()
    oldest = records.order_by("started_at").first().started_at
    assert now - dt.timedelta(days=370) < oldest
    assert not records.filter(started_at__gt=now).exists()
    for brand in Brand.objects.filter(status=BrandStatus.PUBLISHED):
        assert brand.activities.count() >= 20, brand.name
    # Attendees come from the organization (or, for a committee, the branches below it).
    with_attendees = records.filter(attendee_count__gt=0).select_related("organization")
    assert with_attendees.count() > 100
    for record in with_attendees[:200]:
        paths = list(record.attendees.values_list("organization__path", flat=True))
        assert all(p.startswith(record.organization.path) for p in paths)
        assert record.attendee_count == len(paths) <= record.member_count


@pytest.mark.django_db
def test_the_regular_life_of_branches_misses_a_few_months(seeded):
    per_branch = (
        ActivityRecord.objects.filter(kind="theme_day", brand__isnull=True)
        .values("organization")
        .annotate(n=Count("id"))
    )
    counts = [row["n"] for row in per_branch]
    assert counts and max(counts) <= 12
    assert min(counts) < 12  # some months were missed: the compliance page has something to show


@pytest.mark.django_db
def test_bases_have_open_slots_in_the_coming_weeks(seeded):
    assert OrgLifeBase.objects.count() == len(demo.BASES)
    future = BaseSlot.objects.filter(starts_at__gt=timezone.now())
    assert future.count() >= 4 * len(demo.BASES)
    assert not future.filter(booked__gt=0).exists()


@pytest.mark.django_db
def test_the_review_queue_has_something_to_review(seeded):
    assert Brand.objects.filter(status=BrandStatus.SUBMITTED).exists()
    returned = Brand.objects.get(status=BrandStatus.RETURNED)
    assert returned.return_reason


@pytest.mark.django_db
def test_running_it_again_adds_nothing(seeded):
    before = (
        Brand.objects.count(),
        ActivityRecord.objects.count(),
        BaseSlot.objects.count(),
        Region.objects.count(),
    )
    lines = seed_all()
    after = (
        Brand.objects.count(),
        ActivityRecord.objects.count(),
        BaseSlot.objects.count(),
        Region.objects.count(),
    )
    assert before == after
    assert "  brands: 0 added" in "\n".join(lines)


@pytest.mark.django_db
def test_missing_places_are_created_when_the_tree_is_not_there():
    spec = next(s for s in demo.BRANDS if s.name == "红黑榜")
    owner = demo.owner_for(demo.Places(), spec)
    assert owner.region.name == "毛岙村" and owner.region.level == RegionLevel.COMMUNITY
    assert owner.parent.region.name == "慈城镇"
    assert owner.region.path.startswith(Region.objects.get(code="330205").path)
    assert demo.owner_for(demo.Places(), spec) == owner  # found, not created, the second time


@pytest.mark.django_db
def test_the_city_scale_adds_generated_community_brands_with_records(seeded):
    added = demo.ensure_extra_brands(5, random.Random(1))
    extra = Brand.objects.filter(name__contains="·")
    assert added == extra.count() == 5
    for brand in extra:
        assert brand.status == BrandStatus.PUBLISHED and brand.region.level == RegionLevel.COMMUNITY
        assert 10 <= brand.activities.count() <= 12
