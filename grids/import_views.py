"""Pages for importing members from Excel and exporting the member list.

Import jobs are fetched through ``selectors.import_jobs_visible``: a job of an organization outside the
user's change scope is a 404, never a 403 that would confirm it exists.
"""

import io
import logging
import tempfile
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from grids import exports, imports, member_sheet, selectors, tasks
from grids.forms import OrganizationChoiceField, limit_organizations
from grids.models import ImportStatus, MemberImportJob
from portal import gates
from portal.errors import DomainError
from portal.pages import require
from portal.scoping import Actor
from portal.tasks import enqueue

log = logging.getLogger(__name__)

RECENT_JOBS = 10


class MemberImportForm(forms.Form):
    organization = OrganizationChoiceField(
        label=gettext_lazy("导入到党组织"),
        help_text=gettext_lazy("“党组织编号”一列留空的党员，导入到这个党组织。"),
    )
    file = forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        help_text=gettext_lazy("不超过 10MB。只要有一行有错误，整份文件都不会导入。"),
        widget=forms.FileInput(attrs={"accept": f".xlsx,{member_sheet.XLSX_CONTENT_TYPE}"}),
        error_messages={
            "required": gettext_lazy("请选择填好的 Excel 文件。"),
            "empty": gettext_lazy("文件是空的，请选择填好的 Excel 文件。"),
        },
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = 0
        limit_organizations(self.fields["organization"], selectors.organizations_changeable(actor))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Counting stops just past the limit: enough to choose between now and the background.
        self.row_count = member_sheet.check_upload(upload, count_limit=settings.IMPORT_SYNC_MAX_ROWS)
        return upload


@require(gates.CHANGE)
def member_import(request: HttpRequest) -> HttpResponse:
    initial = {"organization": request.GET["organization"]} if request.GET.get("organization") else {}
    form = MemberImportForm(request.POST or None, request.FILES or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_create(
                actor=request.user,
                organization=form.cleaned_data["organization"],
                upload=form.cleaned_data["file"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            _start(job, form.row_count)
            return redirect("grids:import_job", pk=job.pk)
    recent = (
        selectors.import_jobs_visible(request.user)
        .filter(owner=request.user)
        .select_related("organization")
        .only(
            "pk",
            "original_name",
            "status",
            "progress_total",
            "imported_rows",
            "created_at",
            "organization__name",
        )
    )
    context = {"form": form, "recent_jobs": recent[:RECENT_JOBS], "nav_active": "members"}
    return render(request, "grids/member_import.html", context)


def _start(job: MemberImportJob, row_count: int) -> None:
    # A small file is checked and saved during the request, and the user lands on the result;
    # a large one goes to a worker and the result page follows its progress.
    if row_count <= settings.IMPORT_SYNC_MAX_ROWS:
        imports.import_run(job.pk)
    else:
        enqueue(tasks.run_member_import, job.pk)


@require(gates.CHANGE)
def import_template(request: HttpRequest) -> HttpResponse:
    # FileResponse writes the RFC 5987 filename* form that a Chinese file name needs.
    return FileResponse(
        io.BytesIO(member_sheet.template_workbook()),
        as_attachment=True,
        filename="党员导入模板.xlsx",
        content_type=member_sheet.XLSX_CONTENT_TYPE,
    )


@require(gates.SIGNED_IN)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(
        selectors.import_jobs_visible(request.user).select_related("organization", "owner"), pk=pk
    )
    context = {
        "job": job,
        "pending": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "progress_text": _progress_text(job),
        "row_errors": [e for e in job.errors if e.get("row")],
        # The machinery's own message (a crash, or given up after repeated interruptions) is a file error too.
        "file_errors": [e for e in job.errors if not e.get("row")]
        + ([{"message": job.message}] if job.message else []),
        "nav_active": "members",
    }
    return render(request, "grids/import_job.html", context)


@never_cache
@require(gates.SIGNED_IN)
def import_progress(request: HttpRequest, pk: int) -> JsonResponse:
    fields = ("status", "progress_total", "progress_done", "imported_rows", "errors", "message")
    job = get_object_or_404(selectors.import_jobs_visible(request.user).only(*fields), pk=pk)
    finished = job.status in (ImportStatus.DONE, ImportStatus.FAILED)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "total": job.progress_total,
            "processed": job.progress_done,
            "imported": job.imported_rows,
            "error_count": len(job.errors) + bool(job.message),
            "percent": 100 if finished else job.percent,
            "finished": finished,
            "message": _progress_text(job),
        }
    )


def _progress_text(job: MemberImportJob) -> str:
    if job.status == ImportStatus.QUEUED:
        return _("排队等待处理……")
    if job.status == ImportStatus.RUNNING and not job.progress_total:
        return _("正在读取文件……")
    if job.status == ImportStatus.RUNNING:
        return _("已检查 %(done)d / %(total)d 行") % {"done": job.progress_done, "total": job.progress_total}
    if job.status == ImportStatus.DONE:
        return _("已导入 %(count)d 名党员") % {"count": job.imported_rows}
    return _("有错误，没有导入任何党员")


@require(gates.EXPORT)
def member_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = exports.export_filterset(user, request.GET)
    if not filterset.is_valid():
        # An ignored filter would export more people than the page showed.
        messages.error(request, _("筛选条件有误，未导出。请修改后再试。"))
        return redirect(reverse("grids:member_list") + "?" + request.GET.urlencode())
    total = filterset.qs.count()
    if total > settings.EXPORT_SYNC_MAX_ROWS:
        # openpyxl writes ~5,000 rows a second: a large list is written in the background (a POST starts it).
        context = {
            "total": total,
            "query": request.GET.urlencode(),
            "keep_hours": settings.EXPORT_KEEP_HOURS,
            "nav_active": "members",
        }
        return render(request, "grids/member_export_start.html", context)
    # Rows are written to a temporary file, not held in memory.
    out = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes it once sent
    count = exports.export_members(filterset.qs, out)
    out.seek(0)
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info("member export by user %s: %d rows, filters %s", user.pk, count, request.GET.urlencode())
    return FileResponse(
        out,
        as_attachment=True,
        filename=exports.export_filename(),
        content_type=member_sheet.XLSX_CONTENT_TYPE,
    )
