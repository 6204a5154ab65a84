"""Issue 8's whole life cycle of a micro-wish in one browser test, on 375-px phones, through the
real pages and nothing else between the steps:

1. a resident (no account) picks their community, writes a wish with a photo and reads the
   tracking code off the success page;
2. the secretary of the community's grid branch (a moderator in scope) finds it in 心愿审核 and
   publishes it;
3. a volunteer of the community finds it on 心愿墙, claims it (认领) and reports it fulfilled with a
   note, hours and an evidence photo;
4. the resident looks the wish up with the code they wrote down and confirms it: 满意, with thanks;
5. the public wall (logged out) shows the thanks, and the volunteer finds the thanks under their
   claims and the hours, confirmed, under 我的服务时长.

Every page passes axe (no serious or critical violations) and never scrolls sideways. Step 1 with
JavaScript off, the three-screen budget of the form without a script and a mistyped code stay in
test_wish_submit.py; the claim's details (teams, organizations, races) are in tests/wishes/.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING

from PIL import Image

from tests.e2e.conftest import (
    DEFAULT_TIMEOUT_MS,
    PHONE_VIEWPORT,
    assert_accessible,
    expect,
    login,
    menu_link,
)
from tests.volunteers.factories import VolunteerFactory
from volunteers.models import RecordSource, RecordStatus, ServiceRecord
from wishes.models import ClaimStatus, Rating, Wish, WishClaim, WishEventKind, WishStatus

if TYPE_CHECKING:
    from pathlib import Path

    from playwright.sync_api import Browser, Page

PASSWORD = "pass-1234-word"  # every account of the test world
SCREENS = 3  # a step of the residents' form fits in three phone screens
TITLE = "想要一把轮椅"
RESIDENT, MOBILE = "王小梅", "13812345678"
NOTE = "已把轮椅送到王阿姨家，并教会她使用。"
THANKS = "轮椅很好用，谢谢志愿者！"


def check(page: Page, step: str, *, screens: int | None = None) -> None:
    """What every page of the journey must do on a phone: pass axe and never scroll sideways."""
    assert_accessible(page, step)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{step} ({page.url}) scrolls sideways by {overflow}px at 375px"
    if screens:
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= screens * PHONE_VIEWPORT["height"], (
            f"{step}: {height}px is more than {screens} screens"
        )


@contextmanager
def phone(browser: Browser) -> Iterator[Page]:
    """Another person's phone: a context of its own (its own cookies), 375 px wide."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    check(page, f"login page ({username})")
    login(page, base, username, PASSWORD)
    check(page, f"first page after login ({username})")


def open_from_menu(page: Page, name: str) -> None:
    with page.expect_navigation():
        menu_link(page, name).click()
    check(page, name)


def photo(folder: Path, name: str, colour: tuple[int, int, int]) -> str:
    path = folder / name
    Image.new("RGB", (1200, 900), colour).save(path, "JPEG")
    return str(path)


# --- 1. The resident submits ---------------------------------------------------------------------


def submit_wish(page: Page, base: str, world, picture: str) -> str:
    """Home → 提交微心愿 → place → wish → the code, as the resident reads it off the screen."""
    page.goto(base + "/")
    check(page, "home page (resident)")
    with page.expect_navigation():
        page.locator(".hero-actions").get_by_role("link", name="提交微心愿").click()
    check(page, "wish form, step 1: the place", screens=SCREENS)
    # With the script on, choosing a district fills the street list in place, and so on.
    page.get_by_label("区县(市)").select_option(world.haishu.code)
    page.get_by_label("街道（乡镇）").select_option(world.haishu_street.code)
    page.get_by_label("社区（村）").select_option(world.haishu_community.code)
    with page.expect_navigation():
        page.get_by_role("button", name="下一步").click()

    expect(page.get_by_role("heading", name="写下您的心愿")).to_be_visible()
    expect(page.locator(".wish-place-chosen")).to_contain_text(world.haishu_community.name)
    check(page, "wish form, step 2: the wish", screens=SCREENS)
    page.get_by_label("您的姓名").fill(RESIDENT)
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_text("助老助残", exact=True).click()
    page.get_by_label("心愿标题").fill(TITLE)
    page.get_by_label("心愿描述").fill("老伴腿脚不便，想要一把轻便的轮椅，天气好时推他出门晒太阳。")
    page.get_by_label("估计价值（元）").fill("450")
    page.get_by_label("照片（可选）").set_input_files(picture)
    page.get_by_label("我已阅读并同意《个人信息处理说明》").check()
    with page.expect_navigation():
        page.get_by_role("button", name="提交心愿").click()

    expect(page.get_by_role("heading", name="心愿已提交")).to_be_visible()
    check(page, "wish form, step 3: the tracking code", screens=SCREENS)
    groups = page.locator(".tracking-code span").all_inner_texts()
    assert len(groups) == 3, groups  # ACD4 · 7FGH · JK, read aloud in groups
    return "-".join(groups)


# --- 2. A moderator in scope publishes it --------------------------------------------------------


def moderate(page: Page, base: str) -> None:
    sign_in(page, base, "haishu-sec")
    open_from_menu(page, "心愿审核")
    card = page.locator(".wish-queue li", has_text=TITLE)
    expect(card).to_contain_text("王*梅")  # the queue masks; the wish's own page shows the contact
    with page.expect_navigation():
        card.get_by_role("link", name=f"审核 {TITLE}").click()
    expect(page.get_by_role("heading", name=f"审核心愿：{TITLE}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{RESIDENT} · {MOBILE}")
    expect(page.get_by_role("img", name="居民上传的照片")).to_be_visible()
    check(page, "moderation: the wish")
    with page.expect_navigation():
        page.get_by_role("button", name="审核通过并发布").click()
    expect(page.locator(".messages")).to_contain_text("已发布到心愿墙")
    # Back on the queue, which no longer holds it.
    expect(page.get_by_role("heading", name="心愿审核")).to_be_visible()
    expect(page.locator(".wish-queue")).not_to_contain_text(TITLE)
    check(page, "moderation queue after publishing")


# --- 3. A volunteer claims and fulfils it --------------------------------------------------------


def claim_and_fulfil(page: Page, base: str, evidence: str) -> None:
    sign_in(page, base, "volunteer")
    open_from_menu(page, "心愿墙")
    card = page.locator("#wish-list .wish-card", has_text=TITLE)
    expect(card).to_contain_text("王*梅")
    expect(card).to_contain_text("待认领")
    assert RESIDENT not in page.content() and MOBILE not in page.content()
    with page.expect_navigation():
        card.get_by_role("button", name="认领", exact=True).click()

    expect(page.locator(".messages")).to_contain_text(f"认领成功：请在期限内完成“{TITLE}”。")
    mine = page.locator(".wish-card", has_text=TITLE)
    expect(mine).to_contain_text("认领中")
    check(page, "my claims: claimed")
    with page.expect_navigation():
        mine.get_by_role("link", name="提交完成情况").click()
    check(page, "fulfil form")
    page.get_by_label("完成说明").fill(NOTE)
    page.get_by_label("服务时长（小时）").fill("3")
    page.get_by_label("完成照片").set_input_files(evidence)
    with page.expect_navigation():
        page.get_by_role("button", name="提交", exact=True).click()

    expect(page.locator(".messages")).to_contain_text("已提交完成情况，等待居民确认。")
    expect(page.locator(".wish-card", has_text=TITLE)).to_contain_text("待确认")
    check(page, "my claims: fulfilled")


# --- 4. The resident confirms with the code ------------------------------------------------------


def confirm(page: Page, base: str, code: str) -> None:
    page.goto(base + "/wishes/track/")
    check(page, "tracking: enter the code")
    page.get_by_label("查询码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator("#status-heading")).to_contain_text("已完成")
    body = page.locator("main").inner_text()
    assert RESIDENT not in body and MOBILE not in body and "王*梅" in body
    check(page, "tracking: fulfilled")
    with page.expect_navigation():
        page.get_by_role("link", name="确认并评价").click()

    expect(page.get_by_role("heading", name="确认心愿完成")).to_be_visible()
    expect(page.locator("main")).to_contain_text(NOTE)
    expect(page.get_by_role("img", name="完成照片")).to_be_visible()
    check(page, "confirm form")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("感谢留言（可选，将展示在心愿墙上）").fill(THANKS)
    with page.expect_navigation():
        page.get_by_role("button", name="确认完成").click()
    expect(page.locator(".messages")).to_contain_text("感谢您的确认和评价！")
    expect(page.locator("main")).to_contain_text("已确认：满意")
    check(page, "confirm: done")

    page.goto(f"{base}/wishes/track/{code}/")
    expect(page.locator("#status-heading")).to_contain_text("已确认")
    kinds = page.locator(".wish-timeline .wish-timeline-kind").all_inner_texts()
    assert kinds == ["提交", "审核通过", "认领", "完成", "确认"], kinds
    check(page, "tracking: confirmed")


# --- The journey ---------------------------------------------------------------------------------


def test_a_wish_goes_from_a_resident_to_a_volunteer_and_back_with_thanks_on_the_wall(
    page: Page, browser: Browser, live_server, world, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    volunteer = VolunteerFactory(community=world.haishu_community, user=world.volunteer, role=None)

    code = submit_wish(page, base, world, photo(tmp_path, "wheelchair.jpg", (21, 101, 192)))
    with phone(browser) as secretary:
        moderate(secretary, base)
    with phone(browser) as volunteer_phone:
        claim_and_fulfil(volunteer_phone, base, photo(tmp_path, "delivered.jpg", (183, 28, 28)))
        confirm(page, base, code)

        # 5. The thanks, on the public wall and on the volunteer's list of claims.
        page.goto(base + "/wishes/")
        thanks = page.locator(".wish-thanks li", has_text=THANKS)
        expect(thanks).to_contain_text(f"王*梅 · 海曙区一社区 · {TITLE} · 满意")
        expect(page.locator("#wish-list")).not_to_contain_text(TITLE)  # no longer waiting for a claim
        check(page, "wall, logged out")
        volunteer_phone.goto(base + "/wishes/mine/")
        expect(volunteer_phone.locator("main")).to_contain_text(f"{TITLE} · 已确认 · “{THANKS}”")
        check(volunteer_phone, "my claims: confirmed")
        open_from_menu(volunteer_phone, "我的服务时长")
        record = volunteer_phone.locator(".record-list li", has_text=f"微心愿：{TITLE}")
        expect(record).to_contain_text("3.00 小时")
        expect(record.locator(".badge-green")).to_be_visible()
        expect(volunteer_phone.locator(".figures .figure").first).to_have_text("3")  # hours in total

    wish = Wish.objects.get()
    assert code.replace("-", "") == wish.tracking_code
    assert (wish.status, wish.rating, wish.thanks) == (WishStatus.CONFIRMED, Rating.SATISFIED, THANKS)
    assert (wish.resident_name, wish.resident_mobile, wish.community) == (
        RESIDENT,
        MOBILE,
        world.haishu_community,
    )
    assert wish.photo
    events = list(wish.events.order_by("at", "id").values_list("kind", "actor_id"))
    assert events == [
        (WishEventKind.SUBMITTED, None),
        (WishEventKind.APPROVED, world.haishu_secretary.pk),
        (WishEventKind.CLAIMED, world.volunteer.pk),
        (WishEventKind.FULFILLED, world.volunteer.pk),
        (WishEventKind.CONFIRMED, None),  # the resident, by the code
    ]
    claim = WishClaim.objects.get()
    assert (claim.wish, claim.volunteer, claim.status) == (wish, volunteer, ClaimStatus.CONFIRMED)
    assert (claim.fulfil_note, claim.hours) == (NOTE, Decimal("3"))
    assert claim.evidence
    record = ServiceRecord.objects.get(volunteer=volunteer)
    assert (record.source, record.status, record.hours) == (RecordSource.WISH, RecordStatus.APPROVED, 3)
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 3
