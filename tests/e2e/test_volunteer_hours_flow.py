"""Staff confirm a volunteer's hours; on a phone the volunteer sees the new star and the way to the
next, asks for a certificate, downloads its PDF and checks it on the public verification page."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from django.utils import timezone

from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import RecordFactory, approved_record
from volunteers.models import Certificate, RecordStatus, ServiceRecord

SHOTS = os.environ.get("SIMING_SCREENSHOTS")  # a directory: keep a 375-px picture of each page


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"vhours-{name}.png"), full_page=True)


def test_staff_confirm_hours_and_the_volunteer_gets_a_verifiable_certificate(page, live_server, world):
    from playwright.sync_api import expect

    volunteer = VolunteerFactory(community=world.haishu_community, name="王小梅")
    volunteer.user.set_password("pass-1234-word")
    volunteer.user.save()
    for days in range(12):  # 96 confirmed hours: 4 short of the first star
        approved_record(
            volunteer,
            world.haishu_staff,
            hours=Decimal("8"),
            served_on=timezone.localdate() - dt.timedelta(days=days + 3),
        )
    pending = RecordFactory(volunteer=volunteer, hours=Decimal("6"), description="社区义诊")

    login(page, live_server.url, "haishu-community", "pass-1234-word")
    # The menu folds on a phone (tests/e2e/test_menu.py opens it); here straight to the page.
    page.goto(f"{live_server.url}/volunteers/hours/review/")
    expect(page.get_by_role("heading", name="服务时长审核")).to_be_visible()
    shot(page, "review-queue")
    assert_accessible(page, "review queue at 375px")
    page.get_by_role("link", name="查看 王小梅").click()
    with page.expect_navigation():
        page.get_by_role("button", name="确认时长").click()
    expect(page.get_by_text("目前没有待确认的服务时长。")).to_be_visible()
    assert ServiceRecord.objects.get(pk=pending.pk).status == RecordStatus.APPROVED

    page.context.clear_cookies()
    login(page, live_server.url, volunteer.user.username, "pass-1234-word")
    page.goto(f"{live_server.url}/volunteers/me/hours/")
    expect(page.locator(".figures")).to_contain_text("102")
    expect(page.locator("#star-progress")).to_contain_text("再服务 198.00 小时升为 2 星志愿者")
    expect(page.locator("#star-bar")).to_have_attribute("value", "1")
    expect(page.get_by_text("社区义诊")).to_be_visible()
    page.reload()  # without the flash message
    shot(page, "my-hours")
    assert_accessible(page, "my hours at 375px")

    with page.expect_navigation():
        page.get_by_role("button", name="开具证明").click()
    expect(page.get_by_role("heading", name="志愿服务证明")).to_be_visible()
    shot(page, "certificate")
    assert_accessible(page, "certificate at 375px")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    pdf_path = download_info.value.path()
    with open(pdf_path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    certificate = Certificate.objects.get()
    page.context.clear_cookies()  # anyone may verify: a visitor
    page.goto(f"{live_server.url}/volunteers/verify/{certificate.number}/")
    verified = page.locator("#verified")
    expect(verified).to_contain_text("证明真实有效")
    expect(verified).to_contain_text("王*梅")
    expect(verified).to_contain_text("102.00")
    assert "王小梅" not in page.content()
    shot(page, "verify")
    assert_accessible(page, "verification page at 375px")
