"""The member workbook as a file format: columns, the template, reading rows and parsing cells.

The column headers and the instructions sheet are a file format, not UI text: they stay in Chinese
whatever the page language, so a template downloaded in English still imports. Nothing here touches
the database; ``grids.imports`` checks and saves what this module reads.
"""

import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from grids.models import MemberStatus
from portal import excel
from portal.validators import id_check_digit, normalize_id_number, validate_id_number

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 10 MB upload can unzip to gigabytes (a "zip bomb"); real member lists stay far below this.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
# One transaction holds every row of a file: this bounds its memory and keeps the task well inside
# the broker's visibility timeout. A district imports in a few files.
MAX_IMPORT_ROWS = 50_000
TEMPLATE_ROWS = 5_000  # how far down the template's dropdowns reach

_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003), also old .doc
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
# Serial numbers of 1910-01-01 and 2100-01-01: a bare year such as 1985 is not read as a day in 1905.
_SERIAL_1910, _SERIAL_2100 = 3_654, 73_051
_TRUE, _FALSE = {"是", "Y", "YES", "TRUE", "1", "√"}, {"否", "N", "NO", "FALSE", "0", "×", ""}
YES_NO = ("是", "否")
GENDERS = {"男": "M", "女": "F"}
STATUSES = {"正式党员": MemberStatus.FULL, "预备党员": MemberStatus.PROBATIONARY}


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # the build_member keyword (or "id_number"); model errors on it land in this column
    required: bool
    width: int
    rule: str  # one line of the instructions sheet
    choices: tuple[str, ...] = ()
    number_format: str = ""


COLUMNS = (
    Column("姓名", "name", True, 10, "必填，2至50个字：汉字（少数民族姓名可用间隔号“·”），或拉丁字母、空格、连字符、撇号和点。"),
    Column("性别", "gender", True, 8, "必填，“男”或“女”。", ("男", "女")),
    Column("出生日期", "birth_date", True, 12, "必填，日期，如 1985-03-12 或 1985/3/12。", number_format="yyyy-mm-dd"),
    Column("入党日期", "join_date", True, 12, "必填，日期；入党时应年满18周岁，不能晚于今天。", number_format="yyyy-mm-dd"),
    Column("党员类别", "status", True, 11, "必填，“正式党员”或“预备党员”。", tuple(STATUSES)),
    Column("手机号", "mobile", False, 14, "选填，11位手机号。", number_format="@"),
    Column("身份证号", "id_number", True, 21, "必填，18位，末位可为X；请按文本填写，数字格式会丢失末几位。", number_format="@"),
    Column("党员中心户", "is_central_household", False, 11, "“是”或“否”，留空视为“否”。", YES_NO),
    Column("在职党员", "is_in_service", False, 10, "“是”或“否”，留空视为“否”。在职党员到居住地社区报到。", YES_NO),
    Column("工作单位", "work_unit", False, 24, "选填，最多120个字。"),
    Column("流动党员", "is_mobile_member", False, 10, "“是”或“否”，留空视为“否”。", YES_NO),
    Column("党组织编号", "organization", False, 12, "选填，所在党组织的编号（见党组织详情页），须在您的管辖范围内；留空则导入到上传页面选择的党组织。", number_format="@"),
)  # fmt: skip
HEADER_OF = {c.key: c.header for c in COLUMNS}
_first17 = "33020319850312123"
EXAMPLE_ID = _first17 + id_check_digit(_first17)
EXAMPLE_ROW = ("张小明", "男", dt.date(1985, 3, 12), dt.date(2008, 7, 1), "正式党员", "13800000000",
               EXAMPLE_ID, "否", "是", "宁波市海曙区某单位", "否", "")  # fmt: skip


class ImportFileError(Exception):
    """The file as a whole cannot be imported (wrong columns, no rows, too many rows)."""


# Template -----------------------------------------------------------------------------------------


def template_workbook() -> bytes:
    """The blank import template: headers, one example row, dropdowns and an instructions sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "党员名单"
    excel.write_row(ws, [c.header for c in COLUMNS])
    excel.write_row(ws, EXAMPLE_ROW)
    for index, column in enumerate(COLUMNS, start=1):
        _style_template_column(ws, index, column)
    ws.freeze_panes = "A2"
    _write_instructions(wb.create_sheet("填写说明"))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _style_template_column(ws: Any, index: int, column: Column) -> None:
    letter = get_column_letter(index)
    header = ws.cell(row=1, column=index)
    header.font = Font(bold=True, color="B71C1C" if column.required else "1F2328")
    header.fill = PatternFill("solid", fgColor="FBEEEE" if column.required else "F2F2F2")
    ws.cell(row=2, column=index).font = Font(italic=True, color="808080")
    ws.column_dimensions[letter].width = column.width
    if column.number_format:
        # A column style applies to rows typed later; "@" keeps long numbers as text.
        ws.column_dimensions[letter].number_format = column.number_format
        ws.cell(row=2, column=index).number_format = column.number_format
    if column.choices:
        validation = DataValidation(
            type="list",
            formula1='"{}"'.format(",".join(column.choices)),
            allow_blank=not column.required,
            showErrorMessage=True,
            errorTitle="输入有误",
            error="请从下拉列表中选择：" + "、".join(column.choices),
        )
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        ws.add_data_validation(validation)


def _write_instructions(ws: Any) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 80
    lines = [
        ("党员信息导入说明",),
        ("1. 在“党员名单”表中每行填写一名党员；第一行是表头，请勿修改或删除。",),
        ("2. 第二行（灰色斜体）是示例，导入前请删除或改为真实数据。",),
        (
            "3. 整份文件全部正确才会导入：只要有一行有错误，所有行都不会保存，页面会列出每个错误所在的行和原因。",
        ),
        (
            f"4. 每个文件最多 {MAX_IMPORT_ROWS} 行、不超过 10MB；只支持 .xlsx 格式（旧版 .xls 请先另存为 .xlsx）。",
        ),
        ("5. 同一身份证号只能登记一次：文件内重复或系统中已登记的都会报错。",),
        (),
        ("列名", "必填", "填写要求"),
        *((c.header, "是" if c.required else "", c.rule) for c in COLUMNS),
    ]
    for line in lines:
        excel.write_row(ws, line)
    ws["A1"].font = Font(bold=True, size=14)
    header_row = len(lines) - len(COLUMNS)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=header_row + 1):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")


# Reading the file ---------------------------------------------------------------------------------


def check_upload(upload: UploadedFile, *, count_limit: int) -> int:
    """Refuse anything that is not a readable member workbook; return its data rows, counted up to
    ``count_limit + 1`` (enough to choose between importing now and in the background).

    Raises ``ValidationError`` with a message for the upload form.
    """
    if not upload.size:
        raise ValidationError(_("文件是空的，请选择填好的 Excel 文件。"), code="empty")
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("文件超过 10MB，请拆分成几个文件分别导入。"), code="too_large")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(_OLE_SIGNATURE):
        raise ValidationError(
            _("这是旧版 Excel（.xls）文件。请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。"), code="xls"
        )
    if not head.startswith(_ZIP_SIGNATURE):
        raise ValidationError(_("这不是 Excel（.xlsx）文件。请下载导入模板，填好后上传。"), code="not_xlsx")
    try:
        with _sheet_rows(upload) as rows:
            read_header(next(rows, ()))
            count = sum(1 for _row in _data_rows(rows, limit=count_limit + 1))
    except ImportFileError as error:
        raise ValidationError(str(error), code="bad_sheet") from None
    except _Unreadable:
        raise ValidationError(
            _("文件已损坏，或不是有效的 Excel（.xlsx）文件。请用 Excel 或 WPS 打开确认后重新保存。"),
            code="unreadable",
        ) from None
    finally:
        upload.seek(0)
    if not count:
        raise ValidationError(_("文件中没有党员数据：请从第2行起每行填写一名党员。"), code="no_rows")
    return count


class _Unreadable(Exception):
    pass


@contextmanager
def _sheet_rows(fileobj: IO[bytes]) -> Iterator[Iterator[tuple]]:
    """The first sheet's rows as tuples of values; raises ``_Unreadable`` for anything but a workbook."""
    workbook = _load_workbook(fileobj)
    try:
        yield _rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _load_workbook(fileobj: IO[bytes]) -> Any:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        fileobj.seek(0)
        with warnings.catch_warnings():
            # Files saved by WPS carry extensions openpyxl warns about and ignores.
            warnings.simplefilter("ignore")
            workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign zip fails in many ways inside openpyxl
        raise _Unreadable from error
    if unzipped > MAX_UNZIPPED_BYTES or not workbook.worksheets:
        workbook.close()
        raise _Unreadable
    return workbook


def _rows(sheet: Any) -> Iterator[tuple]:
    try:
        yield from sheet.iter_rows(values_only=True)
    except Exception as error:  # the sheet's XML is parsed lazily, row by row
        raise _Unreadable from error


def _header_name(value: Any) -> str:
    # "性别(男/女)" and "*姓名" are the same column as "性别" and "姓名".
    return re.sub(r"[（(].*$", "", str(value or "")).strip().strip("*＊").strip()


def read_header(cells: Iterable[Any]) -> dict[str, int]:
    """Map each known column's key to its index in the row, or raise ``ImportFileError``."""
    known = {c.header: c.key for c in COLUMNS}
    positions: dict[str, int] = {}
    for index, value in enumerate(cells):
        name = _header_name(value)
        if name not in known:
            continue
        if known[name] in positions:
            raise ImportFileError(_("表头中“%(name)s”列出现了两次。") % {"name": name})
        positions[known[name]] = index
    missing = [c.header for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise ImportFileError(
            _("第1行表头缺少以下列：%(columns)s。请使用导入模板，不要修改表头。")
            % {"columns": "、".join(missing)}
        )
    return positions


def _data_rows(rows: Iterator[tuple], *, limit: int) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, values) for each non-blank row after the header, at most ``limit`` rows."""
    count = 0
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        count += 1
        if count > limit:
            return
        yield number, values


def read_rows(fileobj: IO[bytes]) -> list[dict[str, Any]]:
    """Every data row as {"_row": number, key: raw value}; raises ``ImportFileError``."""
    try:
        with _sheet_rows(fileobj) as rows:
            positions = read_header(next(rows, ()))
            records = [
                {"_row": number, **{key: _cell(values, i) for key, i in positions.items()}}
                for number, values in _data_rows(rows, limit=MAX_IMPORT_ROWS + 1)
            ]
    except _Unreadable:
        raise ImportFileError(_("文件已损坏，无法读取。")) from None
    if not records:
        raise ImportFileError(_("文件中没有党员数据：请从第2行起每行填写一名党员。"))
    if len(records) > MAX_IMPORT_ROWS:
        raise ImportFileError(_("文件超过 %(max)d 行，请拆分成几个文件分别导入。") % {"max": MAX_IMPORT_ROWS})
    return records


def _cell(values: tuple, index: int) -> Any:
    value = values[index] if index < len(values) else None
    return value.strip() if isinstance(value, str) else value


# Parsing cells ------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a General cell comes back as 13800000000.0
    return str(value).strip()


def parse_date(value: Any) -> dt.date:
    """An Excel date, a serial number, 20010701, or text like 2001-07-01, 2001/7/1, 2001年7月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 10_000_000 <= value <= 99_999_999 and float(value).is_integer():
            value = str(int(value))
        elif _SERIAL_1910 <= value < _SERIAL_2100:  # a date cell formatted as a number: days since 1900
            return from_excel(value).date()
    text = cell_text(value)
    match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text) or _DATE_RE.match(text)
    if not match:
        raise ValueError(text)
    return dt.date(*(int(part) for part in match.groups()))


def parse_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)


def _choice(mapping: dict[str, str], message: Any) -> Callable[[Any], str]:
    def convert(raw: Any) -> str:
        text = cell_text(raw)
        if text not in mapping:
            raise ValueError(str(message))
        return mapping[text]

    return convert


def _date(header: str) -> Callable[[Any], dt.date]:
    def convert(raw: Any) -> dt.date:
        try:
            return parse_date(raw)
        except (ValueError, OverflowError):
            raise ValueError(
                _("%(column)s不是有效日期，请填写如 1985-03-12 的日期。") % {"column": header}
            ) from None

    return convert


def _yes_no_cell(raw: Any) -> bool:
    try:
        return parse_yes_no(raw)
    except ValueError:
        raise ValueError(_("请填写“是”或“否”，或留空。")) from None


def parse_id_number(raw: Any) -> str:
    """The cell's ID number, normalized and checked (length, birth date, check digit)."""
    if isinstance(raw, float):
        raise ValueError(_("身份证号被存成了数字，末几位已丢失。请把该列设为“文本”格式后重新填写。"))
    value = normalize_id_number(cell_text(raw)).replace(" ", "")
    try:
        validate_id_number(value)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None
    return value


# A cell's raw value to a build_member keyword's value; ValueError carries the message for the row.
# Text columns (name, mobile, work unit) are plain ``cell_text``; the organization column needs the
# uploader's scope and is read by ``grids.imports``.
CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "gender": _choice(GENDERS, gettext_lazy("请填写“男”或“女”。")),
    "status": _choice({**STATUSES, "正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY},
                      gettext_lazy("请填写“正式党员”或“预备党员”。")),
    "birth_date": _date("出生日期"),
    "join_date": _date("入党日期"),
    "is_central_household": _yes_no_cell,
    "is_in_service": _yes_no_cell,
    "is_mobile_member": _yes_no_cell,
    "id_number": parse_id_number,
}  # fmt: skip
