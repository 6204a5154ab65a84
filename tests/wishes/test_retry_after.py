"""Every throttled answer (429) says when to come back: a Retry-After header, in the API and pages.

DRF's own throttle sends it from the throttle's window; the wish limits (per mobile, per IP) are
domain errors, which the API's error handler now turns into the same header.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from portal.api.errors import DEFAULT_RETRY_AFTER, exception_handler
from portal.api.throttling import PrincipalRateThrottle
from portal.errors import DomainError
from tests.harness import key_client, session_client
from tests.wishes.claim_helpers import published, volunteer
from tests.wishes.factories import WishFactory
from tests.wishes.test_open311_submit import key_for, submission
from tests.wishes.test_wish_api import LIST, body
from wishes.services.limits import OPEN_LIMIT_RETRY_AFTER

pytestmark = pytest.mark.django_db


def test_the_fourth_open_wish_through_the_api_says_when_to_retry(world):
    WishFactory.create_batch(3, community=world.haishu_community, resident_mobile="13812345678")

    response = key_client(world.haishu, ["wishes:write"]).post(LIST, body(world), format="json")

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_open_wishes"
    assert response["Retry-After"] == str(OPEN_LIMIT_RETRY_AFTER)


def test_the_fourth_open_wish_through_open311_says_when_to_retry(world, settings):
    key = key_for(world.haishu)
    WishFactory.create_batch(
        settings.WISH_MAX_OPEN_PER_MOBILE, community=world.haishu_community, resident_mobile="13812345678"
    )

    response = APIClient().post("/open311/v2/requests.json", submission(world, key, phone="13812345678"))

    assert response.status_code == 429
    assert response["Retry-After"] == str(OPEN_LIMIT_RETRY_AFTER)


def test_a_volunteer_over_the_api_budget_is_told_when_to_retry(world, monkeypatch):
    monkeypatch.setattr(PrincipalRateThrottle, "THROTTLE_RATES", {"principal": "2/min"})
    client = session_client(volunteer(world).user)
    wishes = [published(world) for _ in range(3)]

    statuses = [client.post(f"/api/v1/wishes/{w.pk}/claim/", {}, format="json") for w in wishes]

    assert [r.status_code for r in statuses] == [201, 201, 429]
    assert 0 < int(statuses[-1]["Retry-After"]) <= 60


def test_a_429_that_does_not_know_when_still_sends_retry_after():
    class Busy(DomainError):
        code, status_code = "busy", 429

    response = exception_handler(Busy(), {})

    assert response.status_code == 429 and response["Retry-After"] == str(DEFAULT_RETRY_AFTER)


def test_the_resident_confirm_page_over_its_lookup_rate_says_when_to_retry(client, world):
    url = reverse("wishes:resident_confirm", args=["3333333333"])

    responses = [client.get(url) for _ in range(12)]

    assert responses[-1].status_code == 429 and responses[-1]["Retry-After"] == "60"
