"""A resident registers as a volunteer on a phone (picking district → street → community without
JavaScript's help), community staff approve them, and their 我的志愿 page shows it; every page passes axe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.conftest import assert_accessible, expect, login
from tests.factories import make_id_number
from volunteers.models import Specialty

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "pass-1234-word"
SCREENSHOTS = "/tmp/vreg-shots"


def shot(page: Page, name: str) -> None:
    page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_register_approve_and_see_my_page(page: Page, live_server, world):
    # Live-server tests flush the tables between tests, data migrations' rows included.
    Specialty.objects.get_or_create(code="medical", defaults={"name": "医疗"})
    base = live_server.url
    page.goto(base + "/volunteers/register/")
    assert_accessible(page, "registration form")
    page.locator("#id_name").fill("阿卜杜·热合曼")
    page.locator("#id_id_number").fill(make_id_number())
    page.locator("#id_mobile").fill("13912345678")
    page.locator("#id_district").select_option(world.haishu.code)
    page.locator("button[name=pick_district]").click()
    page.locator("#id_street").select_option(world.haishu_street.code)
    page.locator("button[name=pick_street]").click()
    expect(page.locator("#id_name")).to_have_value("阿卜杜·热合曼")  # kept across the picker's steps
    page.locator("#id_community").select_option(world.haishu_community.code)
    page.get_by_label("医疗").check()
    page.locator("#id_username").fill("abdu")
    page.locator("#id_password").fill("Zhiyuan-2026-fuwu")
    page.locator("#id_password_again").fill("Zhiyuan-2026-fuwu")
    page.locator("#id_consent").check()
    shot(page, "register")
    page.get_by_role("button", name="提交注册").click()
    expect(page.locator("h1")).to_have_text("我的志愿")
    expect(page.locator("main")).to_contain_text("正在等待所在社区审核")
    assert_accessible(page, "my page, waiting")

    page.context.clear_cookies()
    login(page, base, "haishu-community", PASSWORD)
    page.goto(base + "/volunteers/")
    assert_accessible(page, "volunteer list")
    shot(page, "list")
    page.get_by_role("link", name="阿卜杜·热合曼").click()
    assert_accessible(page, "volunteer detail")
    shot(page, "detail")
    page.get_by_role("button", name="审核通过").click()
    expect(page.locator("main")).to_contain_text("已通知本人")

    page.context.clear_cookies()
    login(page, base, "abdu", "Zhiyuan-2026-fuwu")
    page.goto(base + "/volunteers/me/")
    expect(page.locator("main")).to_contain_text("已认证")
    expect(page.locator("main")).to_contain_text("为你推荐")
    assert_accessible(page, "my page, active")
    shot(page, "me")
