"""A NUL character in a JSON body is a 400 at the door, and a body the idempotency store cannot hold
never turns into a 500 (schemathesis found an unknown field named with a NUL: its 400 broke the
PostgreSQL jsonb store of the Idempotency-Key record)."""

import json

from django.db import DataError

from brands.models import ActivityRecord
from portal.models import IdempotencyRecord
from tests.harness import key_client


def _post(client, body: dict, key: str = "nul-1"):
    return client.post(
        "/api/v1/activities/",
        json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_it_refuses_a_nul_in_a_field_name(world):
    client = key_client(world.haishu, ["read", "activities:write"])

    response = _post(client, {"kind": "party_lecture", "to\x00pic": "x"})

    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]
    assert ActivityRecord.objects.count() == 0


def test_it_refuses_a_nul_nested_in_a_value(world):
    client = key_client(world.haishu, ["read", "activities:write"])

    response = _post(client, {"kind": "party_lecture", "attendees": [1, {"a": ["\x00"]}]})

    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]


def test_a_response_the_store_cannot_hold_is_answered_and_the_key_released(world, monkeypatch):
    client = key_client(world.haishu, ["read", "activities:write"])

    insert = IdempotencyRecord.save

    def refuse_the_stored_response(record, *args, **kwargs):
        if kwargs.get("update_fields"):
            raise DataError("unsupported Unicode escape sequence")
        insert(record, *args, **kwargs)

    monkeypatch.setattr(IdempotencyRecord, "save", refuse_the_stored_response)
    response = _post(client, {"kind": "no-such-kind"}, key="cannot-store")

    assert response.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="cannot-store").exists()
