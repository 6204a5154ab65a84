"""/api/v1/events/: scoped like the pages, free places and waitlist length, sign-up and cancel
for the volunteer's own session (with CSRF), refused to partner keys."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.harness import key_client, session_client
from tests.volunteers.event_helpers import haishu_event, volunteers
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import Signup, SignupStatus
from volunteers.services.events import event_signup

pytestmark = pytest.mark.django_db

LIST = "/api/v1/events/"


def detail(event) -> str:
    return f"{LIST}{event.pk}/"


@pytest.fixture
def alice(world):
    return VolunteerFactory(community=world.haishu_community)


def test_the_list_shows_free_places_and_the_waitlist(world, alice):
    event = haishu_event(world, capacity=1)
    for person in volunteers(world, 3):
        event_signup(volunteer=person, event=event)
    [row] = session_client(alice.user).get(LIST).json()["results"]
    assert (row["id"], row["free"], row["waitlisted"], row["signed"]) == (event.pk, 0, 2, 1)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("haishu_community_staff", 200),
        ("haishu_staff", 200),
        ("jiangbei_staff", 404),
        ("jiangbei_secretary", 404),
        ("volunteer", 404),  # an account without a volunteer profile sees no events
    ],
)
def test_who_reads_an_event(world, who, expected):
    event = haishu_event(world)
    assert session_client(getattr(world, who)).get(detail(event)).status_code == expected


def test_keys_read_their_own_regions_events(world):
    event = haishu_event(world)
    assert key_client(world.haishu).get(detail(event)).status_code == 200
    assert key_client(world.jiangbei).get(detail(event)).status_code == 404
    assert key_client(world.jiangbei).get(LIST).json()["results"] == []


def test_a_key_cannot_sign_up(world):
    event = haishu_event(world)
    client = key_client(world.haishu, scopes=["read", "service:write"])
    response = client.post(f"{detail(event)}signup/")
    assert response.status_code == 403
    assert not Signup.objects.exists()


def test_a_volunteer_signs_up_and_cancels_with_the_session_and_csrf_token(world, alice):
    event = haishu_event(world, capacity=1)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice.user)
    assert client.post(f"{detail(event)}signup/").status_code == 403  # no CSRF token
    client.get(reverse("volunteers:event_list"))  # the page sets the CSRF cookie, as a browser's would
    token = client.cookies["csrftoken"].value
    response = client.post(f"{detail(event)}signup/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == SignupStatus.SIGNED
    again = client.post(f"{detail(event)}signup/", HTTP_X_CSRFTOKEN=token)
    assert again.status_code == 409 and "不能重复报名" in again.json()["error"]["message"]
    cancelled = client.post(f"{detail(event)}cancel/", HTTP_X_CSRFTOKEN=token)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == SignupStatus.CANCELLED


def test_the_waitlist_position_is_returned(world, alice):
    event = haishu_event(world, capacity=1)
    event_signup(volunteer=VolunteerFactory(community=world.haishu_community), event=event)
    response = session_client(alice.user).post(f"{detail(event)}signup/")
    assert response.json()["status"] == SignupStatus.WAITLISTED
    assert response.json()["waitlist_position"] == 1


def test_staff_without_a_volunteer_profile_cannot_sign_up(world):
    event = haishu_event(world)
    response = session_client(world.haishu_community_staff).post(f"{detail(event)}signup/")
    assert response.status_code == 403


def test_filters(world, alice):
    haishu_event(world, title="海曙")
    haishu_event(world, title="江北", region=world.jiangbei_community, created_by=world.jiangbei_staff)
    client = session_client(alice.user)
    rows = client.get(LIST, {"region": world.jiangbei.code}).json()["results"]
    assert [r["title"] for r in rows] == ["江北"]
    assert client.get(LIST, {"team": str(10**30)}).status_code == 400
    assert client.get(LIST, {"date_from": "0001-01-01"}).status_code == 400


def test_the_list_costs_the_same_queries_for_3_or_30_events(world, alice, django_assert_num_queries):
    client = session_client(alice.user)
    for _ in range(3):
        haishu_event(world)

    def list_api():
        with django_assert_num_queries(7):
            # 1. session  2. user  3. role assignments (scope)  4. the volunteer profile
            # 5. the page's ids  6. those events with region, organization, team and waitlist
            # count  7. wanted specialties
            return client.get(LIST)

    assert len(list_api().json()["results"]) == 3
    for _ in range(27):
        haishu_event(world)
    assert len(list_api().json()["results"]) == 30
