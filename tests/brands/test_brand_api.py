"""/api/v1/brands/: scoped to the requester, filtered, with figures, in a fixed number of queries."""

import pytest
from rest_framework.test import APIClient

from brands.models import BrandStatus
from brands.services.brands import set_tags
from tests.brands.factories import ActivityRecordFactory, BrandFactory, RecognitionFactory
from tests.harness import key_client, session_client

URL = "/api/v1/brands/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json()["results"])


@pytest.fixture
def brands(world):
    return {
        "haishu_draft": BrandFactory(organization=world.haishu_branch, name="海曙草稿"),
        "haishu_published": BrandFactory(
            organization=world.haishu_committee, name="海曙已发布", status=BrandStatus.PUBLISHED
        ),
        "jiangbei_published": BrandFactory(
            organization=world.jiangbei_branch, name="江北已发布", status=BrandStatus.PUBLISHED
        ),
    }


def test_staff_see_every_status_in_their_scope_only(world, brands):
    assert names(session_client(world.haishu_staff).get(URL)) == ["海曙已发布", "海曙草稿"]
    assert names(session_client(world.jiangbei_staff).get(URL)) == ["江北已发布"]
    assert names(session_client(world.city_staff).get(URL)) == ["江北已发布", "海曙已发布", "海曙草稿"]


def test_a_secretary_sees_their_branchs_brands_only(world, brands):
    assert names(session_client(world.haishu_secretary).get(URL)) == ["海曙草稿"]


def test_a_partner_key_sees_published_brands_in_its_region_only(world, brands):
    assert names(key_client(world.haishu).get(URL)) == ["海曙已发布"]
    assert names(key_client(world.city).get(URL)) == ["江北已发布", "海曙已发布"]


def test_a_partner_key_cannot_read_a_draft_or_another_region(world, brands):
    haishu_key = key_client(world.haishu)
    assert haishu_key.get(f"{URL}{brands['haishu_draft'].pk}/").status_code == 404
    response = haishu_key.get(f"{URL}{brands['jiangbei_published'].pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_an_outsider_gets_404_on_another_districts_brand(world, brands):
    client = session_client(world.jiangbei_staff)
    assert client.get(f"{URL}{brands['haishu_draft'].pk}/").status_code == 404


def test_anonymous_requests_are_refused(world, brands):
    assert APIClient().get(URL).status_code in (401, 403)


def test_the_api_is_read_only(world, brands):
    client = session_client(world.city_staff)
    assert client.post(URL, {"name": "新品牌"}, format="json").status_code == 405
    assert client.delete(f"{URL}{brands['haishu_draft'].pk}/").status_code == 405


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "330203"}, ["海曙已发布", "海曙草稿"]),
        ({"region": "330203001001001"}, ["海曙草稿"]),  # the haishu grid: the branch's brand only
        ({"region": "999999"}, []),
        ({"status": "published"}, ["江北已发布", "海曙已发布"]),
        ({"level": "city"}, ["江北已发布"]),
        ({"category": "governance"}, ["江北已发布"]),
        ({"tag": "红色物业"}, ["江北已发布"]),
        ({"q": "草稿"}, ["海曙草稿"]),
    ],
)
def test_the_list_filters(world, brands, query, expected):
    brands["jiangbei_published"].level = "city"
    brands["jiangbei_published"].category = "governance"
    brands["jiangbei_published"].save()
    set_tags(brands["jiangbei_published"], ["红色物业"])
    assert names(session_client(world.city_staff).get(URL, query)) == expected


def test_the_organization_filter_includes_suborganizations(world, brands):
    response = session_client(world.city_staff).get(URL, {"organization": world.haishu_committee.pk})
    assert names(response) == ["海曙已发布", "海曙草稿"]  # the committee's and its branch's


def test_a_brand_carries_its_figures_tags_and_recognitions(world, brands):
    brand = brands["haishu_published"]
    set_tags(brand, ["邻里互助"])
    RecognitionFactory(brand=brand, title="宁波市基层党建优秀案例", year=2021)
    ActivityRecordFactory(
        organization=world.haishu_committee,
        brand=brand,
        attendee_count=5,
        other_participants=2,
        people_served=40,
        satisfaction=90,
    )
    ActivityRecordFactory(
        organization=world.haishu_committee,
        brand=brand,
        attendee_count=3,
        other_participants=0,
        people_served=10,
        satisfaction=None,
    )
    body = key_client(world.haishu).get(f"{URL}{brand.pk}/").json()
    assert body["figures"]["activity_count"] == 2
    assert body["figures"]["participants"] == 10
    assert body["figures"]["people_served"] == 50
    assert body["figures"]["average_satisfaction"] == "90.0"
    assert body["figures"]["last_activity_at"]
    assert body["tags"] == ["邻里互助"]
    assert body["recognitions"] == [{"title": "宁波市基层党建优秀案例", "level": "city", "year": 2021}]
    assert body["region"] == world.haishu_community.code


def grow(world, count: int) -> None:
    for i in range(count):
        brand = BrandFactory(organization=world.haishu_committee, status=BrandStatus.PUBLISHED)
        set_tags(brand, [f"标签{i}", "共同"])
        RecognitionFactory(brand=brand)
        ActivityRecordFactory.create_batch(2, organization=world.haishu_committee, brand=brand)


def test_the_list_costs_the_same_queries_for_3_and_30_brands(world, django_assert_num_queries):
    client = key_client(world.haishu)

    def measure() -> None:
        with django_assert_num_queries(7):
            # 1. the API key  2. the page's ids  3. those brands  4. their tags
            # 5. their recognitions  6. their gallery images  7. their figures (one GROUP BY)
            response = client.get(URL)
        assert response.status_code == 200

    grow(world, 3)
    measure()
    grow(world, 27)
    measure()
