"""/api/v1/fengling/…: read-only. Indicator sets for every reader; monthly totals and yearly ratings
only within the requester's scope (a partner key's region, a session's grants), names masked, every
parameter bounded, and the list's query count independent of its length."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fengling import totals
from tests.factories import MemberFactory
from tests.fengling.conftest import add_event
from tests.harness import key_client, session_client

MONTH = dt.date(2026, 3, 1)


@pytest.fixture
def scored(world, community_behaviour):
    for member in [*world.haishu_members, *world.jiangbei_members]:
        add_event(member, community_behaviour("S1"), MONTH.replace(day=9))
    totals.compute_months([MONTH])
    return world


def test_indicator_sets_are_listed_with_their_behaviours(world):
    body = key_client(world.haishu).get("/api/v1/fengling/indicator-sets/").json()
    assert len(body["results"]) == 6
    assert all(len(s["behaviours"]) == 16 for s in body["results"])


@pytest.mark.parametrize("path", ["monthly-scores", "yearly-ratings"])
def test_a_haishu_key_reads_only_haishu_members(scored, path):
    body = key_client(scored.haishu).get(f"/api/v1/fengling/{path}/").json()
    assert {row["member"] for row in body["results"]} == {m.pk for m in scored.haishu_members}
    assert all("*" in row["member_name"] for row in body["results"])


def test_a_secretary_session_reads_their_branch(scored):
    body = (
        session_client(scored.jiangbei_secretary)
        .get("/api/v1/fengling/monthly-scores/?month=2026-03-01")
        .json()
    )
    assert {row["member"] for row in body["results"]} == {m.pk for m in scored.jiangbei_members}
    assert {row["total"] for row in body["results"]} == {2}


def test_another_districts_row_is_a_404(scored):
    from fengling.models import MonthlyScore

    row = MonthlyScore.objects.get(member=scored.jiangbei_members[0])
    assert key_client(scored.haishu).get(f"/api/v1/fengling/monthly-scores/{row.pk}/").status_code == 404


@pytest.mark.parametrize(
    "query", ["member=100000000000000000000000000000", "organization=0", "month=99999-01-01", "year=1000000"]
)
def test_out_of_range_parameters_are_a_400(world, query):
    path = "yearly-ratings" if query.startswith("year") else "monthly-scores"
    assert key_client(world.haishu).get(f"/api/v1/fengling/{path}/?{query}").status_code == 400


def test_the_list_costs_the_same_with_more_rows(scored, community_behaviour):
    client = key_client(scored.haishu)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/fengling/monthly-scores/").status_code == 200
        return len(captured)

    small = count()
    for member in MemberFactory.create_batch(10, organization=scored.haishu_branch):
        add_event(member, community_behaviour("S1"), MONTH)
    totals.compute_months([MONTH])
    assert count() == small
