"""District staff export a large period of confirmed hours on a phone: the export page offers a
background job, its page shows the progress and then the download link, and the file arrives;
every page passes axe."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from openpyxl import load_workbook

from tests.e2e.conftest import assert_accessible, expect, login
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import approved_record
from volunteers.models import HoursExportJob

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_a_large_hours_export_runs_in_the_background_and_downloads(
    page: Page, live_server, world, settings, tmp_path
):
    settings.EXPORT_SYNC_MAX_ROWS = 1  # two records are "large" here
    settings.MEDIA_ROOT = tmp_path / "media"
    volunteer = VolunteerFactory(community=world.haishu_community, name="王小梅")
    for days, description in ((3, "=cmd|' /C calc'!A0"), (5, "敬老院探访")):
        served_on = timezone.localdate() - dt.timedelta(days=days)
        approved_record(
            volunteer, world.haishu_staff, hours=Decimal("2"), description=description, served_on=served_on
        )
    base = live_server.url

    login(page, base, "haishu", "pass-1234-word")
    page.goto(base + "/volunteers/hours/export/")
    assert_accessible(page, "export form at 375px")
    page.get_by_role("button", name="导出 Excel").click()
    expect(page.get_by_role("heading", name="共 2 条服务记录")).to_be_visible()
    assert_accessible(page, "background export offer at 375px")
    with page.expect_navigation():
        page.get_by_role("button", name="开始导出").click()

    # No broker in the tests: the job ran when the request committed, so the page shows the outcome.
    expect(page.get_by_text("已导出 2 条服务记录")).to_be_visible()
    assert_accessible(page, "export job page at 375px")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 Excel").click()
    assert download_info.value.suggested_filename.startswith("hours-")
    with open(download_info.value.path(), "rb") as xlsx:  # saved without the extension openpyxl checks
        sheet = load_workbook(xlsx).active
    rows = list(sheet.iter_rows())
    assert [row[1].value for row in rows[1:]] == ["王小梅", "王小梅"]
    assert rows[2][6].value == "=cmd|' /C calc'!A0" and rows[2][6].data_type == "s"
    assert HoursExportJob.objects.get().owner == world.haishu_staff
