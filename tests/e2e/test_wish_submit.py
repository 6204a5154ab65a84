"""A resident submits a wish on a phone with JavaScript off, gets a tracking code, the community's
staff approve it, and the resident follows it with the code: every page passes axe, and each step
of the form fits in three screens of a 375-px phone. The same form with the script on is the first
step of test_wish_lifecycle.py, which follows the wish to its confirmation."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from tests.e2e.conftest import DEFAULT_TIMEOUT_MS, PHONE_VIEWPORT, assert_accessible, expect, login
from wishes.models import Wish, WishStatus

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

SCREENS = 3
# Set to a directory to keep a screenshot of each step (for a person to look at).
SHOTS = os.environ.get("WISH_SCREENSHOTS", "")


def phone(browser: Browser) -> Page:
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", java_script_enabled=False
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


def check(page: Page, step: str) -> None:
    """axe passes, nothing scrolls sideways, and the step is at most three screens long."""
    accessible(page, step)
    # Playwright measures in a world of its own, so this works with the page's scripts off too.
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= SCREENS * PHONE_VIEWPORT["height"], f"{step}: {height}px is more than {SCREENS} screens"
    overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(overflow) == 0, f"{step} scrolls sideways"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{step}.png"), full_page=True)


def accessible(page: Page, step: str) -> None:
    # axe is a script: the same page (same cookies, a GET) is checked in a twin with scripts on.
    twin = page.context.browser.new_context(
        viewport=PHONE_VIEWPORT, locale="zh-CN", storage_state=page.context.storage_state()
    )
    try:
        twin_page = twin.new_page()
        twin_page.goto(page.url)
        assert_accessible(twin_page, step)
    finally:
        twin.close()


def pick_place(page: Page, world) -> None:
    """One list a page: the server fills the next one."""
    choices = (
        ("#id_district", world.haishu.code),
        ("#id_street", world.haishu_street.code),
        ("#id_community", world.haishu_community.code),
    )
    for selector, code in choices:
        expect(page.locator(selector)).to_be_visible()
        page.locator(selector).select_option(code)
        with page.expect_navigation():
            page.get_by_role("button", name="下一步").click()


def fill_wish(page: Page) -> None:
    page.get_by_label("您的姓名").fill("王小梅")
    page.get_by_label("手机号").fill("13812345678")
    page.get_by_text("助老助残", exact=True).click()
    page.get_by_label("心愿标题").fill("想要一把轮椅")
    page.get_by_label("心愿描述").fill("老伴腿脚不便，想要一把轻便的轮椅，天气好时推他出门晒太阳。")
    page.get_by_label("估计价值（元）").fill("450")
    page.get_by_label("我已阅读并同意《个人信息处理说明》").check()


def test_a_resident_submits_a_wish_without_javascript_and_staff_approve_it(browser, live_server, world):
    resident = phone(browser)
    resident.goto(live_server.url + "/")
    with resident.expect_navigation():
        resident.locator(".hero-actions").get_by_role("link", name="提交微心愿").click()
    check(resident, "1-place")
    pick_place(resident, world)
    expect(resident.get_by_role("heading", name="写下您的心愿")).to_be_visible()
    expect(resident.locator(".wish-place-chosen")).to_contain_text(world.haishu_community.name)
    check(resident, "2-form")

    fill_wish(resident)
    with resident.expect_navigation():
        resident.get_by_role("button", name="提交心愿").click()
    expect(resident.get_by_role("heading", name="心愿已提交")).to_be_visible()
    check(resident, "3-code")
    wish = Wish.objects.get()
    code = resident.locator(".tracking-code").get_attribute("data-code")
    assert code == wish.tracking_code
    expect(resident.locator(".tracking-code span")).to_have_count(3)  # ACD4 · 7FGH · JK, read aloud in groups

    staff = phone(browser)
    login(staff, live_server.url, "haishu-community", "pass-1234-word")
    staff.goto(live_server.url + "/wishes/moderation/")
    check(staff, "4-queue")
    with staff.expect_navigation():
        staff.get_by_role("link", name="审核 想要一把轮椅").click()
    expect(staff.get_by_text("13812345678")).to_be_visible()  # staff in scope see the full contact
    accessible(staff, "moderation page")
    with staff.expect_navigation():
        staff.get_by_role("button", name="审核通过并发布").click()
    expect(staff.locator(".messages")).to_contain_text("已发布到心愿墙")
    wish.refresh_from_db()
    assert wish.status == WishStatus.PUBLISHED

    with resident.expect_navigation():
        resident.get_by_role("link", name="查看心愿进度").click()
    expect(resident.locator("#status-heading")).to_contain_text("待认领")
    expect(resident.locator(".wish-timeline")).to_contain_text("审核通过")
    body = resident.locator("main").inner_text()
    assert "王小梅" not in body and "13812345678" not in body and "王*梅" in body
    check(resident, "5-track")


def test_a_mistyped_code_is_found_in_any_case_with_spaces(browser, live_server, world):
    from tests.wishes.factories import WishFactory

    wish = WishFactory(community=world.haishu_community)
    resident = phone(browser)
    resident.goto(live_server.url + "/wishes/track/")
    resident.get_by_label("查询码").fill(wish.tracking_code_display.lower().replace("-", " "))
    with resident.expect_navigation():
        resident.get_by_role("button", name="查询").click()
    expect(resident.get_by_role("heading", name=wish.title)).to_be_visible()
    accessible(resident, "tracking page")
