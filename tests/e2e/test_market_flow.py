"""On a phone, an enterprise's representative pledges to a community's welfare project, the community's
staff confirm the money arrived, and the project's progress shows it; every page passes axe."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from tests.e2e.conftest import assert_accessible, expect, login
from tests.factories import UserFactory
from tests.wishes.market_factories import WelfareOrganizationFactory, WelfareProjectFactory
from wishes.models import PledgeStatus

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "pass-1234-word"


def test_a_representative_pledges_staff_confirm_receipt_and_progress_shows_it(page: Page, live_server, world):
    base = live_server.url
    rep = UserFactory(username="yongai", real_name="李永爱")
    WelfareOrganizationFactory(
        name="宁波甬爱家电有限公司", region=world.haishu, representatives=[rep],
        contact_name="李永爱", contact_mobile="13805741101",
    )  # fmt: skip
    project = WelfareProjectFactory(
        title="老年食堂助餐设备", region=world.haishu_community, target_amount=Decimal("10000"),
        created_by=world.haishu_community_staff,
    )  # fmt: skip

    # The representative finds the project on the market and pledges ¥2,500.
    login(page, base, "yongai", PASSWORD)
    page.goto(f"{base}/wishes/market/")
    assert_accessible(page, "market")
    page.get_by_role("link", name="老年食堂助餐设备").click()
    expect(page.get_by_role("heading", name="我要认捐")).to_be_visible()
    assert_accessible(page, "project, pledge form")
    page.get_by_label("认捐金额（元）").fill("2500")
    page.get_by_role("button", name="确认认捐").click()
    expect(page.get_by_text("认捐已登记")).to_be_visible()
    expect(page.locator(".market-pledges")).to_contain_text("宁波甬爱家电有限公司")
    expect(page.locator(".market-pledges")).to_contain_text("李*爱 138****1101")
    expect(page.locator("progress")).to_have_attribute("value", "25")
    pledge = project.pledges.get()

    # The community's staff confirm the money arrived.
    page.context.clear_cookies()
    login(page, base, "haishu-community", PASSWORD)
    page.goto(f"{base}/wishes/market/{project.pk}/")
    page.get_by_role("link", name="管理项目").click()
    assert_accessible(page, "manage project")
    expect(page.locator(f"#pledge-{pledge.pk}")).to_contain_text("李永爱 13805741101")  # staff in scope
    page.locator(f"#pledge-{pledge.pk}").get_by_role("button", name="确认到位").click()
    expect(page.get_by_text("已确认到位，已通知认捐单位。")).to_be_visible()
    expect(page.locator(f"#pledge-{pledge.pk}").get_by_role("button")).to_have_count(0)
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.RECEIVED

    # Anyone sees the progress: ¥2,500 pledged and received.
    page.context.clear_cookies()
    page.goto(f"{base}/wishes/market/")
    card = page.locator(".market-card", has_text="老年食堂助餐设备")
    expect(card).to_contain_text("已到位 ¥2500.00（25%）")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_accessible(page, "market after receipt")


def test_the_registration_approval_and_posting_pages_pass_axe_on_a_phone(page: Page, live_server, world):
    base = live_server.url
    UserFactory(username="newrep")
    login(page, base, "newrep", PASSWORD)
    page.goto(f"{base}/wishes/market/register/")
    page.get_by_label("单位名称").fill("宁波港城物流有限公司")
    page.get_by_label("统一社会信用代码").fill("91110000802100434B")  # one digit mistyped
    page.get_by_label("所在区域").select_option(label=world.haishu_street.name)
    page.get_by_label("联系人").fill("郑港城")
    page.get_by_label("联系电话").fill("13805745505")
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_text("统一社会信用代码校验位不正确，请核对。")).to_be_visible()
    assert_accessible(page, "registration with an error")
    page.get_by_label("统一社会信用代码").fill("91110000802100433B")
    page.get_by_role("button", name="提交登记").click()
    expect(page.get_by_text("待审核", exact=True)).to_be_visible()

    page.context.clear_cookies()
    login(page, base, "haishu-street", PASSWORD)
    page.goto(f"{base}/wishes/market/organizations/")
    assert_accessible(page, "organization queue")
    page.get_by_role("button", name="审核通过 宁波港城物流有限公司").click()
    expect(page.get_by_text("已审核通过。")).to_be_visible()
    page.goto(f"{base}/wishes/market/new/")
    assert_accessible(page, "new project form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
