"""Excel exports of the index and the board: written during the request up to
``EXPORT_SYNC_MAX_ROWS`` rows, by a background job (``portal.exports``) above that, as the member and
hours exports. A job is its owner's alone: anyone else gets a 404."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from functools import partial
from typing import IO

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from fengling import exports
from fengling.models import ExportKind, FenglingExportJob
from portal import gates
from portal.exports import XLSX_CONTENT_TYPE, ExportPages
from portal.pages import require
from portal.tasks import enqueue, run_job

log = logging.getLogger(__name__)

PAGES = ExportPages(
    model=FenglingExportJob,
    template="fengling/export_job.html",
    running=gettext_lazy("已写入 %(done)s / %(total)s 条"),
    finished=lambda total: (
        ngettext("已导出 %(count)s 条", "已导出 %(count)s 条", total) % {"count": f"{total:,}"}
    ),
    filename=exports.job_filename,
    nav_active="fengling",
)
PAGE_OF = {ExportKind.SCORES: "fengling:index", ExportKind.BOARD: "fengling:board"}


@require(gates.EXPORT)
def index_export(request: HttpRequest) -> HttpResponse:
    """The index page's members (its name filter) with their figures, in the export scope."""
    members = exports.score_members(request.user, request.GET)
    today = timezone.localdate()
    write = partial(exports.write_scores, members, today=today)
    return _export(request, ExportKind.SCORES, members, exports.scores_filename(today), write)


@require(gates.EXPORT)
def board_export(request: HttpRequest) -> HttpResponse:
    """The board with its filters, in the export scope; an invalid filter exports nothing."""
    filterset = exports.board_filterset(request.user, request.GET)
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未导出。请修改后再试。"))
        return redirect(f"{reverse('fengling:board')}?{request.GET.urlencode()}")
    entries = filterset.qs
    write = partial(exports.write_board, request.user, entries)
    filename = exports.board_filename(timezone.localdate())
    return _export(request, ExportKind.BOARD, entries, filename, write)


def _export(
    request: HttpRequest, what: str, rows: QuerySet, filename: str, write: Callable[[IO[bytes]], int]
) -> HttpResponse:
    limit = settings.EXPORT_SYNC_MAX_ROWS
    # A bounded count first: a branch's list is never counted past the limit to learn that it is small.
    if rows[: limit + 1].count() > limit:
        # openpyxl writes a few thousand rows a second: a large export is written in the background.
        context = {
            "total": rows.count(),
            "what": what,
            "heading": ExportKind(what).label,
            "back": PAGE_OF[what],
            "query": request.GET.urlencode(),
            "keep_hours": settings.EXPORT_KEEP_HOURS,
            "nav_active": "fengling",
        }
        return render(request, "fengling/export_start.html", context)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it once sent
    count = write(out)
    out.seek(0)
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info(
        "fengling %s export by user %s: %d rows, filters %s",
        what,
        request.user.pk,
        count,
        request.GET.urlencode(),
    )
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


@require_POST
@require(gates.EXPORT)
def export_start(request: HttpRequest) -> HttpResponse:
    what = request.POST.get("what", "")
    if what not in ExportKind.values:
        messages.error(request, _("导出内容有误，未导出。"))
        return redirect("fengling:index")
    job = exports.export_job_create(actor=request.user, what=what, query=request.POST.get("query", "")[:2000])
    enqueue(run_job, exports.FENGLING_EXPORT.name, job.pk)
    return redirect("fengling:export_job", pk=job.pk)


export_job, export_progress, export_download = PAGES.views()
