"""District staff import members from the Excel template: a good file is saved and listed masked; a file
with one bad row is refused whole, the row and its reason shown."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook

from grids.models import PartyMember
from portal.privacy import mask_id_number
from portal.validators import id_gender
from tests.e2e.conftest import assert_accessible, expect, login
from tests.factories import make_id_number

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "pass-1234-word"


def id_number(gender: str, birth: dt.date) -> str:
    """A valid ID number for someone of this sex born on this day (the importer checks they agree)."""
    while True:
        number = make_id_number(birth)
        if id_gender(number) == gender:
            return number


def person(name: str, gender: str, birth: dt.date, mobile: str, id_number: str) -> dict[str, object]:
    return {
        "姓名": name,
        "性别": {"M": "男", "F": "女"}[gender],
        "出生日期": birth,
        "入党日期": dt.date(birth.year + 25, 7, 1),
        "党员类别": "正式党员",
        "手机号": mobile,
        "身份证号": id_number,
        "在职党员": "是",
    }


def fill_template(template: Path, rows: list[dict[str, object]], out: Path) -> Path:
    """The downloaded template with its example row replaced by ``rows``, written as the headers say."""
    workbook = load_workbook(template)
    sheet = workbook["党员名单"]
    columns = {cell.value: cell.column for cell in sheet[1]}
    sheet.delete_rows(2)
    for number, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=number, column=columns[header], value=value)
    workbook.save(out)
    return out


def upload(page: Page, base_url: str, organization_pk: int, file: Path) -> None:
    page.goto(f"{base_url}/grids/members/import/")
    page.get_by_label("导入到党组织").select_option(value=str(organization_pk))
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(file))
    page.get_by_role("button", name="上传并导入").click()
    expect(page).to_have_url(re.compile(r"/grids/members/import/\d+/$"))


def test_district_staff_import_members_from_the_template_and_a_bad_row_saves_nothing(
    page, live_server, world, tmp_path, settings
):
    base = live_server.url
    settings.MEDIA_ROOT = tmp_path / "media"
    branch = world.haishu_branch
    zhou_id = id_number("F", dt.date(1986, 3, 12))
    chen_id = id_number("M", dt.date(1972, 11, 30))
    before = PartyMember.objects.count()

    login(page, base, "haishu", PASSWORD)
    page.goto(f"{base}/grids/members/import/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载导入模板（.xlsx）").click()
    download = download_info.value
    assert download.suggested_filename == "党员导入模板.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)
    assert template.read_bytes().startswith(b"PK\x03\x04")  # an Office Open XML (zip) file
    assert load_workbook(template, read_only=True).sheetnames == ["党员名单", "填写说明"]

    good = fill_template(
        template,
        [
            person("周晓燕", "F", dt.date(1986, 3, 12), "13957401234", zhou_id),
            person("陈建国", "M", dt.date(1972, 11, 30), "15867405678", chen_id),
        ],
        tmp_path / "海曙一网格党员.xlsx",
    )
    upload(page, base, branch.pk, good)
    expect(page.get_by_role("heading", name="已导入 2 名党员")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("海曙一网格党员.xlsx")
    assert_accessible(page, "import result at 375px")

    page.get_by_role("link", name="查看党员名单").click()
    expect(page.get_by_text("共 5 名党员")).to_be_visible()  # the branch's three, and the two imported
    for name, mobile, number in (("周晓燕", "139****1234", zhou_id), ("陈建国", "158****5678", chen_id)):
        row = page.locator("tbody tr", has_text=name)
        expect(row).to_contain_text(mobile)
        expect(row).to_contain_text(mask_id_number(number))
        expect(row).to_contain_text("在职")
    html = page.content()
    for full in (zhou_id, chen_id, "13957401234", "15867405678"):
        assert full not in html, "a full ID number or mobile reached the member list"
    assert PartyMember.objects.filter(organization=branch).count() == 5

    # One row with a mistyped check digit: the whole file is refused, the good row included.
    valid = id_number("F", dt.date(1990, 1, 8))
    mistyped = valid[:17] + ("0" if valid[17] != "0" else "1")
    bad = fill_template(
        template,
        [
            person("吴海波", "M", dt.date(1988, 6, 1), "13705741111", id_number("M", dt.date(1988, 6, 1))),
            person("孙丽", "F", dt.date(1990, 1, 8), "13705742222", mistyped),
        ],
        tmp_path / "有错误的名单.xlsx",
    )
    upload(page, base, branch.pk, bad)
    expect(page.locator(".form-errors")).to_contain_text("没有导入任何党员。")
    errors = page.locator("section", has=page.get_by_role("heading", name="有问题的行")).locator("tbody tr")
    expect(errors).to_have_count(1)
    where = errors.get_by_role("rowheader")
    expect(where).to_contain_text("第 3 行")
    expect(where.locator(".help")).to_have_text("身份证号")
    expect(errors.get_by_role("cell")).to_have_text("身份证号校验位不正确，请核对。")
    assert PartyMember.objects.count() == before + 2
    assert not PartyMember.objects.filter(name__in=["吴海波", "孙丽"]).exists()

    page.goto(f"{base}/grids/members/?q=吴海波")
    expect(page.get_by_text("共 0 名党员")).to_be_visible()
