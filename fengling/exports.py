"""Excel (.xlsx) exports of the Fengling index: the members' scores (the index page) and the red/black
list (the board), each in the exporter's scope (``Action.EXPORT``) and with its page's filters.

Every row is written through ``portal.excel``, so text typed as a formula (a reason, a name) stays
text. Rows stream into a write-only workbook; the scores are read a chunk of members at a time (two
queries per chunk for their month and year rows, never one per member).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from fengling import selectors
from fengling.models import BoardEntry, BoardStatus
from grids.models import PartyMember
from portal import excel
from portal.privacy import mask_name
from portal.scoping import Action, Actor, can

CHUNK_SIZE = 2_000


def scores_filename(today: dt.date) -> str:
    return f"锋领指数-{today:%Y%m%d}.xlsx"


def board_filename(today: dt.date) -> str:
    return f"红黑榜-{today:%Y%m%d}.xlsx"


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, int]]) -> Any:
    ws = wb.create_sheet(title)
    for index, (_header, width) in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    excel.write_row(ws, [header for header, _width in headers])
    return ws


def _chunks(rows: Iterator[PartyMember], size: int) -> Iterator[list[PartyMember]]:
    while chunk := list(islice(rows, size)):
        yield chunk


def write_scores(members: QuerySet[PartyMember], out: IO[bytes], *, today: dt.date) -> int:
    """The index page's rows: member, organization, this month's total, the year's score and rating
    (the base score and its rating for a member with no events this year, as the page shows)."""
    wb = Workbook(write_only=True)
    month = today.replace(day=1)
    headers = [
        (_("党员"), 10),
        (_("所在党组织"), 28),
        (_("本月积分（%(month)s）") % {"month": f"{month:%Y-%m}"}, 16),
        (_("%(year)d 年度得分") % {"year": today.year}, 14),
        (_("年度考评"), 10),
    ]
    ws = _sheet(wb, _("锋领指数"), headers)
    count = 0
    for chunk in _chunks(members.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        ids = [m.pk for m in chunk]
        months, years = selectors.months_of(ids, month), selectors.years_of(ids, today.year)
        for member in chunk:
            total = months[member.pk].total if member.pk in months else 0
            score = years[member.pk].score if member.pk in years else settings.FENGLING_BASE_POINTS
            row = [member.name, member.organization.name, total, score, selectors.rating_label(score)]
            excel.write_row(ws, row)
            count += 1
    wb.save(out)
    return count


def write_board(actor: Actor, entries: QuerySet[BoardEntry], out: IO[bytes]) -> int:
    """The red and the black list on a sheet each, in the page's order. Names in full only for those
    who may change the entry (as on the page), masked otherwise."""
    wb = Workbook(write_only=True)
    red, black = selectors.board_lists(entries)
    common = [(_("党员"), 10), (_("所在党组织"), 28), (_("事由"), 40)]
    ws = _sheet(wb, _("红榜"), [*common, (_("红色积分"), 10), (_("上榜日期"), 12)])
    count = 0
    for entry in red.iterator(chunk_size=CHUNK_SIZE):
        excel.write_row(ws, [*_who(actor, entry), entry.red_points, _day(entry.created_at)])
        count += 1
    headers = [*common, (_("状态"), 10), (_("整改期限"), 12), (_("上榜日期"), 12), (_("销号日期"), 12)]
    ws = _sheet(wb, _("黑榜"), [*headers, (_("整改情况"), 40)])
    for entry in black.iterator(chunk_size=CHUNK_SIZE):
        status = _("已逾期") if entry.is_overdue else entry.get_status_display()
        closed = _day(entry.closed_at) if entry.status == BoardStatus.CLOSED else None
        row = [
            *_who(actor, entry),
            status,
            entry.deadline,
            _day(entry.created_at),
            closed,
            entry.closing_note,
        ]
        excel.write_row(ws, row)
        count += 1
    wb.save(out)
    return count


def _who(actor: Actor, entry: BoardEntry) -> list[str]:
    name = entry.member.name if can(actor, Action.CHANGE, entry) else mask_name(entry.member.name)
    return [name, entry.organization.name, entry.reason]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None
