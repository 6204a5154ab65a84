"""The main menu on a phone: a staff user's ten entries fold into one 菜单 toggle that works without
JavaScript and passes axe; on a desktop the whole menu is one row with no toggle."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.e2e.conftest import assert_accessible, expect, login

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

PASSWORD = "pass-1234-word"
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
ONE_ROW = 60  # px: a 44px target with its padding; three wrapped rows were ~145px
# World users and the number of menu entries each is shown.
USERS = {"city": 12, "haishu-sec": 9}


def nav_height(page: Page) -> float:
    return page.evaluate("document.querySelector('.main-nav').getBoundingClientRect().height")


def menu_links(page: Page):
    return page.locator(".main-nav ul a")


@pytest.mark.parametrize("username", USERS)
def test_on_a_phone_the_staff_menu_is_one_row_until_opened(page, live_server, world, username):
    login(page, live_server.url, username, PASSWORD)
    page.goto(live_server.url + "/grids/members/")
    toggle = page.locator(".nav-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_contain_text("菜单")
    expect(toggle).to_contain_text("党员")  # where the user is, without opening the menu
    assert nav_height(page) <= ONE_ROW
    assert menu_links(page).first.is_hidden()
    assert_accessible(page, f"menu closed for {username}")

    toggle.click()
    expect(menu_links(page)).to_have_count(USERS[username])
    for link in menu_links(page).all():
        expect(link).to_be_visible()
    assert_accessible(page, f"menu open for {username}")

    with page.expect_navigation():
        page.get_by_role("link", name="活动记录").click()
    assert page.url.endswith("/brands/activities/")


def test_the_toggle_opens_from_the_keyboard(page, live_server, world):
    login(page, live_server.url, "city", PASSWORD)
    page.locator(".nav-toggle").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="角色授权")).to_be_visible()


@pytest.mark.parametrize("username", USERS)
def test_on_a_desktop_the_whole_menu_is_one_row_without_a_toggle(page, live_server, world, username):
    page.set_viewport_size(DESKTOP)
    login(page, live_server.url, username, PASSWORD)
    expect(page.locator(".nav-toggle")).to_be_hidden()
    for link in menu_links(page).all():
        expect(link).to_be_visible()
    assert nav_height(page) <= ONE_ROW
    assert_accessible(page, f"desktop menu for {username}")


def test_visitors_see_their_three_entries_without_a_toggle(page, live_server, world):
    page.goto(live_server.url + "/")
    assert page.locator(".nav-toggle").count() == 0
    expect(menu_links(page)).to_have_count(3)
    expect(menu_links(page).first).to_be_visible()


def test_the_menu_opens_without_javascript(browser: Browser, live_server, world):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server.url, "city", PASSWORD)
        assert menu_links(page).first.is_hidden()
        page.locator(".nav-toggle").click()
        expect(page.get_by_role("link", name="接口文档")).to_be_visible()
    finally:
        context.close()
