"""Pages of a background member export: start it, follow its progress, download the file.

An export job is its owner's alone: another user, whatever their rights, gets a 404 (``portal.exports.jobs_of``).
"""

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from grids import exports
from grids.models import MemberExportJob
from portal import gates
from portal.exports import ExportPages
from portal.pages import require
from portal.tasks import enqueue, run_job


@require_POST
@require(gates.EXPORT)
def export_start(request: HttpRequest) -> HttpResponse:
    job = exports.export_job_create(actor=request.user, query=request.POST.get("query", "")[:2000])
    enqueue(run_job, exports.MEMBER_EXPORT.name, job.pk)
    return redirect("grids:export_job", pk=job.pk)


PAGES = ExportPages(
    model=MemberExportJob,
    template="grids/export_job.html",
    running=gettext_lazy("已写入 %(done)s / %(total)s 人"),
    finished=lambda total: (
        ngettext("已导出 %(count)s 名党员", "已导出 %(count)s 名党员", total) % {"count": f"{total:,}"}
    ),
    filename=lambda job: exports.export_filename(timezone.localdate(job.created_at)),
    nav_active="members",
)


@require(gates.SIGNED_IN)  # then scoped to the owner: anyone else gets a 404
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    return PAGES.page(request, pk)


@never_cache
@require(gates.SIGNED_IN)
def export_progress(request: HttpRequest, pk: int) -> JsonResponse:
    return PAGES.progress(request, pk)


@require(gates.SIGNED_IN)
def export_download(request: HttpRequest, pk: int) -> FileResponse:
    return PAGES.download(request, pk)
