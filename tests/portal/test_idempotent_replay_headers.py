"""A replayed Idempotency-Key POST answers with the first response's headers too (Location)."""

import datetime as dt

from django.utils import timezone

from brands.models import ActivityKind, ActivityRecord
from tests.harness import key_client


def test_a_replay_carries_the_location_of_the_record_made_the_first_time(world):
    client = key_client(world.haishu, ["read", "activities:write"])
    end = timezone.now() - dt.timedelta(hours=1)
    body = {
        "organization": world.haishu_branch.pk,
        "kind": ActivityKind.THEME_DAY,
        "topic": "走进红色教育基地",
        "started_at": (end - dt.timedelta(hours=2)).isoformat(),
        "ended_at": end.isoformat(),
        "place": "宁波市革命烈士陵园",
    }

    first, replay = (
        client.post("/api/v1/activities/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
        for _ in range(2)
    )

    assert ActivityRecord.objects.count() == 1
    assert first["Location"] == f"http://testserver/api/v1/activities/{first.json()['id']}/"
    assert (replay.status_code, replay.json(), replay["Location"]) == (201, first.json(), first["Location"])
    assert replay["Idempotent-Replayed"] == "true"
