"""Excel (.xlsx) export of party members.

Rows stream from the database into a write-only workbook; mobile and ID number leave only masked.
A small list is written during the request; a large one by a background job (``MEMBER_EXPORT``) that
only its owner may download, for ``EXPORT_KEEP_HOURS``, after which its file is deleted.
"""

import datetime as dt
import logging
from collections.abc import Callable
from typing import IO, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from grids.filters import MemberFilter
from grids.member_sheet import GENDERS, STATUSES
from grids.models import MemberExportJob, PartyMember
from portal import excel, jobs
from portal import exports as portal_exports
from portal.errors import NotAllowed
from portal.privacy import mask_mobile
from portal.scoping import Action, Actor, has_any

log = logging.getLogger(__name__)

EXPORT_CHUNK_SIZE = 2_000

EXPORT_COLUMNS = (
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("出生日期", "birth_date", 12),
    ("入党日期", "join_date", 12),
    ("党员类别", "status", 10),
    ("手机号", "mobile", 14),
    ("身份证号", "id_number_masked", 21),
    ("党员中心户", "is_central_household", 10),
    ("在职党员", "is_in_service", 10),
    ("工作单位", "work_unit", 24),
    ("流动党员", "is_mobile_member", 10),
    ("所在党组织", "organization__name", 24),
    ("党组织编号", "organization_id", 12),
)
_GENDER_LABEL = {v: k for k, v in GENDERS.items()}
_STATUS_LABEL = {v: k for k, v in STATUSES.items()}


def export_filename(today: dt.date | None = None) -> str:
    return f"党员名单-{(today or timezone.localdate()):%Y%m%d}.xlsx"


def export_filterset(actor: Actor, params: QueryDict) -> MemberFilter:
    """The member list's filters over the members ``actor`` may export: the immediate export and the
    background job use this one definition of what leaves the portal."""
    return MemberFilter(params, queryset=PartyMember.objects.visible_to(actor, Action.EXPORT))


def export_members(
    queryset: QuerySet, out: IO[bytes], *, progress: Callable[[int], None] | None = None
) -> int:
    """Write ``queryset`` as an .xlsx to ``out``; return the number of members written.

    Rows stream from the database in chunks into a write-only workbook, so memory stays flat
    whatever the count (a city has ~300,000 members). Mobile and ID number leave only masked.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("党员名单")
    for index, (_header, _field, width) in enumerate(EXPORT_COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    excel.write_row(ws, [header for header, _field, _width in EXPORT_COLUMNS])
    rows = (
        queryset.order_by("organization_id", "pk")
        .values_list(*(field for _header, field, _width in EXPORT_COLUMNS))
        .iterator(chunk_size=EXPORT_CHUNK_SIZE)
    )
    count = 0
    for row in rows:
        excel.write_row(ws, _export_row(row))
        count += 1
        if progress and count % EXPORT_CHUNK_SIZE == 0:
            progress(count)
    wb.save(out)
    return count


def _export_row(row: tuple) -> list[Any]:
    (name, gender, birth, joined, status, mobile, id_masked,
     central, in_service, work_unit, mobile_member, org_name, org_id) = row  # fmt: skip
    return [
        name, _GENDER_LABEL.get(gender, gender), birth, joined, _STATUS_LABEL.get(status, status),
        mask_mobile(mobile) if mobile else "", id_masked, _yes(central), _yes(in_service),
        work_unit, _yes(mobile_member), org_name, org_id,
    ]  # fmt: skip


def _yes(value: bool) -> str:
    return "是" if value else "否"


# In the background -------------------------------------------------------------------------------


def export_job_create(*, actor: Actor, query: str) -> MemberExportJob:
    """A QUEUED export of the member list filtered by ``query`` (the list page's query string)."""
    if not has_any(actor, Action.EXPORT):
        raise NotAllowed()
    return MemberExportJob.objects.create(owner=actor, query=query)


def _work(job: MemberExportJob, run: jobs.Run) -> None:
    # Scope and filters are applied as they are now: an owner who lost rights exports less, not more.
    filterset = export_filterset(job.owner, QueryDict(job.query))
    if not filterset.is_valid():
        run.fail(message=_("筛选条件有误，未导出。请修改后再试。"))
        return
    run.progress(0, total=filterset.qs.count())
    count = portal_exports.write_and_finish(
        job, run, lambda out: export_members(filterset.qs, out, progress=run.progress)
    )
    # Who took which personal data out of the portal, and how much (PIPL).
    log.info("member export by user %s: %d rows, filters %s (job %s)", job.owner_id, count, job.query, job.pk)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their download window; the job rows stay as the record."""
    return portal_exports.purge_expired(MemberExportJob, now)


MEMBER_EXPORT = portal_exports.register_export("grids.member_export", MemberExportJob, _work)
