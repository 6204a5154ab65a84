"""Throttling: each API key (and each user) has its own request budget."""

import pytest
from rest_framework.test import APIClient

from portal.api.throttling import PrincipalRateThrottle
from tests.harness import key_client

URL = "/api/v1/regions/"


@pytest.fixture(autouse=True)
def low_rate(monkeypatch):
    # DRF copies DEFAULT_THROTTLE_RATES onto the class at import: patch the class, not settings.
    monkeypatch.setattr(PrincipalRateThrottle, "THROTTLE_RATES", {"principal": "3/min"})


def test_the_request_over_the_budget_is_429_in_the_json_shape(world):
    client = key_client(world.haishu)
    assert [client.get(URL).status_code for _ in range(3)] == [200, 200, 200]

    response = client.get(URL)

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"]
    assert int(response["Retry-After"]) > 0


def test_another_key_keeps_its_own_budget(world):
    busy, quiet = key_client(world.haishu), key_client(world.haishu)
    for _ in range(4):
        busy.get(URL)

    assert busy.get(URL).status_code == 429
    assert quiet.get(URL).status_code == 200


def test_session_users_are_throttled_per_user(world):
    haishu, jiangbei = APIClient(), APIClient()
    haishu.force_login(world.haishu_staff)
    jiangbei.force_login(world.jiangbei_staff)
    for _ in range(3):
        haishu.get(URL)

    assert haishu.get(URL).status_code == 429
    assert jiangbei.get(URL).status_code == 200
