"""一月一汇总: the job sums each member's month into MonthlyScore, replacing rather than adding,
so running it twice gives the same rows; a recorded event's month is recomputed after commit."""

import datetime as dt
import threading

from django.db import connections
from django.utils import timezone

from fengling import services, tasks, totals
from fengling.models import MonthlyScore, YearlyRating
from tests.fengling.conftest import add_event

JAN, FEB = dt.date(2026, 1, 1), dt.date(2026, 2, 1)


def rows() -> list[tuple]:
    return list(
        MonthlyScore.objects.order_by("member_id", "month").values_list(
            "member_id", "month", "gained", "deducted", "total", "events"
        )
    )


def test_it_sums_each_members_month_by_hand(world, community_behaviour):
    alice, bob, _ = world.haishu_members
    p1, s1, p4 = community_behaviour("P1"), community_behaviour("S1"), community_behaviour("P4")
    add_event(alice, p1, JAN.replace(day=5))  # +2
    add_event(alice, s1, JAN.replace(day=20))  # +2
    add_event(alice, p4, JAN.replace(day=28))  # -3
    add_event(alice, s1, FEB.replace(day=3))  # +2
    add_event(bob, p4, FEB.replace(day=9))  # -3

    written = totals.compute_months([JAN, FEB])

    assert written == 3 + 2  # the month rows and the year rows, as the job reports them
    assert rows() == [
        (alice.pk, JAN, 4, 3, 1, 3),
        (alice.pk, FEB, 2, 0, 2, 1),
        (bob.pk, FEB, 0, 3, -3, 1),
    ]
    years = dict(YearlyRating.objects.values_list("member_id", "score"))
    assert years == {alice.pk: 80 + 3, bob.pk: 80 - 3}
    # The organization is the member's own, and the rating is the thresholds' (rating_for).
    assert set(YearlyRating.objects.values_list("organization_id", "rating")) == {
        (alice.organization_id, "qualified")
    }


def test_running_it_twice_changes_nothing(world, community_behaviour):
    alice = world.haishu_members[0]
    add_event(alice, community_behaviour("P1"), JAN)
    totals.compute_months([JAN])
    first = rows()
    totals.compute_months([JAN])
    totals.compute_member_month(alice.pk, JAN)
    assert rows() == first and MonthlyScore.objects.count() == 1
    assert YearlyRating.objects.count() == 1


def test_a_month_whose_events_were_voided_keeps_a_zero_total(world, community_behaviour):
    alice = world.haishu_members[0]
    event = add_event(alice, community_behaviour("P1"), JAN)
    totals.compute_months([JAN])
    event.points = 0
    event.save()
    totals.compute_months([JAN])
    assert rows() == [(alice.pk, JAN, 0, 0, 0, 1)]


def test_a_recorded_event_updates_the_members_month_after_commit(
    world, community_behaviour, django_capture_on_commit_callbacks
):
    alice = world.haishu_members[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.score_record(
            actor=world.haishu_secretary,
            member=alice,
            behaviour=community_behaviour("S3"),
            occurred_on=timezone.localdate(),
        )
    month = timezone.localdate().replace(day=1)
    assert MonthlyScore.objects.get(member=alice, month=month).total == 5


def test_the_scheduled_task_recomputes_recent_months_and_is_safe_twice(world, community_behaviour):
    alice = world.haishu_members[0]
    add_event(alice, community_behaviour("P1"))
    assert tasks.compute_totals() == 2  # one month row, one year row
    assert tasks.compute_totals() == 2
    assert MonthlyScore.objects.count() == 1


def test_the_scheduled_run_skips_while_another_holds_the_lock(world):
    # Another process's run, here a thread with its own connection (a PostgreSQL advisory lock is
    # re-entrant within one session, so the holder must be another connection).
    held, done = threading.Event(), threading.Event()

    def other_run() -> None:
        try:
            with totals.exclusive(wait=True):
                held.set()
                done.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_run)
    thread.start()
    try:
        assert held.wait(10)
        assert totals.run_scheduled() is None
    finally:
        done.set()
        thread.join()
    assert totals.run_scheduled() == 0


def test_recent_months_cross_the_year():
    assert totals.recent_months(dt.date(2026, 1, 15), 3) == [JAN, dt.date(2025, 12, 1), dt.date(2025, 11, 1)]
