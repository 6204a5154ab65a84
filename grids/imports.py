"""The member import service: check every row of an uploaded workbook, then save all or none.

Every row is checked with the same rules as the member form (``grids.services.build_member``), and
only a file without a single bad row is saved, in one transaction, with history attributed to the
uploader. A bad file leaves the job FAILED with each bad row and why, and nothing else changed.
The file format itself (columns, template, parsing) is ``grids.member_sheet``.
"""

import logging
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from grids.member_sheet import (
    COLUMNS,
    CONVERTERS,
    EXAMPLE_ID,
    HEADER_OF,
    ImportFileError,
    cell_text,
    read_rows,
)
from grids.models import MemberImportJob, PartyMember, PartyOrganization
from grids.selectors import organizations_changeable
from grids.services import ID_NUMBER_TAKEN, build_member, registered_id_hashes
from portal import jobs
from portal.errors import NotAllowed
from portal.scoping import Action, Actor, can

log = logging.getLogger(__name__)

MAX_LISTED_ERRORS = 200
BULK_BATCH_SIZE = 500
# Rows checked between two queries for registered ID numbers, and between two progress writes.
CHECK_BATCH_SIZE = 1_000


def row_error(row: int | None, column: str | None, message: str) -> dict[str, Any]:
    return {"row": row, "column": column, "message": str(message)}


class RowChecker:
    """Turns rows into unsaved, validated members, or into their errors, a batch at a time.

    Each row gets every rule of the member form (``build_member``) but the two that query, which are
    made in bulk instead: ``organizations`` are the organizations the file may name, read up front and
    already limited to the uploader's change scope, and each batch's ID numbers are looked up among
    registered members in one query. ``seen_ids`` remembers earlier rows' ID numbers to catch repeats
    in the file.
    """

    def __init__(self, *, default: PartyOrganization, organizations: dict[int, PartyOrganization]) -> None:
        self.default = default
        self.organizations = organizations
        self.seen_ids: dict[str, int] = {}

    def check_batch(self, records: list[dict[str, Any]]) -> tuple[list[PartyMember], list[dict[str, Any]]]:
        checked = [self._check(record) for record in records]
        hashes = [m.id_number_hash for _row, m, _problems in checked if m is not None and m.id_number_hash]
        registered = registered_id_hashes(hashes) if hashes else set()
        members, errors = [], []
        for row, member, problems in checked:
            # As in build_member, a number already registered is reported once the model accepted the row.
            if member is not None and member.id_number_hash in registered:
                problems.setdefault("id_number", str(ID_NUMBER_TAKEN))
            if problems:
                errors.extend(
                    row_error(row, HEADER_OF.get(key), message) for key, message in problems.items()
                )
            elif member is not None:
                members.append(member)
        return members, errors

    def _check(self, record: dict[str, Any]) -> tuple[int, PartyMember | None, dict[str, str]]:
        """The row's number, its member if the model accepted it, and its problems so far."""
        row = record["_row"]
        fields, problems = self._parse(record)
        id_number = fields.pop("id_number", "")
        if id_number == EXAMPLE_ID:
            return row, None, {NON_FIELD_ERRORS: _("这是模板中的示例行，请删除后再导入。")}
        self._check_repeat(row, id_number, problems)
        # A bad organization number is already reported; building against the default still finds
        # the row's other errors.
        fields.setdefault("organization", self.default)
        try:
            member = build_member(id_number=id_number, check_database=False, **fields)
        except ValidationError as error:
            for key, messages in _error_items(error):
                problems.setdefault(key, messages[0])
            return row, None, problems
        return row, member, problems

    def _parse(self, record: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
        fields: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for column in COLUMNS:
            raw = record.get(column.key)
            if column.required and cell_text(raw) == "":
                problems[column.key] = _("请填写%(column)s。") % {"column": column.header}
                continue
            try:
                fields[column.key] = self._convert(column.key, raw)
            except ValueError as error:
                problems[column.key] = str(error.args[0]) if error.args else _("格式不正确。")
        return fields, problems

    def _convert(self, key: str, raw: Any) -> Any:
        converter = CONVERTERS.get(key)
        if converter is not None:
            return converter(raw)
        if key == "organization":
            return self._organization(raw)
        return cell_text(raw)

    def _organization(self, raw: Any) -> PartyOrganization:
        text = cell_text(raw)
        if not text:
            return self.default
        organization = self.organizations.get(int(text)) if text.isdigit() else None
        if organization is None:
            raise ValueError(_("党组织编号“%(value)s”不存在，或不在您的管辖范围内。") % {"value": text})
        return organization

    def _check_repeat(self, row: int, id_number: str, problems: dict[str, str]) -> None:
        if not id_number or "id_number" in problems:
            return
        first = self.seen_ids.setdefault(id_number, row)
        if first != row:
            problems["id_number"] = _("身份证号与第%(row)d行重复。") % {"row": first}


def _error_items(error: ValidationError) -> list[tuple[str, list[str]]]:
    if not hasattr(error, "error_dict"):
        return [(NON_FIELD_ERRORS, error.messages)]
    return [(key, ValidationError(errors).messages) for key, errors in error.error_dict.items()]


# Running a job ------------------------------------------------------------------------------------


@transaction.atomic
def import_create(*, actor: Actor, organization: PartyOrganization, upload: UploadedFile) -> MemberImportJob:
    """Store the upload as a QUEUED job; ``import_run`` (now or in a task) does the rest."""
    if not can(actor, Action.CHANGE, organization):
        raise NotAllowed()
    job = MemberImportJob(organization=organization, owner=actor, original_name=upload.name[-255:])
    job.file.save(upload.name, upload, save=False)
    job.save()
    return job


def import_run(job_id: int, *, heartbeat: bool = False) -> None:
    """Check and import one job's file. Safe to call twice: see ``portal.jobs.run``."""
    jobs.run(MEMBER_IMPORT, job_id, heartbeat=heartbeat)


def _work(job: MemberImportJob, run: jobs.Run) -> None:
    # Run again from the start after a takeover: nothing of an interrupted attempt was saved.
    if not can(job.owner, Action.CHANGE, job.organization):
        _fail(run, [row_error(None, None, _("您已无权向该党组织导入党员。"))])
        return
    try:
        with job.file.open("rb") as fileobj:
            records = read_rows(fileobj)
    except ImportFileError as error:
        _fail(run, [row_error(None, None, str(error))])
        return
    run.progress(0, total=len(records))
    members, errors = _check_rows(job, records, run)
    if errors:
        _fail(run, _listed(errors, len({e["row"] for e in errors})))
    else:
        _commit(job, members, run)


def _check_rows(
    job: MemberImportJob, records: list[dict[str, Any]], run: jobs.Run
) -> tuple[list[PartyMember], list[dict]]:
    checker = RowChecker(default=job.organization, organizations=_named_organizations(job, records))
    members, errors = [], []
    for start in range(0, len(records), CHECK_BATCH_SIZE):
        batch_members, batch_errors = checker.check_batch(records[start : start + CHECK_BATCH_SIZE])
        members.extend(batch_members)
        errors.extend(batch_errors)
        run.progress(min(start + CHECK_BATCH_SIZE, len(records)))  # also renews the lease
    return members, errors


def _named_organizations(job: MemberImportJob, records: list[dict[str, Any]]) -> dict[int, PartyOrganization]:
    """The organizations the file names by number that the uploader may change, in one query."""
    ids = {int(t) for t in (cell_text(r.get("organization")) for r in records) if t.isdigit() and len(t) < 19}
    if not ids:
        return {}
    allowed = organizations_changeable(job.owner).filter(pk__in=ids)
    return {org.pk: org for org in allowed}


def _listed(errors: list[dict[str, Any]], bad_rows: int) -> list[dict[str, Any]]:
    if len(errors) <= MAX_LISTED_ERRORS:
        return errors
    rest = len(errors) - MAX_LISTED_ERRORS
    note = _("共 %(total)d 处错误，涉及 %(rows)d 行；下表只列出前 %(shown)d 处，另有 %(rest)d 处未列出。") % {
        "total": len(errors),
        "rows": bad_rows,
        "shown": MAX_LISTED_ERRORS,
        "rest": rest,
    }
    return [*errors[:MAX_LISTED_ERRORS], row_error(None, None, note)]


def _commit(job: MemberImportJob, members: list[PartyMember], run: jobs.Run) -> None:
    try:
        with transaction.atomic():
            # Marking DONE first, conditionally on still holding the job, locks its row: a worker taking
            # over waits, then sees DONE; if the job was taken over already, Lost rolls back and saves nothing.
            run.finish(progress_done=len(members), imported_rows=len(members), errors=[])
            bulk_create_with_history(
                members,
                PartyMember,
                batch_size=BULK_BATCH_SIZE,
                default_user=job.owner,
                default_change_reason=f"Excel导入 #{job.pk}",
            )
    except IntegrityError:
        # Someone registered one of these ID numbers after the rows were checked: the unique hash refused it.
        message = _("有身份证号在检查之后被他人登记，没有导入任何党员。请重新上传，以查看是哪一行。")
        _fail(run, [row_error(None, None, message)])


def _fail(run: jobs.Run, errors: list[dict[str, Any]]) -> None:
    run.fail(errors=errors, imported_rows=0)


def _discard_upload(job: MemberImportJob) -> None:
    """The upload holds full ID numbers: it is deleted as soon as the job has ended, either way (PIPL)."""
    if job.file.name:
        job.file.storage.delete(job.file.name)
        MemberImportJob.objects.filter(pk=job.pk).update(file="")


MEMBER_IMPORT = jobs.register(
    jobs.JobKind(
        name="grids.member_import",
        model=MemberImportJob,
        work=_work,
        crash_message=gettext_lazy("处理文件时出错，没有导入任何党员。请稍后重新上传。"),
        gave_up_message=gettext_lazy("处理多次中断，没有导入任何党员。请重新上传。"),
        discard=_discard_upload,
    )
)
