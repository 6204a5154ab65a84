"""What a claim costs: in a rush nearly every attempt loses, so a loss must cost no more than the
authentication around it (bench/claim_race.py compares it with a trivial POST).

Alice wins the wish; Bob, a moment later, is told 已被认领 without a transaction being opened.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.models import Message
from tests.harness import session_client
from tests.wishes.claim_helpers import claimed, published, volunteer
from wishes.models import WishClaim, WishEvent

pytestmark = pytest.mark.django_db


def test_a_lost_claim_through_the_api_costs_three_queries(world, django_assert_num_queries):
    wish = claimed(world).wish
    bob = session_client(volunteer(world).user)

    with django_assert_num_queries(3):
        # 1. the session, 2. its user, 3. Bob's active volunteer profile (with the role registration
        # gives) and the wish's status, in one query; no BEGIN, UPDATE, ROLLBACK
        response = bob.post(f"/api/v1/wishes/{wish.pk}/claim/", {}, format="json")

    assert response.status_code == 409 and response.json()["error"]["code"] == "already_claimed"
    assert WishClaim.objects.filter(wish=wish).count() == 1


def test_a_lost_claim_through_the_page_opens_no_transaction(client, world, django_assert_num_queries):
    wish = claimed(world).wish
    client.force_login(volunteer(world).user)

    with django_assert_num_queries(3):
        # 1. the session, 2. its user, 3. Bob's active volunteer profile (the gate's rule) with the
        # wish's status, as in the API; no gate queries, no BEGIN, UPDATE, ROLLBACK
        response = client.post(reverse("wishes:claim", args=[wish.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("wishes:wall")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["该心愿已被认领，请看看其他心愿。"]


def test_a_volunteer_without_the_role_registration_gives_cannot_claim_through_the_api(world):
    # The one-query lookup keeps the rule of volunteers.selectors.volunteer_of.
    bob = volunteer(world)
    bob.user.assignments.all().delete()

    response = session_client(bob.user).post(
        f"/api/v1/wishes/{published(world).pk}/claim/", {}, format="json"
    )

    assert response.status_code == 403


def test_the_winner_is_told_after_commit_and_the_timeline_names_the_claimant(
    world, django_capture_on_commit_callbacks
):
    wish = published(world)
    alice = volunteer(world)

    with django_capture_on_commit_callbacks(execute=True):
        response = session_client(alice.user).post(f"/api/v1/wishes/{wish.pk}/claim/", {}, format="json")

    assert response.status_code == 201
    event = WishEvent.objects.get(wish=wish, kind="claimed")
    assert (event.actor_kind, event.actor_id) == ("claimant", alice.user_id)
    assert Message.objects.filter(recipient=alice.user, kind="wishes.claimed").count() == 1


def test_the_one_query_path_still_answers_404_for_a_wish_not_on_the_wall(world):
    submitted = published(world, status="submitted", published_at=None)
    bob = session_client(volunteer(world).user)

    response = bob.post(f"/api/v1/wishes/{submitted.pk}/claim/", {}, format="json")

    assert response.status_code == 404 and not WishClaim.objects.exists()


def test_a_volunteer_without_the_role_registration_gives_cannot_claim_through_the_page(client, world):
    # The page's one-query path keeps the gate's rule: without the role, the gate refuses.
    wish = claimed(world).wish
    bob = volunteer(world)
    bob.user.assignments.all().delete()
    client.force_login(bob.user)

    response = client.post(reverse("wishes:claim", args=[wish.pk]))

    assert response.status_code == 403
    assert WishClaim.objects.filter(wish=wish).count() == 1


def test_the_page_still_claims_a_published_wish_and_refuses_a_missing_one(client, world):
    wish = published(world)
    alice = volunteer(world)
    client.force_login(alice.user)

    assert client.post(reverse("wishes:claim", args=[wish.pk + 1000])).status_code == 404
    response = client.post(reverse("wishes:claim", args=[wish.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("wishes:mine")
    assert WishClaim.objects.get(wish=wish).claimed_by == alice.user
