"""A community party committee registers a brand, the street returns it once, approves the fix, and the
public finds it on the brand wall, its story shown as plain text and its cover loaded."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from brands.models import Brand, BrandStatus
from tests.brands.factories import BrandFactory, image_bytes
from tests.e2e.conftest import assert_accessible, expect, login

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "pass-1234-word"
NAME = "小板凳议事会"
# Typed by a resident into the story: it must come back as text on every page, never run.
SCRIPT = "<script>window.storyRan = true</script>"
STORY = f"2019 年起，社区党委把小板凳搬到楼道口，听居民说事。\n\n有居民在留言里写下 {SCRIPT}，也照样显示。"
RETURN_REASON = "请在品牌故事中补充议事会解决的具体问题和成效。"
ADDED_STORY = "三年来共议事 86 次，解决加装电梯、停车难等问题 41 件。"


def switch_user(page: Page, base_url: str, username: str | None) -> None:
    """Drop the session (as another person on another phone would have none) and log in as ``username``."""
    page.context.clear_cookies()
    if username:
        login(page, base_url, username, PASSWORD)


def expect_story_as_text(page: Page) -> None:
    story = page.locator(".brand-story")
    expect(story).to_contain_text(SCRIPT)
    expect(story.locator("script")).to_have_count(0)
    assert page.evaluate("window.storyRan") is None, f"the story's script ran on {page.url}"


def expect_image_loaded(page: Page, selector: str) -> None:
    image = page.locator(selector)
    image.scroll_into_view_if_needed()  # a lazy image is only fetched near the viewport
    # A finished request is "complete" whether it loaded or broke; only a decoded image has a width.
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0, f"{image.get_attribute('src')} did not load"


def review(page: Page, base_url: str, decision: str, reason: str = "") -> None:
    page.goto(f"{base_url}/brands/manage/review/")
    page.get_by_role("link", name=f"审核 {NAME}").click()
    expect(page.get_by_role("heading", name=f"审核品牌：{NAME}")).to_be_visible()
    expect_story_as_text(page)
    page.get_by_label(decision).check()
    if reason:
        page.get_by_label("退回原因").fill(reason)
    page.get_by_role("button", name="提交审核意见").click()
    expect(page).to_have_url(f"{base_url}/brands/manage/review/")


def test_a_community_brand_is_returned_fixed_approved_and_found_on_the_wall(
    page, live_server, world, tmp_path, settings
):
    base = live_server.url
    # Django's live server serves MEDIA_URL from MEDIA_ROOT, as nginx does in production.
    settings.MEDIA_ROOT = tmp_path / "media"
    cover = tmp_path / "cover.jpg"
    cover.write_bytes(image_bytes("JPEG", (1600, 900)))
    # Community staff ("haishu-community") hold review rights, but only strictly below their community:
    # they may register the community committee's brand and may not review it.
    other = BrandFactory(organization=world.jiangbei_branch, status=BrandStatus.PUBLISHED, name="红帆驿站")

    # Community staff register the brand for the committee (not its grid branch) and submit it.
    login(page, base, "haishu-community", PASSWORD)
    page.goto(f"{base}/brands/manage/new/")
    page.get_by_label("品牌名称").fill(NAME)
    page.get_by_label("所属党组织").select_option(label="海曙区一社区党委（海曙区一社区）")
    page.get_by_label("类别").select_option(label="基层治理")
    page.get_by_label("品牌级别").select_option(label="社区级")
    page.get_by_label("创立年份").fill("2019")
    page.get_by_label("一句话介绍").fill("小板凳上议大事")
    page.get_by_label("简介").fill("居民坐在小板凳上和党员一起商量楼道里的事。")
    page.get_by_label("品牌故事").fill(STORY)
    page.get_by_label("封面图", exact=True).set_input_files(str(cover))
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存为草稿。")).to_be_visible()
    brand = Brand.objects.get(name=NAME)
    assert brand.organization == world.haishu_committee
    expect(page).to_have_url(f"{base}/brands/manage/{brand.pk}/")
    expect_story_as_text(page)
    page.get_by_role("button", name="提交审核", exact=True).click()
    expect(page.get_by_text("已提交审核，上级审核后将在品牌墙发布。")).to_be_visible()
    expect(page.locator("#status-heading")).to_contain_text("待审核")
    # Review rights stop strictly above a region: the community's own people never review it.
    expect(page.get_by_role("link", name="审核", exact=True)).to_have_count(0)
    page.goto(f"{base}/brands/manage/review/")
    expect(page.get_by_text("目前没有待审核的品牌。")).to_be_visible()

    # The street reviews: returning needs a reason.
    switch_user(page, base, "haishu-street")
    page.goto(f"{base}/brands/manage/review/")
    page.get_by_role("link", name=f"审核 {NAME}").click()
    expect_image_loaded(page, ".current-cover img")
    page.get_by_label("退回修改").check()
    page.get_by_role("button", name="提交审核意见").click()
    expect(page.locator(".error")).to_have_text("退回时请填写原因，告诉申报单位需要修改什么。")
    review(page, base, "退回修改", RETURN_REASON)
    expect(page.get_by_text("已退回，申报单位会看到退回原因。")).to_be_visible()
    expect(page.get_by_text("目前没有待审核的品牌。")).to_be_visible()

    # Community staff see the reason, add what was asked and submit again.
    switch_user(page, base, "haishu-community")
    page.goto(f"{base}/brands/manage/")
    row = page.locator("tbody tr", has_text=NAME)
    expect(row).to_contain_text("已退回")
    row.get_by_role("link", name=NAME).click()
    expect(page.locator(".return-reason")).to_have_text(f"退回原因：{RETURN_REASON}")
    page.get_by_role("link", name="修改", exact=True).click()
    expect(page.locator(".return-reason")).to_contain_text(RETURN_REASON)
    story = page.get_by_label("品牌故事")
    story.fill(f"{story.input_value()}\n\n{ADDED_STORY}")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("修改已保存。")).to_be_visible()
    page.get_by_role("button", name="提交审核", exact=True).click()
    expect(page.locator("#status-heading")).to_contain_text("待审核")

    # The street approves the corrected brand.
    switch_user(page, base, "haishu-street")
    review(page, base, "通过并发布")
    expect(page.get_by_text("已发布到品牌墙。")).to_be_visible()
    brand.refresh_from_db()
    assert brand.status == BrandStatus.PUBLISHED
    assert brand.reviewed_by == world.haishu_street_staff
    assert brand.return_reason == ""

    # A visitor without an account searches the wall and opens the brand.
    switch_user(page, base, None)
    page.goto(f"{base}/brands/")
    expect(page.get_by_text("共 2 个品牌")).to_be_visible()
    page.get_by_label("搜索品牌名称").fill("小板凳")
    page.get_by_role("search").get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/brands/\?q=.+"))
    expect(page.get_by_text("共 1 个品牌")).to_be_visible()
    expect(page.get_by_role("link", name=other.name)).to_have_count(0)
    card = page.locator(".brand-card", has_text=NAME)
    expect(card).to_contain_text("小板凳上议大事")
    expect(card).to_contain_text("海曙区 · 海曙区一社区党委")
    expect_image_loaded(page, ".brand-card img.brand-cover")
    assert_accessible(page, "brand wall search at 375px")

    card.get_by_role("link", name=NAME).click()
    expect(page).to_have_url(f"{base}/brands/{brand.pk}/")
    expect(page.get_by_role("heading", name=NAME, level=1)).to_be_visible()
    expect_story_as_text(page)
    expect(page.locator(".brand-story")).to_contain_text(ADDED_STORY)
    expect_image_loaded(page, "img.brand-hero-cover")
    assert_accessible(page, "brand page at 375px")
