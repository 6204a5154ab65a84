"""On a phone, a volunteer claims a published wish from the wall and fulfils it with a photo; the
resident confirms with the tracking code and the thank-you shows on the wall."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PIL import Image

from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import VolunteerFactory
from tests.wishes.factories import WishFactory
from wishes.models import WishStatus

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_volunteer_claims_and_fulfils_and_the_resident_confirms(
    page: Page, live_server, world, tmp_path, settings
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "wheelchair.jpg"
    Image.new("RGB", (1200, 900), (183, 28, 28)).save(photo, "JPEG")
    wish = WishFactory(community=world.haishu_community, title="想要一把轮椅", resident_name="王小梅")
    volunteer = VolunteerFactory(community=world.haishu_community, user=world.volunteer, role=None)

    login(page, live_server.url, volunteer.user.username, "pass-1234-word")
    page.goto(f"{live_server.url}/wishes/")
    expect(page.get_by_role("heading", name="心愿墙")).to_be_visible()
    expect(page.get_by_text("王*梅").first).to_be_visible()
    assert "王小梅" not in page.content()
    assert_accessible(page, "wish wall at 375px")
    page.screenshot(path=str(tmp_path / "wall.png"), full_page=True)

    with page.expect_navigation():
        page.locator("#wish-list").get_by_role("button", name="认领").first.click()
    expect(page.get_by_text("认领成功")).to_be_visible()
    assert_accessible(page, "my claims at 375px")

    with page.expect_navigation():
        page.get_by_role("link", name="提交完成情况").click()
    page.get_by_label("完成说明").fill("已把轮椅送到王阿姨家，并教会她使用。")
    page.get_by_label("服务时长（小时）").fill("3")
    page.get_by_label("完成照片").set_input_files(str(photo))
    assert_accessible(page, "fulfil form at 375px")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("等待居民确认").first).to_be_visible()

    # The resident, not logged in, opens the confirm page with the code read from their SMS.
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/wishes/track/{wish.tracking_code_display}/confirm/")
    expect(page.get_by_text("已把轮椅送到王阿姨家").first).to_be_visible()
    assert_accessible(page, "confirm page at 375px")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("感谢留言（可选，将展示在心愿墙上）").fill("轮椅很好用，谢谢志愿者！")
    with page.expect_navigation():
        page.get_by_role("button", name="确认完成").click()
    expect(page.get_by_text("感谢您的确认和评价")).to_be_visible()

    page.goto(f"{live_server.url}/wishes/")
    expect(page.get_by_text("轮椅很好用，谢谢志愿者！")).to_be_visible()
    wish.refresh_from_db()
    assert wish.status == WishStatus.CONFIRMED
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 3
