"""A volunteer signs up for a service event on a phone and checks in with the event's code."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import EventFactory, VolunteerFactory
from volunteers.models import Signup, SignupStatus

if TYPE_CHECKING:
    from playwright.sync_api import Page


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_volunteer_signs_up_and_checks_in_with_the_code_on_a_phone(page, live_server, world):
    from playwright.sync_api import expect

    alice = VolunteerFactory(community=world.haishu_community, user__username="alice")
    # Starts in a quarter of an hour: sign-ups still open, check-in already open (30 min before).
    start = timezone.now() + dt.timedelta(minutes=15)
    event = EventFactory(
        title="楼道环境整治",
        region=world.haishu_community,
        created_by=world.haishu_community_staff,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        signup_deadline=start - dt.timedelta(minutes=5),
        capacity=2,
    )

    login(page, live_server.url, "alice", "pass-1234-word")
    page.goto(f"{live_server.url}/volunteers/events/")
    expect(page.get_by_role("heading", name="志愿服务活动")).to_be_visible()
    assert_accessible(page, "event list at 375px")
    assert sideways_overflow(page) <= 0
    page.get_by_role("link", name="楼道环境整治").click()
    expect(page.get_by_text("余 2 / 2 个名额")).to_be_visible()
    assert_accessible(page, "event page at 375px")

    with page.expect_navigation():
        page.get_by_role("button", name="我要报名").click()
    expect(page.get_by_text("报名成功。")).to_be_visible()
    expect(page.get_by_role("button", name="取消报名")).to_be_visible()
    expect(page.get_by_role("button", name="我要报名")).to_have_count(0)

    # The QR code on the organizer's page leads here; the volunteer's phone opens it.
    page.goto(f"{live_server.url}/volunteers/events/{event.pk}/checkin/{event.checkin_code}/")
    assert_accessible(page, "check-in page at 375px")
    with page.expect_navigation():
        page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("签到成功。")).to_be_visible()
    signup = Signup.objects.get(event=event, volunteer=alice)
    assert signup.status == SignupStatus.SIGNED and signup.checked_in_at is not None

    # A code of another event is refused with a clear message and no button.
    page.goto(f"{live_server.url}/volunteers/events/{event.pk}/checkin/not-this-events-code/")
    expect(page.get_by_text("签到码不属于该活动")).to_be_visible()
    expect(page.get_by_role("button", name="签退")).to_have_count(0)


def test_the_organizer_sees_the_checkin_qr_code_on_a_phone(page, live_server, world):
    from playwright.sync_api import expect

    event = EventFactory(region=world.haishu_community, created_by=world.haishu_community_staff)
    login(page, live_server.url, "haishu-community", "pass-1234-word")
    page.goto(f"{live_server.url}/volunteers/events/{event.pk}/")
    qr = page.locator(".event-qr svg")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 150  # big enough to scan from a phone
    assert_accessible(page, "organizer's event page at 375px")
    assert sideways_overflow(page) <= 0
