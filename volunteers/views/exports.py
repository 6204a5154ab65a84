"""The Excel export of confirmed hours: written during the request when small, by a background job
(``portal.exports``) when large, as the member export. A job is its owner's alone: anyone else gets a 404."""

from __future__ import annotations

import logging
import tempfile

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from portal import gates
from portal.exports import XLSX_CONTENT_TYPE, ExportPages
from portal.pages import found_or_404, require
from portal.tasks import enqueue, run_job
from volunteers import exports
from volunteers.models import HoursExportJob

log = logging.getLogger(__name__)

NAV = "hours_review"

PAGES = ExportPages(
    model=HoursExportJob,
    template="volunteers/hours_export_job.html",
    running=gettext_lazy("已写入 %(done)s / %(total)s 条"),
    finished=lambda total: (
        ngettext("已导出 %(count)s 条服务记录", "已导出 %(count)s 条服务记录", total)
        % {"count": f"{total:,}"}
    ),
    filename=exports.job_filename,
    nav_active=NAV,
)


@require(gates.EXPORT)
def hours_export(request: HttpRequest) -> HttpResponse:
    form = exports.export_form(request.user, request.GET or None)
    if not (request.GET and form.is_valid()):
        return render(request, "volunteers/hours_export.html", {"form": form, "nav_active": NAV})
    records = found_or_404(exports.export_records(request.user, form.cleaned_data))
    total = records.count()
    if total > settings.EXPORT_SYNC_MAX_ROWS:
        # openpyxl writes a few thousand rows a second: a large export is written in the background.
        context = {
            "total": total,
            "query": request.GET.urlencode(),
            "keep_hours": settings.EXPORT_KEEP_HOURS,
            "nav_active": NAV,
        }
        return render(request, "volunteers/hours_export_start.html", context)
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it once sent
    count = exports.write_hours(records, out)
    out.seek(0)
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info("hours export by user %s: %d rows, filters %s", request.user.pk, count, request.GET.urlencode())
    filename = exports.export_filename(form.cleaned_data)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


@require_POST
@require(gates.EXPORT)
def export_start(request: HttpRequest) -> HttpResponse:
    job = exports.export_job_create(actor=request.user, query=request.POST.get("query", "")[:2000])
    enqueue(run_job, exports.HOURS_EXPORT.name, job.pk)
    return redirect("volunteers:hours_export_job", pk=job.pk)


export_job, export_progress, export_download = PAGES.views()
