"""Per-item monthly limits: a refusal, not a cap. An event that would take a member's points for one
behaviour in one month past its limit is not recorded, and the message says why."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from fengling import services
from fengling.models import ScoreEvent
from fengling.services import LimitExceeded

_NOTES = itertools.count()


def record(world, member, behaviour, day=None):
    # Each a separate event (its own note): the same event sent twice is refused before any limit.
    return services.score_record(
        actor=world.haishu_secretary,
        member=member,
        behaviour=behaviour,
        occurred_on=day or timezone.localdate(),
        note=f"第{next(_NOTES)}次",
    )


def test_it_records_up_to_the_limit_and_refuses_the_next(world, community_behaviour):
    member, p1 = world.haishu_members[0], community_behaviour("P1")  # +2, at most 4 a month
    record(world, member, p1)
    record(world, member, p1)
    with pytest.raises(LimitExceeded) as refused:
        record(world, member, p1)
    assert "每月最多计 4 分" in refused.value.message and "已计 4 分" in refused.value.message
    assert ScoreEvent.objects.filter(member=member).count() == 2


def test_deductions_have_their_limit_too(world, community_behaviour):
    member, d4 = world.haishu_members[0], community_behaviour("D4")  # -5, at most 10 a month
    record(world, member, d4)
    record(world, member, d4)
    with pytest.raises(LimitExceeded):
        record(world, member, d4)


def test_the_limit_is_per_member_behaviour_and_month(world, community_behaviour):
    alice, bob = world.haishu_members[:2]
    p2 = community_behaviour("P2")  # +1, at most 1 a month
    today = timezone.localdate()
    record(world, alice, p2)
    record(world, bob, p2)
    record(world, alice, community_behaviour("P1"))
    record(world, alice, p2, today.replace(day=1) - dt.timedelta(days=1))
    assert ScoreEvent.objects.count() == 4


def test_a_voided_event_frees_its_points(world, community_behaviour):
    member, p2 = world.haishu_members[0], community_behaviour("P2")
    event = record(world, member, p2)
    services.score_correct(actor=world.haishu_secretary, event=event, points=0, reason="重复记录")
    record(world, member, p2)
    assert ScoreEvent.objects.filter(member=member).count() == 2


def test_a_future_date_is_refused(world, community_behaviour):
    with pytest.raises(ValidationError):
        record(
            world,
            world.haishu_members[0],
            community_behaviour("P1"),
            timezone.localdate() + dt.timedelta(days=1),
        )


def test_another_fields_behaviour_is_refused(world):
    from fengling.models import Behaviour

    rural = Behaviour.objects.get(indicator_set__field="rural", code="P1")
    with pytest.raises(ValidationError):
        record(world, world.haishu_members[0], rural)


def test_the_page_shows_the_refusal_and_saves_nothing(client, world, community_behaviour):
    member, p2 = world.haishu_members[0], community_behaviour("P2")
    record(world, member, p2)
    client.force_login(world.haishu_secretary)
    response = client.post(
        reverse("fengling:record", args=[member.pk]),
        {"behaviour": p2.pk, "occurred_on": timezone.localdate().isoformat(), "note": "另一次"},
    )
    assert response.status_code == 200
    assert "每月最多计 1 分" in response.content.decode()
    assert ScoreEvent.objects.filter(member=member).count() == 1


def test_the_same_event_sent_twice_is_recorded_once(client, world, community_behaviour):
    member, p1 = world.haishu_members[0], community_behaviour("P1")  # +2, at most 4 a month
    client.force_login(world.haishu_secretary)
    form = {"behaviour": p1.pk, "occurred_on": timezone.localdate().isoformat(), "note": "社区清扫"}
    first = client.post(reverse("fengling:record", args=[member.pk]), form)
    second = client.post(reverse("fengling:record", args=[member.pk]), form)  # a double tap, a second tab
    assert first.status_code == 302 and second.status_code == 200
    assert "已经记录过了" in second.content.decode()
    assert ScoreEvent.objects.filter(member=member).count() == 1
    # Another event of the same kind that day, told apart by its note, is recorded.
    other = client.post(reverse("fengling:record", args=[member.pk]), {**form, "note": "楼道清扫"})
    assert other.status_code == 302 and ScoreEvent.objects.filter(member=member).count() == 2
