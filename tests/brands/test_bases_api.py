"""/api/v1/bases/: open bases in the key's region, each coming slot with its free places."""

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from brands.services.bases import slot_book
from tests.brands.activity_factories import SlotFactory
from tests.harness import key_client

URL = "/api/v1/bases/"


def test_it_lists_the_coming_slots_of_the_regions_bases_with_free_places(world):
    slot = SlotFactory(base__region=world.haishu_community, base__name="海曙红色驿站", capacity=3)
    SlotFactory(base=slot.base, starts_at=timezone.now() - dt.timedelta(days=1))  # past: not listed
    SlotFactory(base__region=world.jiangbei_community)  # another district
    slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)

    response = key_client(world.haishu).get(URL)
    assert response.status_code == 200
    [base] = response.json()["results"]
    assert (base["name"], base["region"]) == ("海曙红色驿站", world.haishu_community.code)
    assert [(s["id"], s["capacity"], s["booked"], s["free"]) for s in base["slots"]] == [(slot.pk, 3, 1, 2)]


def test_inactive_bases_are_not_listed(world):
    slot = SlotFactory(base__region=world.haishu_community)
    slot.base.is_active = False
    slot.base.save()
    assert key_client(world.city).get(URL).json()["results"] == []


def test_it_filters_by_region_and_costs_the_same_for_more_bases(world, django_assert_num_queries):
    client = key_client(world.city)
    SlotFactory(base__region=world.haishu_community)
    with django_assert_num_queries(4):
        # 1. the API key with its region  2. the page's ids  3. those bases with their regions
        # 4. their coming slots
        client.get(URL)
    for _ in range(10):
        SlotFactory(base__region=world.jiangbei_community)
    with django_assert_num_queries(4):
        response = client.get(URL, {"page_size": 50})
    assert len(response.json()["results"]) == 11
    with django_assert_num_queries(5):
        # ... and 5. the region named by the filter
        response = client.get(URL, {"region": world.haishu.code})
    assert len(response.json()["results"]) == 1


def test_bases_are_read_only(world):
    client = APIClient()
    client.force_login(world.city_staff)
    response = client.post(URL, {"name": "新基地"}, format="json")
    assert response.status_code == 405
