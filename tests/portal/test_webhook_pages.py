"""The pages where admins and city staff register partners' endpoints: who may, the secret shown
once, and the delivery log with its resend button."""

import pytest
from django.urls import reverse

from portal import webhooks
from portal.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookStatus
from tests.portal.test_webhooks import Receiver


@pytest.fixture
def endpoint(world, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # an intranet partner: no DNS needed in tests
    return webhooks.endpoint_create(
        actor=world.city_staff, name="区县平台", partner="海曙区平台", url="http://10.20.30.40/hook",
        events=[WebhookEvent.ACTIVITY_CREATED], region=world.haishu,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("who", "expected"),
    [("city_staff", 200), ("haishu_staff", 403), ("haishu_secretary", 403), ("volunteer", 403), (None, 302)],
)
def test_only_city_staff_open_the_pages(world, client, endpoint, who, expected):
    if who:
        client.force_login(getattr(world, who))
    for url in (
        reverse("webhook_list"),
        reverse("webhook_create"),
        reverse("webhook_detail", args=[endpoint.pk]),
    ):
        assert client.get(url).status_code == expected


@pytest.mark.parametrize("who", ["haishu_staff", "volunteer"])
def test_others_change_nothing(world, client, endpoint, who):
    client.force_login(getattr(world, who))
    for name in ("webhook_rotate", "webhook_toggle"):
        assert client.post(reverse(name, args=[endpoint.pk])).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.is_active


def test_the_secret_is_shown_once_when_registered(world, client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    client.force_login(world.city_staff)
    data = {
        "name": "志愿服务平台", "partner": "甬·志愿", "url": "http://10.0.0.8/hooks",
        "events": ["wish.claimed", "service_record.approved"], "region": world.city.pk,
    }  # fmt: skip

    page = client.post(reverse("webhook_create"), data).content.decode()

    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret in page and endpoint.events == ["service_record.approved", "wish.claimed"]
    assert endpoint.secret not in client.get(reverse("webhook_detail", args=[endpoint.pk])).content.decode()


def test_a_loopback_url_is_refused_on_the_form(world, client):
    client.force_login(world.city_staff)
    data = {
        "name": "x",
        "partner": "x",
        "url": "http://127.0.0.1:6379/",
        "events": ["wish.claimed"],
        "region": world.city.pk,
    }

    response = client.post(reverse("webhook_create"), data)

    assert response.status_code == 200 and "本机" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret(world, client, endpoint):
    client.force_login(world.city_staff)

    page = client.post(reverse("webhook_rotate", args=[endpoint.pk])).content.decode()

    endpoint.refresh_from_db()
    assert endpoint.secret in page and endpoint.previous_secret


def test_staff_resend_from_the_log(world, client, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    receiver = Receiver()
    try:
        webhooks.endpoint_create(
            actor=world.city_staff, name="x", partner="x", url=receiver.url, events=["activity.created"],
            region=world.haishu,
        )  # fmt: skip
        webhooks.emit(WebhookEvent.ACTIVITY_CREATED, region=world.haishu_grid, data={"id": 1})
        delivery = WebhookDelivery.objects.get()
        client.force_login(world.city_staff)
        assert (
            delivery.message_id
            in client.get(reverse("webhook_detail", args=[delivery.endpoint_id])).content.decode()
        )

        client.post(reverse("webhook_resend", args=[delivery.pk]))
    finally:
        receiver.close()

    delivery.refresh_from_db()
    assert delivery.status == WebhookStatus.SUCCEEDED and len(receiver.received) == 1


def test_a_huge_id_is_a_404(world, client):
    client.force_login(world.city_staff)
    assert client.get(f"/webhooks/{10**30}/").status_code == 404
