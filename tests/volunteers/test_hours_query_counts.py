"""The review queue, my hours, the team list and the API lists cost the same queries for 1 row as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import ApiScope
from tests.harness import key_client
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, StationFactory, TeamFactory, approved_record
from volunteers.services.teams import membership_decide, membership_request


def _grow(world, n: int) -> None:
    station = StationFactory(region=world.haishu_street)
    for _ in range(n):
        volunteer = VolunteerFactory(community=world.haishu_community)
        team = TeamFactory(station=station, leader=volunteer)
        member = VolunteerFactory(community=world.haishu_community)
        membership_decide(
            actor=world.haishu_staff, membership=membership_request(volunteer=member, team=team), approve=True
        )
        RecordFactory(volunteer=volunteer, team=team)
        approved_record(member, world.haishu_staff, team=team)


def _count(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page",
    [
        ("staff", "/volunteers/hours/review/"),
        ("visitor", "/volunteers/teams/"),
        ("key", "/api/v1/teams/"),
        ("key", "/api/v1/service-records/"),
        ("volunteer", "/volunteers/me/hours/"),
        ("volunteer", "/api/v1/service-records/"),
    ],
)
def test_the_query_count_does_not_grow_with_rows(world, client, page):
    who, url = page
    own = VolunteerFactory(community=world.haishu_community)
    api = key_client(world.haishu, [ApiScope.READ])

    def call():
        if who == "staff":
            client.force_login(world.haishu_staff)
        elif who == "volunteer":
            client.force_login(own.user)
        if who == "key":
            return api.get(url)
        return client.get(url)

    def grow_own(n: int) -> None:
        for _ in range(n):
            approved_record(own, world.haishu_staff)

    _grow(world, 1)
    grow_own(1)
    _count(call)  # warm up: first-use reads (content types, the site's settings) are not the page's
    few = _count(call)
    _grow(world, 6)
    grow_own(6)
    assert _count(call) == few


def test_the_review_queue_costs_a_fixed_number_of_queries(world, client, django_assert_num_queries):
    _grow(world, 5)
    client.force_login(world.haishu_staff)
    with django_assert_num_queries(5):
        # 1. session, 2. user, 3. role assignments (gate, scope and menu: no volunteer role, so no
        # profile query), 4. count of the queue, 5. the page of records with volunteer, event, team
        # and region joined
        client.get("/volunteers/hours/review/")
