"""Excel (.xlsx) export of confirmed service hours by team, region (community, street, district) and period.

Scoped to what the user may export and formula-safe (every row goes through ``portal.excel``). Up to
``EXPORT_SYNC_MAX_ROWS`` records are written during the request; more by a background job
(``HOURS_EXPORT``, through ``portal.jobs`` and ``portal.exports``, as the member export) that only its
owner may download, for ``EXPORT_KEEP_HOURS``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import IO, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from grids.models import Region
from portal import excel, jobs
from portal import exports as portal_exports
from portal.errors import NotAllowed
from portal.privacy import mask_mobile
from portal.scoping import Action, Actor, has_any
from volunteers.forms.hours import ExportForm
from volunteers.models import HoursExportJob, RecordSource, RecordStatus, ServiceRecord, Team

log = logging.getLogger(__name__)

CHUNK_SIZE = 2_000
TEAM_CHOICES = 500

COLUMNS = (
    (gettext_lazy("服务日期"), "served_on"),
    (gettext_lazy("志愿者"), "volunteer__name"),
    (gettext_lazy("手机号"), "volunteer__mobile"),
    (gettext_lazy("所在区域"), "region__name"),
    (gettext_lazy("志愿服务队"), "team__name"),
    (gettext_lazy("服务活动"), "event__title"),
    (gettext_lazy("服务内容"), "description"),
    (gettext_lazy("来源"), "source"),
    (gettext_lazy("时长（小时）"), "hours"),
)


def export_form(actor: Actor, data: QueryDict | None) -> ExportForm:
    """The export form offering the teams ``actor`` may export: the page and the job read it alike."""
    teams = Team.objects.visible_to(actor, Action.EXPORT).order_by("name").values_list("pk", "name")
    return ExportForm(data, teams=list(teams[:TEAM_CHOICES]))


def export_records(actor: Actor, data: dict[str, Any]) -> QuerySet | None:
    """Approved records of the period in ``actor``'s scope, of the chosen team and region;
    ``None`` when the team or region lies outside the scope (or does not exist)."""
    records = ServiceRecord.objects.visible_to(actor, Action.EXPORT).filter(
        status=RecordStatus.APPROVED, served_on__range=(data["date_from"], data["date_to"])
    )
    if data.get("team"):
        team = Team.objects.visible_to(actor, Action.EXPORT).filter(pk=data["team"]).first()
        if team is None:
            return None
        records = records.filter(team=team)
    if data.get("region"):
        region = Region.objects.visible_to(actor, Action.EXPORT).filter(code=data["region"]).first()
        if region is None:
            return None
        records = records.filter(region__path__startswith=region.path)
    return records


def export_filename(data: dict[str, Any]) -> str:
    return f"hours-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.xlsx"


def write_hours(records: QuerySet, out: IO[bytes], *, progress: Callable[[int], None] | None = None) -> int:
    """Write ``records`` as an .xlsx to ``out``; return the number of rows written.

    The first sheet lists the records; the second sums them by community and team (服务时长汇总). Plain
    tuples stream in chunks into a write-only workbook (memory stays flat: the sums hold one entry per
    community and team); the mobile leaves only masked.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("服务时长"))
    excel.write_row(sheet, [str(title) for title, _field in COLUMNS])
    labels = dict(RecordSource.choices)
    rows = (
        records.order_by("served_on", "id")
        .values_list(*(field for _title, field in COLUMNS), "region_id")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    sums: dict[tuple[str, int, str], list] = defaultdict(lambda: [0, Decimal(0)])
    count = 0
    for served_on, name, mobile, region, team, event, description, source, hours, region_id in rows:
        excel.write_row(
            sheet,
            [served_on, name, mask_mobile(mobile), region, team or "", event or "", description,
             str(labels.get(source, source)), hours],
        )  # fmt: skip
        total = sums[(region, region_id, team or "")]
        total[0] += 1
        total[1] += hours
        count += 1
        if progress and count % CHUNK_SIZE == 0:
            progress(count)
    _write_sums(workbook, sums)
    workbook.save(out)
    return count


def _write_sums(workbook: Workbook, sums: dict[tuple[str, int, str], list]) -> None:
    sheet = workbook.create_sheet(_("服务时长汇总"))
    excel.write_row(sheet, [_("所在区域"), _("志愿服务队"), _("服务次数"), _("时长（小时）")])
    for (region, _region_id, team), (times, hours) in sorted(sums.items()):
        excel.write_row(sheet, [region, team, times, hours])
    times = sum(times for times, _hours in sums.values())
    excel.write_row(
        sheet, [_("合计"), "", times, sum((hours for _times, hours in sums.values()), Decimal(0))]
    )


# In the background -------------------------------------------------------------------------------


def export_job_create(*, actor: Actor, query: str) -> HoursExportJob:
    """A QUEUED hours export of the export form's fields as ``query`` (a query string)."""
    if not has_any(actor, Action.EXPORT):
        raise NotAllowed()
    return HoursExportJob.objects.create(owner=actor, query=query)


def _work(job: HoursExportJob, run: jobs.Run) -> None:
    # Scope and filters as they are now: an owner who lost rights exports less, not more.
    form = export_form(job.owner, QueryDict(job.query))
    records = export_records(job.owner, form.cleaned_data) if form.is_valid() else None
    if records is None:
        run.fail(message=_("筛选条件有误，未导出。请修改后再试。"))
        return
    run.progress(0, total=records.count())
    count = portal_exports.write_and_finish(
        job, run, lambda out: write_hours(records, out, progress=run.progress)
    )
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info("hours export by user %s: %d rows, filters %s (job %s)", job.owner_id, count, job.query, job.pk)


def job_filename(job: HoursExportJob) -> str:
    form = ExportForm(QueryDict(job.query))
    if form.is_valid():
        return export_filename(form.cleaned_data)
    return f"hours-{job.created_at:%Y%m%d}.xlsx"


def purge_expired(now: dt.datetime | None = None) -> int:
    return portal_exports.purge_expired(HoursExportJob, now)


HOURS_EXPORT = portal_exports.register_export("volunteers.hours_export", HoursExportJob, _work)
