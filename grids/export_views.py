"""Pages of a background member export: start it, follow its progress, download the file.

An export job is its owner's alone: another user, whatever their rights, gets a 404 (``export_jobs_of``).
"""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grids import exports, member_sheet, selectors
from grids.models import MemberExportJob
from portal import gates
from portal.models import JobStatus
from portal.pages import require
from portal.tasks import enqueue, run_job


@require_POST
@require(gates.EXPORT)
def export_start(request: HttpRequest) -> HttpResponse:
    job = exports.export_job_create(actor=request.user, query=request.POST.get("query", "")[:2000])
    enqueue(run_job, exports.MEMBER_EXPORT.name, job.pk)
    return redirect("grids:export_job", pk=job.pk)


@require(gates.SIGNED_IN)  # then scoped to the owner: anyone else gets a 404
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.export_jobs_of(request.user), pk=pk)
    context = {
        "job": job,
        "progress_text": _progress_text(job),
        "nav_active": "members",
    }
    return render(request, "grids/export_job.html", context)


@never_cache
@require(gates.SIGNED_IN)
def export_progress(request: HttpRequest, pk: int) -> JsonResponse:
    job = get_object_or_404(selectors.export_jobs_of(request.user), pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "percent": job.percent,
            "finished": not job.pending,
            "message": _progress_text(job),
        }
    )


@require(gates.SIGNED_IN)
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(selectors.export_jobs_of(request.user), pk=pk)
    if not job.downloadable:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=exports.export_filename(timezone.localdate(job.created_at)),
        content_type=member_sheet.XLSX_CONTENT_TYPE,
    )


def _progress_text(job: MemberExportJob) -> str:
    if job.status == JobStatus.QUEUED:
        return _("排队等待处理……")
    if job.status == JobStatus.RUNNING:
        return _("已写入 %(done)s / %(total)s 人") % {
            "done": f"{job.progress_done:,}",
            "total": f"{job.progress_total:,}",
        }
    if job.status == JobStatus.DONE:
        total = job.progress_total
        return ngettext("已导出 %(count)s 名党员", "已导出 %(count)s 名党员", total) % {"count": f"{total:,}"}
    return job.message or _("导出失败")
