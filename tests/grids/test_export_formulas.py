"""Text that begins like a formula leaves every Excel export as text Excel will not evaluate (OWASP).

The rule (portal.excel): such a cell is an explicit string cell with Excel's quote prefix; its
value is exactly what was stored.
"""

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grids import exports, member_sheet
from tests.factories import MemberFactory, OrganizationFactory

EXPORT_URL = reverse("grids:member_export")
HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def export_bytes(client) -> bytes:
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def assert_inert(cell, value: str) -> None:
    assert cell.data_type == "s"  # a string, not "f"
    assert cell.value == value  # unchanged: the quote prefix is a style, not a character
    assert cell.quotePrefix is True  # and it stays text when someone edits the cell


@pytest.mark.parametrize("value", HOSTILE)
def test_a_member_whose_data_begins_like_a_formula_is_exported_as_inert_text(client, world, value):
    # Rows from before the name rule, or a work unit and an organization name, which are free text.
    branch = OrganizationFactory(name=value, region=world.haishu_grid, parent=world.haishu_committee)
    MemberFactory(organization=branch, name=value, work_unit=value)
    client.force_login(world.haishu_staff)
    content = export_bytes(client)

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    columns = {header: index for index, (header, _f, _w) in enumerate(exports.EXPORT_COLUMNS)}
    read_back = value.replace("\r", "\n")  # XML reads a bare carriage return back as a line feed
    [row] = [r for r in sheet.iter_rows(min_row=2) if r[columns["姓名"]].value == read_back]
    for header in ("姓名", "工作单位", "所在党组织"):
        assert_inert(row[columns[header]], read_back)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_ordinary_text_is_written_as_it_is(client, world):
    client.force_login(world.haishu_staff)
    sheet = load_workbook(io.BytesIO(export_bytes(client))).worksheets[0]
    name = sheet.cell(row=2, column=1)
    assert name.data_type == "s" and not name.quotePrefix


def test_the_import_template_holds_no_formula():
    wb = load_workbook(io.BytesIO(member_sheet.template_workbook()))
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_every_sheet_in_the_code_is_written_through_portal_excel():
    # Future exports too: a module that builds sheets appends rows with portal.excel.write_row.
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.glob("*/**/*.py"):
        if path.parts[len(root.parts)] in {"tests", ".venv", "node_modules"} or path.name == "excel.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "openpyxl" in text and re.search(r"\b(ws|sheet|worksheet|\w+_sheet)\.append\(", text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
