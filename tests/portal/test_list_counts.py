"""Long lists are not counted on every view: a bounded count, then a count cached per query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grids.models import PartyMember
from portal import pages
from tests.factories import MemberFactory


@pytest.fixture
def short_limit(monkeypatch):
    # Stands for the 1,000 rows above which a list counts as long.
    monkeypatch.setattr(pages, "EXACT_COUNT_UP_TO", 5)


def paginator(queryset):
    return pages.CityPaginator(queryset, 2)


def test_a_short_list_is_counted_exactly_with_one_bounded_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        # 1. COUNT over at most EXACT_COUNT_UP_TO + 1 rows
        counted = paginator(PartyMember.objects.order_by("id"))
        assert (counted.count, counted.num_pages, counted.approximate) == (6, 3, False)


def test_a_long_list_is_counted_once_and_the_count_reused(world, short_limit):
    MemberFactory.create_batch(7, organization=world.haishu_branch)
    first = paginator(PartyMember.objects.order_by("id"))
    assert (first.count, first.approximate) == (13, True)

    MemberFactory.create_batch(2, organization=world.haishu_branch)
    with CaptureQueriesContext(connection) as captured:
        again = paginator(PartyMember.objects.order_by("id"))
        assert (again.count, again.approximate) == (13, True)  # the cached figure, minutes old at most
    assert len(captured) == 1 and "LIMIT" in captured[0]["sql"].upper()  # only the bounded count ran


def test_each_scope_has_its_own_cached_count(world, short_limit):
    MemberFactory.create_batch(7, organization=world.haishu_branch)
    MemberFactory.create_batch(8, organization=world.jiangbei_branch)
    haishu = paginator(PartyMember.objects.visible_to(world.haishu_staff))
    jiangbei = paginator(PartyMember.objects.visible_to(world.jiangbei_staff))
    assert (haishu.count, jiangbei.count) == (10, 11)


def test_the_member_list_says_a_cached_count_is_approximate(client, world, short_limit):
    MemberFactory.create_batch(7, organization=world.haishu_branch)
    client.force_login(world.haishu_staff)
    page = client.get(reverse("grids:member_list")).content.decode()
    assert "约 10 名党员" in page  # the district's: three and seven
