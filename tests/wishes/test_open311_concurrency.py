"""A partner whose client times out and retries at once: the same Open311 submission sent five times
together makes one wish (the idempotency record's unique index decides), on PostgreSQL."""

import pytest
from rest_framework.test import APIClient

from portal.models import PartnerAPIKey
from tests.harness import run_together
from wishes.models import Wish


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_identical_submissions_at_once_make_one_wish(world):
    _api_key, key = PartnerAPIKey.objects.create_key(
        name="o", partner="海曙区平台", region=world.haishu, scopes=["wishes:write"]
    )
    data = {
        "api_key": key,
        "service_code": "supplies",
        "description": "想要一袋大米。",
        "last_name": "王",
        "first_name": "小梅",
        "phone": "13712345678",
        "attribute[community]": world.haishu_community.code,
        "attribute[consent]": "yes",
    }

    def submit() -> str:
        return str(APIClient().post("/open311/v2/requests.json", data).status_code)

    outcomes = run_together([submit] * 5)

    assert set(outcomes) <= {"201", "409"} and outcomes["201"] >= 1, outcomes
    assert Wish.objects.count() == 1
