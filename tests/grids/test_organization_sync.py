"""A partner syncs organizations incrementally: ?updated_after=<last sync>&ordering=updated_at, then the cursor."""

import datetime as dt

from django.utils import timezone

from grids.models import PartyOrganization
from tests.harness import key_client


def test_updated_after_lists_only_what_changed_since_in_update_order(world):
    client = key_client(world.city)
    long_ago = timezone.now() - dt.timedelta(days=30)
    PartyOrganization.objects.update(updated_at=long_ago)
    since = long_ago + dt.timedelta(days=1)
    world.haishu_branch.name = "海曙区网格党支部（更名）"
    world.haishu_branch.save()

    rows = []
    url = f"/api/v1/organizations/?updated_after={since.isoformat().replace('+', '%2B')}&ordering=updated_at&page_size=1"
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]

    assert [row["id"] for row in rows] == [world.haishu_branch.pk]


def test_a_bad_updated_after_is_a_400(world):
    response = key_client(world.city).get("/api/v1/organizations/?updated_after=yesterday")

    assert response.status_code == 400
    assert "updated_after" in response.json()["error"]["fields"]
