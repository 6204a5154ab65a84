"""The admin shows the Fengling rows and offers no way to delete or change a score event."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.fengling.conftest import add_event


@pytest.mark.parametrize(
    "model", ["organizationfield", "indicatorset", "scoreevent", "scorecorrection", "boardentry"]
)
def test_the_lists_open(client, world, community_behaviour, model):
    add_event(world.haishu_members[0], community_behaviour("P1"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get(reverse(f"admin:fengling_{model}_changelist")).status_code == 200


def test_an_event_cannot_be_deleted_there(client, world, community_behaviour):
    event = add_event(world.haishu_members[0], community_behaviour("P1"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert (
        client.post(reverse("admin:fengling_scoreevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    event.refresh_from_db()
