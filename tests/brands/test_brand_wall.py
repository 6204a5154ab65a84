"""The public brand wall and brand page: published brands only, filters, figures, safe stories."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from brands.models import ActivityPhoto, ActivityRecord, Brand, BrandStatus
from brands.services.brands import set_tags
from tests.brands.factories import ActivityRecordFactory, BrandFactory, RecognitionFactory

WALL = reverse("brands:wall")


def published(org, **kwargs) -> Brand:
    return BrandFactory(organization=org, status=BrandStatus.PUBLISHED, **kwargs)


def add_brands(world, count: int, activities_each: int = 2) -> list[Brand]:
    brands = [published(world.haishu_committee if i % 2 else world.jiangbei_branch) for i in range(count)]
    for brand in brands:
        set_tags(brand, ["邻里互助", f"专属{brand.pk}"])
        ActivityRecordFactory.create_batch(activities_each, organization=brand.organization, brand=brand)
    return brands


def test_the_wall_shows_published_brands_with_their_figures(client, world):
    brand = published(world.haishu_committee, name="一人一岗")
    ActivityRecordFactory(
        organization=world.haishu_committee,
        brand=brand,
        attendee_count=10,
        other_participants=4,
        people_served=30,
    )
    ActivityRecordFactory(
        organization=world.haishu_committee,
        brand=brand,
        attendee_count=6,
        other_participants=0,
        people_served=12,
    )
    BrandFactory(organization=world.haishu_committee, name="还在草稿", status=BrandStatus.DRAFT)
    BrandFactory(organization=world.haishu_committee, name="等待审核", status=BrandStatus.SUBMITTED)
    BrandFactory(organization=world.haishu_committee, name="已经归档", status=BrandStatus.ARCHIVED)

    response = client.get(WALL)
    assert response.status_code == 200
    cards = list(response.context["page"].object_list)
    assert [b.name for b in cards] == ["一人一岗"]
    figures = cards[0].figures
    assert (figures.activity_count, figures.participants, figures.people_served) == (2, 20, 42)
    assert cards[0].district_name == "海曙区"
    html = response.content.decode()
    assert "海曙区 · 海曙区一社区党委" in html
    for hidden in ("还在草稿", "等待审核", "已经归档"):
        assert hidden not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"district": "330203"}, ["海曙甲"]),
        ({"district": "330205"}, ["江北乙"]),
        ({"category": "governance"}, ["江北乙"]),
        ({"level": "city"}, ["海曙甲"]),
        ({"tag": "红色物业"}, ["江北乙"]),
        ({"q": "海曙"}, ["海曙甲"]),
        ({"q": "不存在"}, []),
    ],
)
def test_the_wall_filters(client, world, query, expected):
    haishu = published(world.haishu_committee, name="海曙甲", level="city", category="serve_people")
    jiangbei = published(world.jiangbei_branch, name="江北乙", level="community", category="governance")
    set_tags(haishu, ["邻里互助"])
    set_tags(jiangbei, ["红色物业", "邻里互助"])
    response = client.get(WALL, query)
    assert [b.name for b in response.context["page"].object_list] == expected


def test_a_tag_filter_does_not_multiply_the_figures(client, world):
    brand = published(world.haishu_committee)
    set_tags(brand, ["甲", "乙", "丙"])
    ActivityRecordFactory(organization=world.haishu_committee, brand=brand, people_served=10)
    card = client.get(WALL, {"tag": "乙"}).context["page"].object_list[0]
    assert (card.figures.activity_count, card.figures.people_served) == (1, 10)


def test_the_wall_is_paginated(client, world):
    add_brands(world, 14, activities_each=0)
    first = client.get(WALL)
    second = client.get(WALL, {"page": 2})
    assert len(first.context["page"].object_list) == 12
    assert len(second.context["page"].object_list) == 2
    assert "page=2" in first.content.decode()


def wall_queries(client, django_assert_num_queries) -> None:
    with django_assert_num_queries(5):
        # 1. districts for the filter  2. tags in use for the filter
        # 3. COUNT for the paginator   4. the page of brands, with their district (a subquery)
        # 5. the figures of the page's brands (one GROUP BY)
        response = client.get(WALL)
    assert response.status_code == 200


def test_the_wall_costs_the_same_queries_for_3_and_30_brands(client, world, django_assert_num_queries):
    add_brands(world, 3)
    wall_queries(client, django_assert_num_queries)
    add_brands(world, 27, activities_each=5)
    wall_queries(client, django_assert_num_queries)
    assert len(client.get(WALL).context["page"].object_list) == 12


def brand_page_queries(client, brand, django_assert_num_queries) -> None:
    with django_assert_num_queries(7):
        # 1. the brand with owner, region and district   2. its tags   3. its gallery
        # 4. its recognitions   5. the figures (one aggregate)   6. the latest records
        # 7. their photos
        response = client.get(reverse("brands:brand_detail", args=[brand.pk]))
    assert response.status_code == 200


def test_the_brand_page_costs_the_same_queries_for_3_and_30_activities(
    client, world, django_assert_num_queries
):
    brand = published(world.haishu_committee)
    set_tags(brand, ["邻里互助", "为老服务"])
    RecognitionFactory(brand=brand)
    records = ActivityRecordFactory.create_batch(3, organization=world.haishu_committee, brand=brand)
    ActivityPhoto.objects.create(activity=records[0], image="x.jpg", thumbnail="x.jpg")
    brand_page_queries(client, brand, django_assert_num_queries)
    more = ActivityRecordFactory.create_batch(27, organization=world.haishu_committee, brand=brand)
    RecognitionFactory.create_batch(3, brand=brand)
    for record in more:
        ActivityPhoto.objects.create(activity=record, image="y.jpg", thumbnail="y.jpg")
    brand_page_queries(client, brand, django_assert_num_queries)


def test_the_brand_page_shows_story_figures_recognitions_and_timeline(client, world):
    brand = published(world.haishu_committee, name="一人一岗", story="第一段。\n\n第二段。")
    RecognitionFactory(brand=brand, title="宁波市基层党建优秀案例", year=2021)
    now = timezone.now()
    ActivityRecordFactory(
        organization=world.haishu_committee, brand=brand, topic="为独居老人修水管",
        started_at=now - dt.timedelta(days=2), ended_at=now - dt.timedelta(days=2, hours=-2),
        attendee_count=5, other_participants=3, people_served=20, satisfaction=Decimal("96"),
    )  # fmt: skip
    ActivityRecordFactory(
        organization=world.haishu_committee, brand=brand, topic="楼道议事会",
        started_at=now - dt.timedelta(days=40), ended_at=now - dt.timedelta(days=40, hours=-1),
        attendee_count=7, other_participants=0, people_served=10, satisfaction=None,
    )  # fmt: skip
    response = client.get(reverse("brands:brand_detail", args=[brand.pk]))
    figures = response.context["figures"]
    assert (figures.activity_count, figures.participants, figures.people_served) == (2, 15, 30)
    assert figures.average_satisfaction == Decimal("96.0")  # only the record that has one
    assert figures.last_activity_at == now - dt.timedelta(days=2)
    assert [r.topic for r in response.context["timeline"]] == ["为独居老人修水管", "楼道议事会"]
    html = response.content.decode()
    assert "<p>第一段。</p>" in html and "<p>第二段。</p>" in html
    assert "宁波市基层党建优秀案例" in html


def test_the_story_cannot_inject_html(client, world):
    brand = published(
        world.haishu_committee,
        slogan='<img src=x onerror="alert(1)">',
        story='<script>alert("xss")</script>\n\n<a href="javascript:alert(2)">点我</a>',
    )
    html = client.get(reverse("brands:brand_detail", args=[brand.pk])).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert '<a href="javascript' not in html
    assert "<img src=x" not in html


@pytest.mark.parametrize(
    "status", [BrandStatus.DRAFT, BrandStatus.SUBMITTED, BrandStatus.RETURNED, BrandStatus.ARCHIVED]
)
def test_an_unpublished_brand_has_no_public_page(client, world, status):
    brand = BrandFactory(organization=world.haishu_committee, status=status)
    assert client.get(reverse("brands:brand_detail", args=[brand.pk])).status_code == 404


def test_the_home_partial_shows_up_to_six_published_brands(client, world):
    from django.template.loader import render_to_string

    for i in range(8):
        published(world.haishu_committee, name=f"首页品牌{i}")
    BrandFactory(organization=world.haishu_committee, name="草稿不上首页")
    html = render_to_string("portal/_brands_home.html")
    assert html.count('class="brand-card"') == 6
    assert "草稿不上首页" not in html
    assert reverse("brands:wall") in html


def test_unknown_filter_values_show_nothing_rather_than_failing(client, world):
    published(world.haishu_committee)
    response = client.get(WALL, {"district": "999999", "page": "abc"})
    assert response.status_code == 200


def test_the_timeline_shows_no_attendee_names(client, world):
    brand = published(world.haishu_committee)
    record = ActivityRecordFactory(organization=world.haishu_branch, brand=brand)
    record.attendees.set(world.haishu_members)
    html = client.get(reverse("brands:brand_detail", args=[brand.pk])).content.decode()
    for member in world.haishu_members:
        assert member.name not in html
    assert ActivityRecord.objects.count() == 1
