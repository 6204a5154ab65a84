"""消息 on a 375-px phone: the unread count beside the name, opening a message follows its link and
lowers the count, with plain forms (the page has no script); the page passes axe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal import notifications
from tests.e2e.conftest import assert_accessible, expect, login

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PHONE = {"width": 375, "height": 812}


def test_a_volunteer_reads_a_message_on_a_phone(browser: Browser, live_server, world):
    for i, link in enumerate(["/brands/", ""]):
        notifications.deliver(
            recipient_ids=[world.volunteer.pk], kind="tests.hello", title=f"报名成功{i}", body="请按时签到。",
            link=link, channels=["in_site"], dedupe_key=str(i),
        )  # fmt: skip
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        login(page, live_server.url, "volunteer", "pass-1234-word")
        count = page.locator(".account-link .nav-count")
        expect(count).to_contain_text("2")
        page.locator('.account-link[href="/messages/"]').click()
        expect(page.locator(".inbox-unread")).to_have_count(2)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Works without JavaScript: the only script closes the other menu groups when one opens.
        assert page.locator("script:not([src$='/nav.js'])").count() == 0
        assert_accessible(page, "messages on a phone")

        page.get_by_role("button", name="查看").click()
        assert page.url == live_server.url + "/brands/"
        expect(count).to_contain_text("1")
    finally:
        context.close()
