"""A branch secretary records a 主题党日 on a phone, with attendees and a photo, and finds it on the branch page."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils import timezone
from PIL import Image

from brands.models import ActivityKind, ActivityRecord
from tests.e2e.conftest import assert_accessible, login

if TYPE_CHECKING:
    from playwright.sync_api import Page


def expect_text(page: Page, selector: str, text: str) -> None:
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_text(text)


def test_a_secretary_records_a_theme_day_and_sees_it_on_the_branch_page(
    page, live_server, world, tmp_path, settings
):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "theme-day.jpg"
    Image.new("RGB", (1600, 1200), (183, 28, 28)).save(photo, "JPEG")
    first, second, third = world.haishu_members

    login(page, live_server.url, "haishu-sec", "pass-1234-word")
    page.goto(f"{live_server.url}/brands/activities/new/")
    # A secretary lands on their own branch's form, times already filled in.
    expect(page.get_by_role("heading", name="记录活动")).to_be_visible()
    expect(page.get_by_text(world.haishu_branch.name).first).to_be_visible()
    assert page.get_by_label("开始时间").input_value()
    assert page.get_by_label("结束时间").input_value()

    assert_accessible(page, "activity form at 375px")
    page.get_by_label("活动类型").select_option(label="主题党日")
    page.get_by_role("textbox", name="主题", exact=True).fill("重温入党誓词")
    page.get_by_label("地点").fill("社区党群服务中心")

    # The attendance figure follows each tap; "全体党员到会" ticks everyone, and un-ticking one clears it.
    page.get_by_label(first.name).check()
    expect_text(page, "#attendance", "到会 1 / 3 人（33%）")
    everyone = page.get_by_label("全体党员到会")
    everyone.check()
    expect_text(page, "#attendance", "到会 3 / 3 人（100%）")
    page.get_by_label(third.name).uncheck()
    expect(everyone).not_to_be_checked()
    expect_text(page, "#attendance", "到会 2 / 3 人（67%）")

    page.get_by_label("活动照片").set_input_files(str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="保存记录").click()

    expect(page.get_by_role("heading", name="重温入党誓词")).to_be_visible()
    expect(page.get_by_text("已记录“重温入党誓词”。")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("2 / 3 名党员（67%）")
    expect(page.locator(".photo-grid img")).to_have_count(1)
    # Checked without the flash message: base.html's <ul role="status"> is axe's listitem finding, not this page's.
    page.reload()
    assert_accessible(page, "record page at 375px")

    record = ActivityRecord.objects.get()
    assert record.kind == ActivityKind.THEME_DAY
    assert set(record.attendees.all()) == {first, second}
    assert record.photos.count() == 1

    page.get_by_role("link", name=world.haishu_branch.name).click()
    expect(page.get_by_role("heading", name=world.haishu_branch.name, level=1)).to_be_visible()
    item = page.locator(".activity-item", has_text="重温入党誓词")
    expect(item).to_be_visible()
    expect(item).to_contain_text("到会 2/3")
    expect(item.locator(".thumbs img")).to_have_count(1)
    assert_accessible(page, "branch page at 375px")
    # The month of the 主题党日 is now met in the compliance grid (the last column is this month).
    now, start = timezone.localtime(), timezone.localtime(record.started_at)
    months_ago = (now.year * 12 + now.month) - (start.year * 12 + start.month)
    theme_row = page.locator("table.compliance tbody tr", has_text="主题党日")
    expect(theme_row.locator("td").nth(11 - months_ago)).to_have_class(re.compile(r"\bperiod-met\b"))
