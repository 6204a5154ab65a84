"""Excel (.xlsx) exports of the Fengling index: the members' scores (the index page) and the red/black
list (the board), each in the exporter's scope (``Action.EXPORT``) and with its page's filters.

Every row is written through ``portal.excel``, so text typed as a formula (a reason, a name) stays
text. Rows stream into a write-only workbook; the scores are read a chunk of members at a time (two
queries per chunk for their month and year rows, never one per member). Up to
``EXPORT_SYNC_MAX_ROWS`` rows are written during the request; more by a background job
(``FENGLING_EXPORT``, through ``portal.jobs`` and ``portal.exports`` as the member export) that only its
owner may download, for ``EXPORT_KEEP_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from functools import partial
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from fengling import selectors
from fengling.filters import BoardFilter
from fengling.models import BoardEntry, BoardStatus, ExportKind, FenglingExportJob
from grids.models import PartyMember
from portal import excel, jobs
from portal import exports as portal_exports
from portal.errors import NotAllowed
from portal.privacy import mask_name
from portal.scoping import Action, Actor, can, has_any

log = logging.getLogger(__name__)

CHUNK_SIZE = 2_000
Progress = Callable[[int], None] | None


def name_query(params: QueryDict) -> str:
    """The index page's name filter (``?q=``), bounded as the page bounds it."""
    return params.get("q", "").strip()[:50]


def score_members(actor: Actor, params: QueryDict) -> QuerySet[PartyMember]:
    """The members the index export writes: the page's list in the actor's export scope."""
    return selectors.members_scored(actor, name_query(params), Action.EXPORT)


def board_filterset(actor: Actor, params: QueryDict) -> BoardFilter:
    """The board's filters over the entries the actor may export: the request and the job alike."""
    return BoardFilter(params, queryset=selectors.board_entries(actor, Action.EXPORT), actor=actor)


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


def write_scores(
    members: QuerySet[PartyMember], out: IO[bytes], *, today: dt.date, progress: Progress = None
) -> int:
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
        if progress:
            progress(count)
    wb.save(out)
    return count


def write_board(
    actor: Actor, entries: QuerySet[BoardEntry], out: IO[bytes], *, progress: Progress = None
) -> int:
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
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
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
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    wb.save(out)
    return count


def _who(actor: Actor, entry: BoardEntry) -> list[str]:
    name = entry.member.name if can(actor, Action.CHANGE, entry) else mask_name(entry.member.name)
    return [name, entry.organization.name, entry.reason]


def _day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


# In the background -------------------------------------------------------------------------------


def export_job_create(*, actor: Actor, what: str, query: str) -> FenglingExportJob:
    """A QUEUED export of the index or the board filtered by ``query`` (the page's query string)."""
    if not has_any(actor, Action.EXPORT):
        raise NotAllowed()
    if what not in ExportKind.values:
        raise ValueError(what)
    return FenglingExportJob.objects.create(owner=actor, what=what, query=query)


Writer = Callable[[IO[bytes]], int]


def _work(job: FenglingExportJob, run: jobs.Run) -> None:
    # Scope and filters as they are now: an owner who lost rights exports less, not more.
    writer = _scores_writer(job, run) if job.what == ExportKind.SCORES else _board_writer(job, run)
    if writer is None:
        run.fail(message=_("筛选条件有误，未导出。请修改后再试。"))
        return
    count = portal_exports.write_and_finish(job, run, writer)
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info(
        "fengling %s export by user %s: %d rows, filters %s (job %s)",
        job.what,
        job.owner_id,
        count,
        job.query,
        job.pk,
    )


def _scores_writer(job: FenglingExportJob, run: jobs.Run) -> Writer:
    members = score_members(job.owner, QueryDict(job.query))
    run.progress(0, total=members.count())
    today = timezone.localdate(job.created_at)
    return partial(write_scores, members, today=today, progress=run.progress)


def _board_writer(job: FenglingExportJob, run: jobs.Run) -> Writer | None:
    filterset = board_filterset(job.owner, QueryDict(job.query))
    if not filterset.is_valid():
        return None
    entries = filterset.qs
    run.progress(0, total=entries.count())
    return partial(write_board, job.owner, entries, progress=run.progress)


def job_filename(job: FenglingExportJob) -> str:
    day = timezone.localdate(job.created_at)
    return scores_filename(day) if job.what == ExportKind.SCORES else board_filename(day)


def purge_expired(now: dt.datetime | None = None) -> int:
    return portal_exports.purge_expired(FenglingExportJob, now)


FENGLING_EXPORT = portal_exports.register_export("fengling.export", FenglingExportJob, _work)
