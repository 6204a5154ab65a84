"""Pages of a background member export: start it, follow its progress, download the file.

An export job is its owner's alone: another user, whatever their rights, gets a 404 (``portal.exports.jobs_of``).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext
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


export_job, export_progress, export_download = PAGES.views()
