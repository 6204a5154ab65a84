import datetime as dt

import pytest
from django.utils import timezone

from fengling.models import Behaviour, Field, ScoreEvent, month_start


@pytest.fixture
def community_behaviour(db):
    """The community set's behaviours by code (shipped by migration 0002): the world's branches are
    in a grid whose name has no 村, so they are scored by the 社区 set."""

    def get(code: str) -> Behaviour:
        return Behaviour.objects.select_related("indicator_set").get(
            indicator_set__field=Field.COMMUNITY, code=code
        )

    return get


def add_event(
    member, behaviour: Behaviour, day: dt.date | None = None, points: int | None = None
) -> ScoreEvent:
    """An event written directly (the service's rules are tested on their own)."""
    day = day or timezone.localdate()
    return ScoreEvent.objects.create(
        member=member,
        organization_id=member.organization_id,
        behaviour=behaviour,
        points=behaviour.points if points is None else points,
        occurred_on=day,
        month=month_start(day),
    )
