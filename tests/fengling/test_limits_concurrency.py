"""Two secretaries scoring one member for the same behaviour at the same moment, on PostgreSQL: the
member's row is locked before the month's points are summed, so the limit holds (one event of a
behaviour worth its whole monthly limit is recorded, the others are refused)."""

import pytest
from django.utils import timezone

from fengling import defaults, services
from fengling.models import Behaviour, ScoreEvent
from fengling.services import LimitExceeded
from grids.models import PartyMember
from portal.models import Role
from tests.factories import UserFactory, assign
from tests.harness import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_limit_holds_when_secretaries_score_at_once(world):
    defaults.load()  # transactional tests flush tables: the migration's rows may be gone
    behaviour = Behaviour.objects.get(indicator_set__field="community", code="P2")  # +1, at most 1
    member_pk = world.haishu_members[0].pk
    secretaries = [
        assign(UserFactory(), Role.BRANCH_SECRETARY, organization=world.haishu_branch) for _ in range(6)
    ]

    def attempt_by(secretary):
        member = PartyMember.objects.select_related("organization__region").get(pk=member_pk)
        chosen = Behaviour.objects.select_related("indicator_set").get(pk=behaviour.pk)

        def attempt() -> str:
            try:
                services.score_record(
                    actor=secretary, member=member, behaviour=chosen, occurred_on=timezone.localdate()
                )
            except LimitExceeded:
                return "refused"
            return "recorded"

        return attempt

    outcomes = run_together([attempt_by(s) for s in secretaries])
    assert outcomes == {"recorded": 1, "refused": 5}
    assert ScoreEvent.objects.filter(member_id=member_pk).count() == 1
