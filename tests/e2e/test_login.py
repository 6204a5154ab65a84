from __future__ import annotations

from typing import TYPE_CHECKING

from tests.e2e.conftest import expect, login, menu_link

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "pass-1234-word"
PUBLIC_MENU = ["志愿服务队", "心愿墙", "提交微心愿", "公益集市"]
STAFF_MENU = [
    "首页", "数据看板", "品牌墙", "活动记录", "组织架构", "党员", "品牌管理", "品牌审核", "组织生活基地",
    "锋领指数", "红黑榜", "服务活动", "志愿服务队", "志愿者", "服务时长审核", "心愿墙", "提交微心愿", "公益集市", "心愿审核",
    "角色授权", "接口文档",
]  # fmt: skip


def menu(page: Page) -> list[str]:
    return [text.strip() for text in page.locator(".main-nav a").all_text_contents()]


def test_staff_log_in_see_their_name_and_menu_and_log_out(page: Page, live_server, world):
    world.haishu_staff.real_name = "王晓梅"
    world.haishu_staff.save(update_fields=["real_name"])

    login(page, live_server.url, "haishu", PASSWORD)

    expect(page.locator(".account-name")).to_contain_text("王晓梅")
    assert menu(page) == STAFF_MENU
    expect(menu_link(page, "首页")).to_have_attribute("aria-current", "page")

    with page.expect_navigation():
        page.get_by_role("button", name="退出").click()

    expect(page.get_by_role("link", name="登录", exact=True)).to_be_visible()
    expect(page.locator(".account-name")).to_have_count(0)
    assert menu(page) == ["首页", "品牌墙", *PUBLIC_MENU]


def test_a_branch_secretary_logs_in_with_a_mobile_number_and_gets_the_branch_menu(
    page: Page, live_server, world
):
    world.haishu_secretary.mobile = "13805740001"
    world.haishu_secretary.save(update_fields=["mobile"])

    login(page, live_server.url, "13805740001", PASSWORD)

    assert menu(page) == [
        "首页", "品牌墙", "活动记录", "组织架构", "党员", "品牌管理", "组织生活基地", "锋领指数", "红黑榜",
        "我的锋领积分", "服务活动", *PUBLIC_MENU,
        "心愿审核", "接口文档",
    ]  # fmt: skip


def test_a_wrong_password_is_explained_on_the_form(page: Page, live_server, world):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名或手机号").fill("haishu")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("alert")).to_contain_text("用户名/手机号或密码不正确")
    # The username stays filled in so only the password needs typing again.
    expect(page.get_by_label("用户名或手机号")).to_have_value("haishu")


def test_the_login_form_brings_the_user_back_to_the_page_they_wanted(page: Page, live_server, world):
    page.goto(live_server.url + "/roles/")
    expect(page).to_have_url(live_server.url + "/accounts/login/?next=/roles/")

    page.get_by_label("用户名或手机号").fill("haishu")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page).to_have_url(live_server.url + "/roles/")
    expect(menu_link(page, "角色授权")).to_have_attribute("aria-current", "page")
