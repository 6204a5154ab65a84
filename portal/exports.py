"""Exports too large for a request: written by a background job, downloaded by their owner, for a day.

A page that exports (the member list, the hours export) writes a small list during the request and,
above ``EXPORT_SYNC_MAX_ROWS`` rows, offers to start an ``ExportJob`` run by ``portal.jobs``. This
module holds what every such export shares: storing the file and finishing the job, the pages that
follow its progress and send the file (to its owner alone: anyone else, whatever their rights, gets a
404), and the purge of files past ``EXPORT_KEEP_HOURS``. Each kind keeps its own filters and sheet.
"""

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import IO

from django.conf import settings
from django.core.files import File
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from portal import jobs
from portal.models import ExportJob, JobStatus, export_file_path
from portal.scoping import Actor

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def jobs_of(model: type[ExportJob], actor: Actor) -> QuerySet:
    """Background exports are their owner's alone: anyone else gets a 404, whatever their rights."""
    return model.objects.filter(owner=actor)


# In the job --------------------------------------------------------------------------------------


def write_and_finish(job: ExportJob, run: jobs.Run, write: Callable[[IO[bytes]], int]) -> int:
    """Write the file with ``write`` (which returns its row count), store it and end the job as done,
    downloadable for ``EXPORT_KEEP_HOURS``."""
    with tempfile.TemporaryFile(suffix=".xlsx") as out:
        count = write(out)
        out.seek(0)
        saved = _store(job, out)
    try:
        expires_at = timezone.now() + timedelta(hours=settings.EXPORT_KEEP_HOURS)
        run.finish(file=saved, progress_done=count, progress_total=count, expires_at=expires_at)
    except jobs.Lost:
        if saved != export_file_path(job, ""):
            job.file.storage.delete(saved)  # a second copy from a worker that was only slow
        raise
    return count


def _store(job: ExportJob, out: IO[bytes]) -> str:
    # Idempotent: an attempt after a takeover replaces the file of the interrupted one.
    name = export_file_path(job, "")
    job.file.storage.delete(name)
    return job.file.storage.save(name, File(out))


def discard_failed(job: ExportJob) -> None:
    """A ``JobKind.discard``: a failed export leaves no file behind."""
    if job.status == JobStatus.FAILED:
        job.file.storage.delete(export_file_path(job, ""))


def purge_expired(model: type[ExportJob], now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their download window; the job rows stay as the record."""
    expired = model.objects.filter(expires_at__lt=now or timezone.now()).exclude(file="")
    purged = 0
    for job in expired.only("pk", "file")[:1000]:
        job.file.storage.delete(job.file.name)
        purged += model.objects.filter(pk=job.pk).update(file="")
    return purged


# The pages ---------------------------------------------------------------------------------------


def register_export(name: str, model: type[ExportJob], work: Callable) -> jobs.JobKind:
    """The job kind of one export: its own work, the messages and clean-up every export shares."""
    return jobs.register(
        jobs.JobKind(
            name=name,
            model=model,
            work=work,
            crash_message=gettext_lazy("导出时出错，请稍后重新导出。"),
            gave_up_message=gettext_lazy("导出多次中断，已停止。请重新导出。"),
            discard=discard_failed,
        )
    )


@dataclass(frozen=True)
class ExportPages:
    """The progress page, its polled JSON and the download of one kind of export job.

    The views of each app keep their own gate and URL names and call these with the request.
    """

    model: type[ExportJob]
    template: str
    # "已写入 %(done)s / %(total)s 人": what a running job has written so far.
    running: str | Promise
    # The outcome of a finished job from its row count: "已导出 1,234 名党员".
    finished: Callable[[int], str]
    filename: Callable[[ExportJob], str]
    nav_active: str

    def views(self) -> tuple[Callable[..., HttpResponse], ...]:
        """The job's page, its polled progress and its download as views for any signed-in user:
        the job is then looked up among the user's own, so anyone else's is a 404."""
        from portal import gates
        from portal.pages import require

        signed_in = require(gates.SIGNED_IN)
        return signed_in(self.page), never_cache(signed_in(self.progress)), signed_in(self.download)

    def job(self, request: HttpRequest, pk: int) -> ExportJob:
        return get_object_or_404(jobs_of(self.model, request.user), pk=pk)

    def page(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(request, pk)
        context = {"job": job, "progress_text": self.progress_text(job), "nav_active": self.nav_active}
        return render(request, self.template, context)

    def progress(self, request: HttpRequest, pk: int) -> JsonResponse:
        job = self.job(request, pk)
        return JsonResponse(
            {
                "status": job.status,
                "percent": job.percent,
                "finished": not job.pending,
                "message": self.progress_text(job),
            }
        )

    def download(self, request: HttpRequest, pk: int) -> FileResponse:
        job = self.job(request, pk)
        if not job.downloadable:
            raise Http404
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=self.filename(job),
            content_type=XLSX_CONTENT_TYPE,
        )

    def progress_text(self, job: ExportJob) -> str:
        if job.status == JobStatus.QUEUED:
            return _("排队等待处理……")
        if job.status == JobStatus.RUNNING:
            return str(self.running) % {"done": f"{job.progress_done:,}", "total": f"{job.progress_total:,}"}
        if job.status == JobStatus.DONE:
            return self.finished(job.progress_total)
        return job.message or _("导出失败")
