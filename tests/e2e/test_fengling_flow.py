"""A branch secretary scores a member from a phone (375 px) in a few taps: the list, 记分, a
behaviour, save; the member, signed in, sees the new total. axe checks each page."""

from __future__ import annotations

import os

from fengling import defaults
from fengling.models import Behaviour, MonthlyScore, OrganizationField
from tests.e2e.conftest import assert_accessible, login
from tests.volunteers.factories import VolunteerFactory

SHOTS = os.environ.get("SIMING_SCREENSHOTS")  # a directory: keep a 375-px picture of each page


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"fengling-{name}.png"), full_page=True)


def test_a_secretary_scores_a_member_and_the_member_sees_the_total(page, live_server, world):
    from playwright.sync_api import expect

    member = world.haishu_members[0]
    member.name = "王小梅"
    member.save(update_fields=["name"])
    # The member's own account: a volunteer whose profile is linked to the member record.
    VolunteerFactory(user=world.volunteer, community=world.haishu_community, member=member)
    defaults.load()  # a live server's test flushes tables: an earlier one took the migration's rows
    behaviour = Behaviour.objects.get(indicator_set__field="community", code="S3")

    login(page, live_server.url, "haishu-sec", "pass-1234-word")
    page.goto(f"{live_server.url}/fengling/")
    expect(page.get_by_role("heading", name="锋领指数")).to_be_visible()
    shot(page, "index")
    assert_accessible(page, "fengling list at 375px")
    page.get_by_role("link", name="为 王小梅 记分").click()
    expect(page.get_by_role("heading", name="为 王小梅 记分")).to_be_visible()
    page.get_by_label("行为").select_option(str(behaviour.pk))
    page.get_by_label("说明").fill("防台值守三晚")
    shot(page, "record")
    assert_accessible(page, "record form at 375px")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已为 王小梅 记 +5 分。")).to_be_visible()
    # With no broker the month's total is computed as the event commits (eager Celery).
    assert MonthlyScore.objects.get(member=member).total == 5
    expect(page.locator("#fl-year-score")).to_have_text("85")
    shot(page, "member")
    assert_accessible(page, "member page at 375px")

    page.context.clear_cookies()
    login(page, live_server.url, "volunteer", "pass-1234-word")
    # The member's account was told, in the message centre, and the message leads to the score.
    page.goto(f"{live_server.url}/messages/")
    expect(page.get_by_text("锋领积分 +5")).to_be_visible()
    page.goto(f"{live_server.url}/fengling/me/")
    expect(page.get_by_role("heading", name="我的锋领积分")).to_be_visible()
    expect(page.locator("#fl-year-score")).to_have_text("85")
    expect(page.get_by_text("防台值守三晚")).to_be_visible()
    shot(page, "me")
    assert_accessible(page, "my score at 375px")


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_district_staff_set_a_branchs_field_and_export_its_board_on_a_phone(
    page, live_server, world, settings, tmp_path
):
    from playwright.sync_api import expect

    defaults.load()
    member = world.haishu_members[0]
    login(page, live_server.url, "haishu", "pass-1234-word")
    page.goto(f"{live_server.url}/fengling/members/{member.pk}/")
    expect(page.locator("#fl-member-field")).to_have_text("社区")
    page.get_by_role("link", name="设置领域").click()
    expect(page.get_by_role("heading", name=world.haishu_branch.name)).to_be_visible()
    assert fits(page)
    shot(page, "field")
    assert_accessible(page, "field page at 375px")
    page.get_by_label("所属领域").select_option("two_new")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存所属领域。")).to_be_visible()
    expect(page.locator("#fl-field")).to_have_text("两新组织")
    assert OrganizationField.objects.get(organization=world.haishu_branch).field == "two_new"

    page.goto(f"{live_server.url}/fengling/board/?organization=abc")
    expect(page.get_by_role("alert")).to_contain_text("编号须为")
    assert fits(page)
    assert_accessible(page, "board with a bad filter at 375px")
    page.goto(f"{live_server.url}/fengling/board/")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(f"{live_server.url}/fengling/")
    assert fits(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    assert download.value.suggested_filename.startswith("锋领指数-")

    # Past the limit the export is written in the background, with its own page.
    settings.EXPORT_SYNC_MAX_ROWS, settings.MEDIA_ROOT = 1, tmp_path
    page.goto(f"{live_server.url}/fengling/")
    page.get_by_role("link", name="导出 Excel").click()
    expect(page.get_by_role("heading", name="共 3 条")).to_be_visible()
    assert fits(page)
    assert_accessible(page, "background export offer at 375px")
    page.get_by_role("button", name="开始导出").click()
    expect(page.get_by_role("link", name="下载 Excel")).to_be_visible()
    assert fits(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel").click()
    assert download.value.suggested_filename.startswith("锋领指数-")
