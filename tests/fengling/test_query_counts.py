"""The list pages cost the same number of queries with 3 members or 30 (no per-row query)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fengling import totals
from fengling.models import BoardEntry, BoardKind, BoardStatus
from tests.factories import MemberFactory
from tests.fengling.conftest import add_event


def _grow(world, community_behaviour, n: int) -> None:
    members = MemberFactory.create_batch(n, organization=world.haishu_branch)
    for member in members:
        add_event(member, community_behaviour("S1"))
        BoardEntry.objects.create(
            kind=BoardKind.BLACK,
            member=member,
            organization=world.haishu_branch,
            reason="x",
            deadline=timezone.localdate(),
            status=BoardStatus.OPEN,
        )
    totals.compute_months([timezone.localdate().replace(day=1)])


def _count(client, django_assert_max_num_queries, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["fengling:index", "fengling:board"])
def test_list_pages_cost_the_same_with_more_rows(
    client, world, community_behaviour, name, django_assert_max_num_queries
):
    client.force_login(world.haishu_secretary)
    _grow(world, community_behaviour, 2)
    small = _count(client, django_assert_max_num_queries, reverse(name))
    _grow(world, community_behaviour, 25)
    assert _count(client, django_assert_max_num_queries, reverse(name)) == small


def test_the_index_page_queries(client, world, community_behaviour, django_assert_num_queries):
    _grow(world, community_behaviour, 3)
    client.force_login(world.haishu_secretary)
    client.get(reverse("fengling:index"))  # warm the session
    with django_assert_num_queries(8):
        # 1. session 2. user 3. role assignments (grants, menu)
        # 4. the page's members (bounded count) 5. the members
        # 6. their month rows 7. their year rows 8. the freshness (latest computed_at)
        client.get(reverse("fengling:index"))
