"""The message centre: sent after commit only, once, in-site with e-mail and SMS copies on request.

Alice is told things; Bob is someone else; both live in the World's 海曙区.
"""

import logging
import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from kombu.exceptions import OperationalError

from portal import notifications
from portal.models import Delivery, Message
from portal.notifications import Channel, TemporaryDeliveryError, notify
from portal.tasks import deliver_notification
from tests.factories import UserFactory

ALL = {Channel.IN_SITE, Channel.EMAIL, Channel.SMS}


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.cn", mobile="13812345678")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="", mobile=None)


def tell(recipients, **kwargs):
    fields = {"kind": "tests.hello", "title": "审核通过", "body": "您的申请已通过。", "link": "/brands/"}
    return notify(recipients=recipients, **{**fields, **kwargs})


def unread(user) -> int:
    user.refresh_from_db(fields=["unread_messages"])
    return user.unread_messages


def test_nothing_is_sent_before_the_transaction_commits(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tell([alice], channels=ALL)
        assert not Message.objects.exists()
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert Message.objects.get().recipient == alice
    assert len(mail.outbox) == 1


def test_a_rolled_back_change_tells_no_one(alice, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        tell([alice], channels=ALL)
        raise RuntimeError("the service fails after notifying")
    assert callbacks == []
    assert not Message.objects.exists()
    assert mail.outbox == []
    assert unread(alice) == 0


def test_it_sends_in_site_email_and_sms(alice, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.INFO, logger="portal.notifications")
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice], channels=ALL)

    message = Message.objects.get()
    assert (message.recipient, message.kind, message.title, message.link) == (
        alice,
        "tests.hello",
        "审核通过",
        "/brands/",
    )
    assert (message.read_at, message.email, message.sms) == (None, Delivery.SENT, Delivery.SENT)
    assert unread(alice) == 1
    [email] = mail.outbox
    assert (email.to, email.subject) == (["alice@example.cn"], "审核通过")
    assert "您的申请已通过。" in email.body and "/brands/" in email.body
    sms_lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("SMS to")]
    assert sms_lines == ["SMS to 138****5678: 审核通过 您的申请已通过。 /brands/"]
    assert "13812345678" not in caplog.text  # the console backend logs the number masked


def test_by_default_only_the_in_site_message_is_sent(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice])
    assert (Message.objects.get().email, Message.objects.get().sms) == (Delivery.NONE, Delivery.NONE)
    assert mail.outbox == []


def test_copies_go_only_to_those_with_an_address_who_may_sign_in(
    alice, bob, django_capture_on_commit_callbacks
):
    gone = UserFactory(email="gone@example.cn", mobile="13900000000", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        tell(type(alice).objects.filter(pk__in=[alice.pk, bob.pk, gone.pk]), channels=ALL)
    assert Message.objects.count() == 3  # everyone finds it in 消息
    assert [e.to for e in mail.outbox] == [["alice@example.cn"]]
    assert Message.objects.get(recipient=bob).email == Delivery.NONE
    assert Message.objects.get(recipient=gone).sms == Delivery.NONE


def test_a_redelivered_task_sends_nothing_twice(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tell([alice, bob], channels=ALL)
    callbacks[0]()
    callbacks[0]()  # the broker hands the same task out again
    assert Message.objects.count() == 2
    assert len(mail.outbox) == 1
    assert unread(alice) == unread(bob) == 1


def test_the_same_dedupe_key_is_one_notification(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice], channels={Channel.IN_SITE, Channel.EMAIL}, dedupe_key="tests.hello:42")
        tell([alice], channels={Channel.IN_SITE, Channel.EMAIL}, dedupe_key="tests.hello:42")
    assert Message.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_mail_server_outage_is_retried_and_then_sent_once(alice, bob, monkeypatch):
    carol = UserFactory(email="carol@example.cn")
    args = {
        "recipient_ids": [alice.pk, carol.pk],
        "kind": "tests.hello",
        "title": "活动变更",
        "body": "",
        "link": "",
        "channels": [Channel.IN_SITE, Channel.EMAIL],
        "dedupe_key": "k1",
    }
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages
    calls = []

    def flaky(self, messages):
        calls.append(messages[0].to)
        if len(calls) == 2:  # the server goes away after the first e-mail
            raise smtplib.SMTPServerDisconnected("gone")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with pytest.raises(TemporaryDeliveryError):
        notifications.deliver(**args)
    assert len(mail.outbox) == 1
    assert sorted(Message.objects.values_list("email", flat=True)) == [Delivery.PENDING, Delivery.SENT]

    notifications.deliver(**args)  # the retry
    assert sorted(e.to[0] for e in mail.outbox) == ["alice@example.cn", "carol@example.cn"]
    assert set(Message.objects.values_list("email", flat=True)) == {Delivery.SENT}


def test_the_task_retries_only_temporary_errors_and_a_bounded_number_of_times():
    assert deliver_notification.autoretry_for == (TemporaryDeliveryError,)
    assert deliver_notification.max_retries == 5


def test_a_refused_address_is_not_retried(alice, monkeypatch, django_capture_on_commit_callbacks):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({"alice@example.cn": (550, b"no such user")})

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice], channels={Channel.IN_SITE, Channel.EMAIL})
    assert Message.objects.get().email == Delivery.FAILED


def test_a_request_succeeds_when_the_broker_is_down(
    alice, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(deliver_notification, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice])  # no exception reaches the caller
    assert "could not enqueue portal.tasks.deliver_notification" in caplog.text


@pytest.mark.parametrize(
    "link",
    ["https://evil.example/login", "//evil.example/", "/\\evil.example", "javascript:alert(1)", "brands/"],
)
def test_a_link_leads_only_into_this_site(alice, link):
    with pytest.raises(ValidationError):
        tell([alice], link=link)


def test_a_bad_notification_is_the_callers_error_not_a_failing_task(alice):
    with pytest.raises(ValidationError):
        tell([alice], title="")
    with pytest.raises(ValidationError):
        tell([alice], kind="not a slug")
    with pytest.raises(ValueError):
        tell([alice], channels={Channel.EMAIL})


def test_a_large_notification_is_split_into_short_tasks(db, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(notifications, "RECIPIENTS_PER_TASK", 2)
    users = UserFactory.create_batch(5)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tell(users)
    assert len(callbacks) == 3
    assert Message.objects.count() == 5


def test_the_unread_count_is_the_count_of_unread_messages_after_every_flow(
    alice, bob, django_capture_on_commit_callbacks
):
    def agrees() -> bool:
        return all(
            unread(user) == Message.objects.filter(recipient=user, read_at=None).count()
            for user in (alice, bob)
        )

    with django_capture_on_commit_callbacks(execute=True):
        tell([alice, bob])
        tell([alice])
        tell([alice])
    assert unread(alice) == 3 and agrees()
    first = Message.objects.filter(recipient=alice).first()
    assert notifications.message_mark_read(user=alice, message=first) is True
    assert notifications.message_mark_read(user=alice, message=first) is False  # a second tab
    assert unread(alice) == 2 and agrees()
    assert notifications.messages_mark_all_read(user=alice) == 2
    assert unread(alice) == 0 and unread(bob) == 1 and agrees()
    with pytest.raises(ValidationError):
        notifications.message_mark_read(user=bob, message=first)
