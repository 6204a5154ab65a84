"""A notification task redelivered while it still runs, on PostgreSQL (real row locks): the same
messages and e-mails once, and unread counts that match the messages."""

import pytest
from django.core import mail

from portal import notifications
from portal.models import Message
from tests.factories import UserFactory
from tests.harness import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def delivery(recipients, key: str):
    def attempt() -> str:
        notifications.deliver(
            recipient_ids=[u.pk for u in recipients], kind="tests.hello", title=key, body="", link="",
            channels=["in_site", "email"], dedupe_key=key,
        )  # fmt: skip
        return "ok"

    return attempt


def test_the_same_task_run_eight_times_at_once_sends_once():
    people = [UserFactory(email=f"p{i}@example.cn") for i in range(3)]
    outcomes = run_together([delivery(people, "same") for _ in range(8)])
    assert outcomes == {"ok": 8}
    assert Message.objects.count() == 3
    assert sorted(e.to[0] for e in mail.outbox) == sorted(p.email for p in people)
    assert [p.unread_messages for p in type(people[0]).objects.order_by("pk")] == [1, 1, 1]


def test_overlapping_notifications_at_once_keep_the_counts_right():
    people = [UserFactory() for _ in range(4)]
    # Each notification goes to the people in a different order: the user rows are locked in one
    # order all the same, so no two tasks deadlock.
    attempts = [delivery(people[i:] + people[:i], f"n{i}") for i in range(4) for _ in range(2)]
    assert run_together(attempts) == {"ok": 8}
    for person in type(people[0]).objects.all():
        assert person.unread_messages == Message.objects.filter(recipient=person, read_at=None).count() == 4
