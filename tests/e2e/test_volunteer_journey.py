"""Issue 7's whole flow in one browser test, on a 375-px phone with axe on every page: a resident
registers as a volunteer, community staff approve them, they sign up for an event and check in with
its code, the organizer confirms the hours, the volunteer sees them and the way to the first star,
and the certificate's PDF downloads and its public verification page confirms it.

The three tests it strings together (test_volunteer_registration, test_event_flow,
test_volunteer_hours_flow) stay: each checks details of its own step that this one does not."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.utils import timezone

from tests.e2e.conftest import PHONE_VIEWPORT, assert_accessible, expect, login
from tests.factories import make_id_number
from tests.volunteers.factories import EventFactory
from volunteers.models import Certificate, Event, RecordStatus, ServiceRecord, Specialty, Volunteer

if TYPE_CHECKING:
    from playwright.sync_api import Page

STAFF_PASSWORD = "pass-1234-word"
USERNAME, PASSWORD = "xiaomei", "Zhiyuan-2026-fuwu"


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def register(page: Page, base: str, world) -> None:
    page.goto(base + "/volunteers/register/")
    assert_accessible(page, "registration form")
    page.locator("#id_name").fill("欧阳娜娜")
    page.locator("#id_id_number").fill(make_id_number())
    page.locator("#id_mobile").fill("13912345678")
    page.locator("#id_district").select_option(world.haishu.code)
    page.locator("button[name=pick_district]").click()
    page.locator("#id_street").select_option(world.haishu_street.code)
    page.locator("button[name=pick_street]").click()
    page.locator("#id_community").select_option(world.haishu_community.code)
    page.get_by_label("医疗").check()
    page.locator("#id_username").fill(USERNAME)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password_again").fill(PASSWORD)
    page.locator("#id_consent").check()
    page.get_by_role("button", name="提交注册").click()
    expect(page.locator("main")).to_contain_text("正在等待所在社区审核")


def approve(page: Page, base: str) -> None:
    login(page, base, "haishu-community", STAFF_PASSWORD)
    page.goto(base + "/volunteers/")
    page.get_by_role("link", name="欧阳娜娜").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("main")).to_contain_text("已通知本人")
    assert_accessible(page, "volunteer detail, approved")


def sign_up_and_check_in(page: Page, base: str, event: Event) -> None:
    login(page, base, USERNAME, PASSWORD)
    page.goto(base + "/volunteers/events/")
    page.get_by_role("link", name=event.title).click()
    with page.expect_navigation():
        page.get_by_role("button", name="我要报名").click()
    expect(page.get_by_text("报名成功。")).to_be_visible()
    assert_accessible(page, "event page, signed up")
    # The QR code on the organizer's page leads here; the volunteer's phone opens it.
    page.goto(f"{base}/volunteers/events/{event.pk}/checkin/{event.checkin_code}/")
    assert page.viewport_size == PHONE_VIEWPORT and sideways_overflow(page) <= 0
    assert_accessible(page, "check-in at 375px")
    with page.expect_navigation():
        page.get_by_role("button", name="签到").click()
    expect(page.get_by_text("签到成功。")).to_be_visible()


def confirm_hours(page: Page, base: str, event: Event) -> None:
    login(page, base, "haishu-community", STAFF_PASSWORD)
    page.goto(f"{base}/volunteers/events/{event.pk}/attendance/")
    page.get_by_label("全体到场").check()
    with page.expect_navigation():
        page.get_by_role("button", name="保存出勤").click()
    expect(page.get_by_text("1 条服务时长待审核")).to_be_visible()
    page.goto(base + "/volunteers/hours/review/")
    page.get_by_role("link", name="查看 欧阳娜娜").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认时长").click()
    expect(page.get_by_text("目前没有待确认的服务时长。")).to_be_visible()


def test_register_approve_sign_up_check_in_and_get_a_verified_certificate(page: Page, live_server, world):
    # Live-server tests flush the tables between tests, data migrations' rows included.
    Specialty.objects.get_or_create(code="medical", defaults={"name": "医疗"})
    base = live_server.url
    # Starts in a quarter of an hour: sign-ups still open, check-in already open (30 min before).
    start = timezone.now() + dt.timedelta(minutes=15)
    event = EventFactory(
        title="社区义诊",
        region=world.haishu_community,
        created_by=world.haishu_community_staff,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        signup_deadline=start - dt.timedelta(minutes=5),
        capacity=5,
    )

    register(page, base, world)
    page.context.clear_cookies()
    approve(page, base)
    page.context.clear_cookies()
    sign_up_and_check_in(page, base, event)

    # Time passes: the event is under way, so its organizer may fill in the attendance sheet.
    now = timezone.now()
    Event.objects.filter(pk=event.pk).update(
        signup_deadline=now - dt.timedelta(hours=2),
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=1),
    )
    page.context.clear_cookies()
    confirm_hours(page, base, event)
    record = ServiceRecord.objects.get(event=event)
    assert record.status == RecordStatus.APPROVED and record.hours == 2

    page.context.clear_cookies()
    login(page, base, USERNAME, PASSWORD)
    page.goto(base + "/volunteers/me/hours/")
    expect(page.locator(".figures")).to_contain_text("2累计确认时长")
    expect(page.locator("#star-progress")).to_contain_text("再服务 98.00 小时升为 1 星志愿者")
    expect(page.locator("#star-bar")).to_have_attribute("value", "2")  # 2 % of the way to the first star
    expect(page.get_by_text("社区义诊").first).to_be_visible()
    assert_accessible(page, "my hours at 375px")
    assert Volunteer.objects.get(user__username=USERNAME).hours_total == 2  # the maintained total

    with page.expect_navigation():
        page.get_by_role("button", name="开具证明").click()
    expect(page.get_by_role("heading", name="志愿服务证明")).to_be_visible()
    assert_accessible(page, "certificate at 375px")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    with open(download_info.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    certificate = Certificate.objects.get()
    page.context.clear_cookies()  # anyone may verify: a visitor
    page.goto(f"{base}/volunteers/verify/{certificate.number}/")
    verified = page.locator("#verified")
    expect(verified).to_contain_text("证明真实有效")
    expect(verified).to_contain_text("欧**娜")
    expect(verified).to_contain_text("2.00")
    assert "欧阳娜娜" not in page.content()
    assert_accessible(page, "verification page at 375px")
