"""The main menu on a phone: a staff user's entries fold into one 菜单 toggle that works without
JavaScript and passes axe; on a desktop the whole menu is one row with no toggle. Entries of a
group (党建工作, 系统管理, …) open from the group's label: in place on a phone, as a drop-down on a
desktop."""

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
USERS = {"city": 23, "haishu-sec": 17}


def nav_height(page: Page) -> float:
    return page.evaluate("document.querySelector('.main-nav').getBoundingClientRect().height")


def menu_links(page: Page):
    return page.locator(".main-nav ul a")


def top_links(page: Page):
    return page.locator("xpath=//nav[contains(@class, 'main-nav')]//li[not(ancestor::li)]/a")


def open_each_group_and_see_its_links(page: Page) -> None:
    for label in page.locator(".nav-group-label").all():
        label.click()
        group = label.locator("xpath=..")
        for link in group.locator("a").all():
            expect(link).to_be_visible()


def open_group_of(page: Page, link_name: str) -> None:
    group = page.locator(".nav-group", has=page.locator("a", has_text=link_name))
    if not page.get_by_role("link", name=link_name).is_visible():
        group.locator(".nav-group-label").click()


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
    for link in top_links(page).all():
        expect(link).to_be_visible()
    open_each_group_and_see_its_links(page)
    assert_accessible(page, f"menu open for {username}")

    open_group_of(page, "活动记录")
    with page.expect_navigation():
        page.get_by_role("link", name="活动记录").click()
    assert page.url.endswith("/brands/activities/")


def test_the_toggle_opens_from_the_keyboard(page, live_server, world):
    login(page, live_server.url, "city", PASSWORD)
    page.locator(".nav-toggle").focus()
    page.keyboard.press("Enter")
    page.locator(".nav-group", has=page.locator("a", has_text="角色授权")).locator("summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="角色授权")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="角色授权")).to_be_hidden()


@pytest.mark.parametrize("username", USERS)
def test_on_a_desktop_the_whole_menu_is_one_row_without_a_toggle(page, live_server, world, username):
    page.set_viewport_size(DESKTOP)
    login(page, live_server.url, username, PASSWORD)
    expect(page.locator(".nav-toggle")).to_be_hidden()
    for link in top_links(page).all():
        expect(link).to_be_visible()
    assert nav_height(page) <= ONE_ROW
    open_each_group_and_see_its_links(page)
    assert nav_height(page) <= ONE_ROW  # a drop-down lies over the page, it does not push it down
    assert_accessible(page, f"desktop menu for {username}")


def test_visitors_see_their_entries_without_a_toggle(page, live_server, world):
    page.goto(live_server.url + "/")
    assert page.locator(".nav-toggle").count() == 0
    expect(top_links(page)).to_have_count(3)  # 首页, 品牌墙, 志愿服务队; then the 微心愿 group
    expect(menu_links(page)).to_have_count(6)
    for link in top_links(page).all():
        expect(link).to_be_visible()
    assert nav_height(page) <= ONE_ROW * 2
    open_each_group_and_see_its_links(page)


def test_the_menu_opens_without_javascript(browser: Browser, live_server, world):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server.url, "city", PASSWORD)
        assert menu_links(page).first.is_hidden()
        page.locator(".nav-toggle").click()
        open_group_of(page, "接口文档")
        expect(page.get_by_role("link", name="接口文档")).to_be_visible()
    finally:
        context.close()
