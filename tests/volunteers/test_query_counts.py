"""The volunteer list, my page and the API list read a fixed number of queries, whatever the rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.harness import session_client
from tests.volunteers.factories import EventFactory, VolunteerFactory
from volunteers.models import (
    Certificate,
    Post,
    PostHolding,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    Specialty,
)


def add_history(volunteer, world, n: int) -> None:
    today = timezone.localdate()
    ServiceRecord.objects.bulk_create(
        ServiceRecord(
            volunteer=volunteer,
            region=world.haishu_community,
            source=RecordSource.DECLARED,
            served_on=today - dt.timedelta(days=7 * i),
            hours=Decimal("2.5"),
            description="巡逻",
            status=RecordStatus.APPROVED,
        )
        for i in range(n)
    )
    for i in range(n):
        event = EventFactory(
            region=world.haishu_community, starts_at=timezone.now() + dt.timedelta(days=3 + i)
        )
        event.wanted_specialties.add(Specialty.objects.first())
        Signup.objects.create(
            event=event,
            volunteer=volunteer,
            status=SignupStatus.SIGNED,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
        )
        EventFactory(region=world.haishu_street)
        Certificate.objects.create(
            number=f"ZY{volunteer.pk:06d}{i:04d}",
            volunteer=volunteer,
            period_start=today,
            period_end=today,
            hours=1,
            records=1,
            issuer="海曙区",
        )


@pytest.mark.parametrize("n", [1, 6])
def test_my_page_costs_the_same_whatever_the_history(client, world, django_assert_num_queries, n):
    volunteer = VolunteerFactory(community=world.haishu_community, user=world.volunteer)
    volunteer.specialties.add(Specialty.objects.first())
    post = Post.objects.create(community=world.haishu_community, name="治安巡逻", capacity=3, taken=1)
    PostHolding.objects.create(post=post, volunteer=volunteer)
    add_history(volunteer, world, n)
    client.force_login(world.volunteer)
    with django_assert_num_queries(15):
        # 1. session  2. user  3. role assignments (menu and the volunteer gate)  4. the profile
        # 5. post held  6. teams  7. upcoming sign-ups  8. hours by month  9. certificates
        # 10. events for you (nearness and wanted specialties computed in SQL)
        # 11. the live claims, own and the teams'  12. the teams for them  13. wishes near me
        # 14. my specialties  15. wishes for them
        response = client.get("/volunteers/me/")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_the_volunteer_list_costs_the_same_whatever_the_rows(client, world, django_assert_num_queries, n):
    VolunteerFactory.create_batch(n, community=world.haishu_community)
    client.force_login(world.haishu_staff)
    with django_assert_num_queries(6):
        # 1. session  2. user  3. role assignments  4. specialties for the filter's select
        # 5. the bounded count  6. the page, with each row's community
        response = client.get("/volunteers/")
    assert response.status_code == 200


@pytest.mark.parametrize("n", [1, 8])
def test_the_api_list_costs_the_same_whatever_the_rows(world, django_assert_num_queries, n):
    for volunteer in VolunteerFactory.create_batch(n, community=world.haishu_community):
        volunteer.specialties.set(Specialty.objects.all()[:2])
    client = session_client(world.haishu_staff)
    with django_assert_num_queries(6):
        # 1. session  2. user  3. role assignments  4. the page's ids (the API's pagination counts
        # nothing)  5. those volunteers with their communities  6. their specialties
        response = client.get("/api/v1/volunteers/")
    assert response.status_code == 200
