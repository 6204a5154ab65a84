"""Partner webhooks, checked as a partner would: a local receiver verifies every delivery with the
official ``standardwebhooks`` library (not with our code), and the schedule, the region limit and
the address rules are exercised end to end.
"""

import datetime as dt
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from portal import webhooks
from portal.models import Message, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus
from portal.webhooks import MAX_ATTEMPTS, UnsafeDestination


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps what it is sent and answers ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.status = 204
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/siming"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the tests' own receiver, and only it
    receiver = Receiver()
    yield receiver
    receiver.close()


def register(world, url: str, region=None, events=(WebhookEvent.ACTIVITY_CREATED,)) -> WebhookEndpoint:
    return webhooks.endpoint_create(
        actor=world.city_staff, name="区县平台", partner="海曙区平台", url=url, events=events,
        region=region or world.haishu,
    )  # fmt: skip


def emit(world, region=None) -> list[WebhookDelivery]:
    before = set(WebhookDelivery.objects.values_list("pk", flat=True))
    webhooks.emit(
        WebhookEvent.ACTIVITY_CREATED, region=region or world.haishu_grid, data={"id": 7, "topic": "主题党日"}
    )
    return list(WebhookDelivery.objects.exclude(pk__in=before))


def send_now(delivery: WebhookDelivery) -> WebhookStatus | None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    return webhooks.deliver(delivery.pk)


def test_the_official_library_accepts_our_delivery(world, receiver, django_capture_on_commit_callbacks):
    endpoint = register(world, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        emit(world)

    headers, body = receiver.received[0]
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload["type"] == "activity.created" and payload["data"] == {"id": 7, "topic": "主题党日"}
    assert headers["webhook-id"].startswith("msg_") and endpoint.secret.startswith("whsec_")
    assert WebhookDelivery.objects.get().status == WebhookStatus.SUCCEEDED


@pytest.mark.parametrize("alter", ["body", "id", "timestamp"])
def test_the_library_refuses_an_altered_delivery(world, receiver, alter):
    endpoint = register(world, receiver.url)
    send_now(emit(world)[0])
    headers, body = receiver.received[0]

    if alter == "body":
        body = body.replace(b"7", b"8")
    elif alter == "id":
        headers = {**headers, "webhook-id": "msg_forged"}
    else:
        headers = {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)}

    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(body, headers)


def test_the_library_refuses_a_stale_delivery(world, receiver, monkeypatch):
    endpoint = register(world, receiver.url)
    six_minutes_ago = time.time() - 6 * 60
    monkeypatch.setattr(webhooks.time, "time", lambda: six_minutes_ago)
    send_now(emit(world)[0])
    headers, body = receiver.received[0]

    with pytest.raises(WebhookVerificationError, match="too old"):
        Webhook(endpoint.secret).verify(body, headers)


def test_a_rotated_secret_signs_beside_the_new_one_for_a_while(world, receiver):
    endpoint = register(world, receiver.url)
    old_secret = endpoint.secret
    endpoint = webhooks.endpoint_rotate_secret(actor=world.city_staff, endpoint=endpoint)
    send_now(emit(world)[0])
    headers, body = receiver.received[0]

    assert len(headers["webhook-signature"].split()) == 2
    assert Webhook(old_secret).verify(body, headers) == Webhook(endpoint.secret).verify(body, headers)

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        previous_until=timezone.now() - dt.timedelta(seconds=1)
    )
    send_now(emit(world)[0])
    headers, body = receiver.received[1]
    with pytest.raises(WebhookVerificationError):
        Webhook(old_secret).verify(body, headers)


def test_failures_are_retried_on_the_schedule_then_given_up_and_the_endpoint_disabled(
    world, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 500
    endpoint = register(world, receiver.url)
    delivery = emit(world)[0]

    waits = []
    with django_capture_on_commit_callbacks(execute=True):  # the owner's message
        for _ in range(MAX_ATTEMPTS):
            assert send_now(delivery) in (WebhookStatus.PENDING, WebhookStatus.FAILED)
            delivery.refresh_from_db()
            if delivery.next_attempt_at:
                waits.append(round((delivery.next_attempt_at - timezone.now()).total_seconds()))
    assert send_now(delivery) is None  # nothing more is sent once given up

    assert len(receiver.received) == MAX_ATTEMPTS == delivery.log.count()
    assert delivery.status == WebhookStatus.FAILED and delivery.last_status_code == 500
    assert [w // 60 for w in waits] == [s // 60 for s in webhooks.RETRY_SCHEDULE]
    assert sum(webhooks.RETRY_SCHEDULE) / 3600 == pytest.approx(27.6, abs=0.1)  # about a day
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "自动停用" in endpoint.disabled_reason
    assert Message.objects.get(recipient=world.city_staff, kind="webhooks.disabled")


def test_an_endpoint_that_answered_meanwhile_stays_enabled(world, receiver):
    receiver.status = 500
    endpoint = register(world, receiver.url)
    failing = emit(world)[0]
    receiver.status = 200
    send_now(emit(world)[0])  # a later event reached it
    receiver.status = 500
    for _ in range(MAX_ATTEMPTS):
        send_now(failing)

    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_a_region_limited_endpoint_never_receives_another_regions_events(world, receiver):
    register(world, receiver.url, region=world.haishu)

    assert emit(world, region=world.jiangbei_grid) == []
    assert len(emit(world, region=world.haishu_grid)) == 1
    assert len(emit(world, region=world.city)) == 0  # a city-wide event is not Haishu's


def test_only_the_events_subscribed_to_are_sent(world, receiver):
    register(world, receiver.url, events=[WebhookEvent.WISH_CLAIMED])

    assert emit(world) == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://10.1.2.3/hook",
        "http://192.168.1.10/hook",
        "ftp://example.org/hook",
        "file:///etc/passwd",
    ],
)
def test_unsafe_addresses_are_refused(world, url):
    with pytest.raises(UnsafeDestination):
        register(world, url)
    assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_allowed_when_the_setting_says_so(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True

    assert register(world, "http://10.1.2.3/hook").pk
    with pytest.raises(UnsafeDestination):
        register(world, "http://169.254.169.254/latest/meta-data/")


def test_the_address_is_checked_again_when_sending(world, receiver, settings):
    register(world, receiver.url)
    delivery = emit(world)[0]
    settings.WEBHOOK_ALLOW_LOOPBACK = False  # as if the name now resolved to a loopback address

    assert send_now(delivery) == WebhookStatus.PENDING
    assert receiver.received == []
    assert "本机" in WebhookDelivery.objects.get().last_error


def test_a_hanging_receiver_is_given_up_on_after_the_read_timeout(world, receiver, monkeypatch):
    monkeypatch.setattr(webhooks, "READ_TIMEOUT", 0.3)
    receiver.delay = 2
    register(world, receiver.url)
    delivery = emit(world)[0]

    started = time.monotonic()
    assert send_now(delivery) == WebhookStatus.PENDING
    assert time.monotonic() - started < 1.5
    assert "Timeout" in WebhookDelivery.objects.get().last_error


def test_only_admins_and_city_staff_register_endpoints(world, receiver):
    from portal.errors import NotAllowed

    for user in (world.haishu_staff, world.haishu_secretary, world.volunteer, world.partner):
        with pytest.raises(NotAllowed):
            webhooks.endpoint_create(
                actor=user,
                name="x",
                partner="x",
                url=receiver.url,
                events=["activity.created"],
                region=world.haishu,
            )


def test_sending_twice_at_once_sends_once(world, receiver):
    register(world, receiver.url)
    delivery = emit(world)[0]

    assert send_now(delivery) == WebhookStatus.SUCCEEDED
    assert webhooks.deliver(delivery.pk) is None  # a redelivered task finds nothing due
    assert len(receiver.received) == 1


def test_staff_resend_a_delivery(world, receiver):
    register(world, receiver.url)
    delivery = emit(world)[0]
    send_now(delivery)

    assert webhooks.resend(actor=world.city_staff, delivery=delivery) == WebhookStatus.SUCCEEDED
    assert len(receiver.received) == 2
    assert receiver.received[0][0]["webhook-id"] == receiver.received[1][0]["webhook-id"]
    assert delivery.log.last().resent_by == world.city_staff


def test_the_payload_is_json_with_type_timestamp_and_data(world, receiver):
    register(world, receiver.url)
    send_now(emit(world)[0])

    payload = json.loads(receiver.received[0][1])
    assert set(payload) == {"type", "timestamp", "data"}
