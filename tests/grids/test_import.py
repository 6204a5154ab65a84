"""Excel import of party members: all rows or none, each bad row listed, large files in the background."""

import datetime as dt
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from grids import imports, member_sheet, tasks
from grids.models import ImportStatus, MemberImportJob, MemberStatus, PartyMember
from grids.services import member_create
from portal.privacy import hash_id_number
from portal.tasks import sweep_jobs
from portal.validators import id_gender
from tests.factories import han_number, make_id_number

HEADERS = [c.header for c in member_sheet.COLUMNS]
IMPORT_URL = reverse("grids:member_import")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def id_number(gender: str = "F", birth: dt.date = dt.date(1980, 5, 17)) -> str:
    """A valid ID number whose sex digit matches ``gender`` (the importer checks they agree)."""
    while True:
        number = make_id_number(birth)
        if id_gender(number) == gender:
            return number


def row(**values) -> list:
    """One data row in template column order; ``values`` override by header."""
    defaults = {
        "姓名": "王小梅",
        "性别": "女",
        "出生日期": dt.date(1980, 5, 17),
        "入党日期": "2005-07-01",
        "党员类别": "正式党员",
        "手机号": "13812345678",
        "身份证号": id_number("F"),
        "党员中心户": "是",
        "在职党员": "否",
        "工作单位": "宁波市海曙区图书馆",
        "流动党员": "",
        "党组织编号": "",
    }
    defaults.update(values)
    return [defaults[header] for header in HEADERS]


def xlsx(rows: list[list], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "党员名单.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=member_sheet.XLSX_CONTENT_TYPE)


def post_file(client, organization, content: bytes, **kwargs):
    return client.post(IMPORT_URL, {"organization": organization.pk, "file": upload(content)}, **kwargs)


@pytest.fixture
def secretary_client(client, world):
    client.force_login(world.haishu_secretary)
    return client


def test_a_good_file_imports_every_row(secretary_client, world):
    number = id_number("F")
    rows = [
        row(身份证号=number, 手机号=13812345678, 党员类别="预备党员", 在职党员="是", 流动党员="否"),
        row(
            姓名="李建国",
            性别="男",
            身份证号=id_number("M"),
            出生日期="1980/5/17",
            入党日期=dt.date(2001, 7, 1),
        ),
        row(姓名="陈芳", 身份证号=id_number("F"), 手机号="", 工作单位="", 党员中心户=""),
    ]
    before = PartyMember.objects.count()

    response = post_file(secretary_client, world.haishu_branch, xlsx(rows))

    job = MemberImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("grids:import_job", args=[job.pk])
    assert (job.status, job.progress_total, job.progress_done, job.imported_rows) == ("done", 3, 3, 3)
    assert job.errors == []
    assert PartyMember.objects.count() == before + 3
    member = PartyMember.objects.get(id_number_hash=hash_id_number(number))
    assert (member.name, member.gender, member.status) == ("王小梅", "F", MemberStatus.PROBATIONARY)
    assert (member.birth_date, member.join_date) == (dt.date(1980, 5, 17), dt.date(2005, 7, 1))
    assert member.mobile == "13812345678"
    assert member.id_number_masked == number[:3] + "*" * 11 + number[-4:]
    assert (member.is_central_household, member.is_in_service, member.is_mobile_member) == (True, True, False)
    assert member.work_unit == "宁波市海曙区图书馆"
    assert (member.organization, member.region) == (world.haishu_branch, world.haishu_grid)
    assert PartyMember.objects.get(name="李建国").join_date == dt.date(2001, 7, 1)


def test_imported_members_have_history_attributed_to_the_uploader(secretary_client, world):
    post_file(secretary_client, world.haishu_branch, xlsx([row(), row(姓名="陈芳", 身份证号=id_number("F"))]))

    records = PartyMember.history.filter(name__in=["王小梅", "陈芳"])
    assert records.count() == 2
    assert {(r.history_type, r.history_user) for r in records} == {("+", world.haishu_secretary)}


def test_the_uploaded_file_is_deleted_once_read(secretary_client, world, settings):
    post_file(secretary_client, world.haishu_branch, xlsx([row()]))

    assert MemberImportJob.objects.get().file.name == ""
    assert not any(p.is_file() for p in (settings.MEDIA_ROOT / "imports").rglob("*"))


def test_a_file_with_one_bad_row_imports_nothing_and_lists_that_row(secretary_client, world):
    bad = id_number("M")
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")  # a typo in the check digit
    rows = [row(), row(姓名="李建国", 性别="男", 身份证号=bad), row(姓名="陈芳", 身份证号=id_number("F"))]
    before = PartyMember.objects.count()

    response = post_file(secretary_client, world.haishu_branch, xlsx(rows), follow=True)

    assert PartyMember.objects.count() == before
    job = MemberImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.imported_rows == 0
    assert job.errors == [{"row": 3, "column": "身份证号", "message": "身份证号校验位不正确，请核对。"}]
    page = response.content.decode()
    assert "没有导入任何党员" in page
    assert re.search(
        r"<tr>\s*<th scope=\"row\">第 3 行<br><span class=\"help\">身份证号</span></th>\s*<td>身份证号校验位不正确，请核对。</td>",
        page,
    )


def test_each_bad_row_is_listed_with_its_column_and_reason(secretary_client, world):
    rows = [
        row(姓名=""),
        row(性别="未知", 身份证号=id_number("F")),
        row(出生日期="1980年13月40日", 身份证号=id_number("F")),
        row(入党日期=dt.date(1990, 1, 1), 身份证号=id_number("F")),  # aged 9
        row(手机号="12345", 身份证号=id_number("F")),
        row(党员中心户="也许", 身份证号=id_number("F")),
        row(党员类别="群众", 身份证号=id_number("F")),
        row(性别="男", 身份证号=id_number("F")),
    ]

    post_file(secretary_client, world.haishu_branch, xlsx(rows))

    errors = {(e["row"], e["column"]): e["message"] for e in MemberImportJob.objects.get().errors}
    assert errors == {
        (2, "姓名"): "请填写姓名。",
        (3, "性别"): "请填写“男”或“女”。",
        (4, "出生日期"): "出生日期不是有效日期，请填写如 1985-03-12 的日期。",
        (5, "入党日期"): "入党时应年满18周岁。",
        (6, "手机号"): "请输入有效的11位手机号码。",
        (7, "党员中心户"): "请填写“是”或“否”，或留空。",
        (8, "党员类别"): "请填写“正式党员”或“预备党员”。",
        (9, "性别"): "性别与身份证号不一致。",
    }


def test_a_duplicate_id_number_inside_the_file_is_reported(secretary_client, world):
    number = id_number("F")
    rows = [
        row(身份证号=number),
        row(姓名="陈芳", 身份证号=id_number("F")),
        row(姓名="王梅", 身份证号=number),
    ]

    post_file(secretary_client, world.haishu_branch, xlsx(rows))

    job = MemberImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [{"row": 4, "column": "身份证号", "message": "身份证号与第2行重复。"}]
    assert not PartyMember.objects.filter(id_number_hash=hash_id_number(number)).exists()


def test_an_id_number_already_registered_is_reported(secretary_client, world):
    number = id_number("F")
    member_create(
        actor=world.haishu_secretary,
        id_number=number,
        name="王小梅",
        gender="F",
        birth_date=dt.date(1980, 5, 17),
        join_date=dt.date(2005, 7, 1),
        organization=world.haishu_branch,
    )

    post_file(secretary_client, world.haishu_branch, xlsx([row(身份证号=number)]))

    assert MemberImportJob.objects.get().errors == [
        {"row": 2, "column": "身份证号", "message": "该身份证号已登记过党员信息。"}
    ]


def test_the_template_example_row_left_in_is_reported(secretary_client, world):
    post_file(secretary_client, world.haishu_branch, xlsx([list(member_sheet.EXAMPLE_ROW), row()]))

    job = MemberImportJob.objects.get()
    assert job.errors == [{"row": 2, "column": None, "message": "这是模板中的示例行，请删除后再导入。"}]
    assert not PartyMember.objects.filter(name="王小梅").exists()


def test_an_id_number_stored_as_a_number_is_refused(secretary_client, world):
    post_file(secretary_client, world.haishu_branch, xlsx([row(身份证号=3.302031980051712e17)]))

    [error] = MemberImportJob.objects.get().errors
    assert (error["row"], error["column"]) == (2, "身份证号")
    assert "文本" in error["message"]


def test_only_the_first_errors_are_listed_but_all_are_counted(secretary_client, world, monkeypatch):
    monkeypatch.setattr(imports, "MAX_LISTED_ERRORS", 2)
    rows = [row(姓名="", 身份证号=id_number("F")) for _ in range(4)]

    response = post_file(secretary_client, world.haishu_branch, xlsx(rows), follow=True)

    errors = MemberImportJob.objects.get().errors
    assert [e["row"] for e in errors] == [2, 3, None]
    assert errors[-1]["message"] == "共 4 处错误，涉及 4 行；下表只列出前 2 处，另有 2 处未列出。"
    assert errors[-1]["message"] in response.content.decode()


@pytest.mark.parametrize(
    "content, message",
    [
        ("姓名,性别\n王小梅,女\n".encode(), "这不是 Excel（.xlsx）文件"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "这不是 Excel（.xlsx）文件"),
        (b"", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "旧版 Excel（.xls）"),
        (b"PK\x03\x04 truncated", "文件已损坏"),
    ],
    ids=["csv-renamed", "pdf", "empty", "xls", "broken-zip"],
)
def test_a_file_that_is_not_excel_gets_a_clear_error_and_creates_nothing(
    secretary_client, world, content, message
):
    response = post_file(secretary_client, world.haishu_branch, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_a_zip_that_is_not_a_workbook_is_refused(secretary_client, world):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    response = post_file(secretary_client, world.haishu_branch, buffer.getvalue())

    assert "文件已损坏，或不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_a_file_over_10_mb_is_refused(secretary_client, world):
    response = post_file(secretary_client, world.haishu_branch, b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024))

    assert "文件超过 10MB" in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_a_workbook_without_the_required_columns_is_refused(secretary_client, world):
    content = xlsx([["王小梅", "女"]], headers=["姓名", "性别"])

    response = post_file(secretary_client, world.haishu_branch, content)

    assert "第1行表头缺少以下列：出生日期、入党日期、党员类别、身份证号" in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_a_workbook_without_data_rows_is_refused(secretary_client, world):
    response = post_file(secretary_client, world.haishu_branch, xlsx([[None] * len(HEADERS)]))

    assert "文件中没有党员数据" in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_headers_with_hints_and_blank_rows_between_are_accepted(secretary_client, world):
    headers = [f"{h}(男/女)" if h == "性别" else f"*{h}" for h in HEADERS]
    rows = [row(), [None] * len(HEADERS), row(姓名="陈芳", 身份证号=id_number("F"))]

    post_file(secretary_client, world.haishu_branch, xlsx(rows, headers=headers))

    assert MemberImportJob.objects.get().imported_rows == 2


def test_a_file_over_the_row_limit_imports_nothing(secretary_client, world, monkeypatch):
    monkeypatch.setattr(member_sheet, "MAX_IMPORT_ROWS", 2)
    rows = [row(姓名=f"党员{i}", 身份证号=id_number("F")) for i in range(3)]
    before = PartyMember.objects.count()

    post_file(secretary_client, world.haishu_branch, xlsx(rows))

    job = MemberImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        {"row": None, "column": None, "message": "文件超过 2 行，请拆分成几个文件分别导入。"}
    ]
    assert PartyMember.objects.count() == before


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2001, 7, 1), dt.date(2001, 7, 1)),
        (dt.datetime(2001, 7, 1, 0, 0), dt.date(2001, 7, 1)),
        ("2001-07-01", dt.date(2001, 7, 1)),
        ("2001/7/1", dt.date(2001, 7, 1)),
        ("2001.7.1", dt.date(2001, 7, 1)),
        ("2001年7月1日", dt.date(2001, 7, 1)),
        ("20010701", dt.date(2001, 7, 1)),
        (20010701, dt.date(2001, 7, 1)),
        (37073, dt.date(2001, 7, 1)),  # Excel's serial number for the date
    ],
)
def test_dates_are_read_in_the_forms_people_type_them(value, expected):
    assert member_sheet.parse_date(value) == expected


@pytest.mark.parametrize("value", ["2001-13-01", "2001/2/30", "七月一日", "01-07-2001", 1985, 2001.0])
def test_a_date_that_is_not_a_date_is_refused(value):
    with pytest.raises(ValueError):
        member_sheet.parse_date(value)


# Organization numbers and scope -------------------------------------------------------------------


def test_a_row_can_name_another_organization_in_the_uploaders_scope(client, world):
    client.force_login(world.haishu_staff)
    rows = [row(党组织编号=world.haishu_committee.pk), row(姓名="陈芳", 身份证号=id_number("F"))]

    post_file(client, world.haishu_branch, xlsx(rows))

    assert PartyMember.objects.get(name="王小梅").organization == world.haishu_committee
    assert PartyMember.objects.get(name="陈芳").organization == world.haishu_branch


def test_a_row_naming_an_organization_outside_the_scope_is_refused(secretary_client, world):
    rows = [
        row(党组织编号=world.jiangbei_branch.pk),
        row(姓名="陈芳", 身份证号=id_number("F"), 党组织编号="abc"),
    ]

    post_file(secretary_client, world.haishu_branch, xlsx(rows))

    assert MemberImportJob.objects.get().errors == [
        {
            "row": 2,
            "column": "党组织编号",
            "message": f"党组织编号“{world.jiangbei_branch.pk}”不存在，或不在您的管辖范围内。",
        },
        {"row": 3, "column": "党组织编号", "message": "党组织编号“abc”不存在，或不在您的管辖范围内。"},
    ]
    assert not PartyMember.objects.filter(name__in=["王小梅", "陈芳"]).exists()


def test_an_outsider_cannot_import_into_another_district(client, world):
    client.force_login(world.jiangbei_staff)

    response = post_file(client, world.haishu_branch, xlsx([row()]))

    assert response.status_code == 200
    assert "找不到该党组织，或它不在您的管辖范围内。" in response.content.decode()
    assert not MemberImportJob.objects.exists()


def test_an_outsider_cannot_see_another_districts_job(client, world):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    client.force_login(world.jiangbei_staff)

    assert client.get(reverse("grids:import_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("grids:import_progress", args=[job.pk])).status_code == 404


def test_staff_above_the_branch_can_follow_its_job(client, world):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    client.force_login(world.haishu_street_staff)

    assert client.get(reverse("grids:import_job", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("name", ["grids:member_import", "grids:import_template"])
def test_a_user_without_change_rights_is_refused(client, world, name):
    client.force_login(world.volunteer)

    assert client.get(reverse(name)).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get(IMPORT_URL).status_code == 302


# Large files: the background task --------------------------------------------------------------


@pytest.fixture
def small_sync_limit(settings):
    settings.IMPORT_SYNC_MAX_ROWS = 3


def test_a_large_file_goes_through_the_task_and_reaches_done(
    secretary_client, world, small_sync_limit, django_capture_on_commit_callbacks
):
    rows = [row(姓名=f"党员{han_number(i, 2)}", 身份证号=id_number("F")) for i in range(8)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_file(secretary_client, world.haishu_branch, xlsx(rows))
    job = MemberImportJob.objects.get()
    progress_url = reverse("grids:import_progress", args=[job.pk])

    # Until the task runs, the page shows a progress bar that polls the progress endpoint.
    assert job.status == ImportStatus.QUEUED
    page = secretary_client.get(response.url).content.decode()
    assert f'data-import-progress="{progress_url}"' in page
    assert "<progress" in page and "import-progress.js" in page
    assert secretary_client.get(progress_url).json()["percent"] == 0

    assert len(callbacks) == 1
    callbacks[0]()  # the broker hands the task to a worker

    job.refresh_from_db()
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 8)
    progress = secretary_client.get(progress_url).json()
    assert progress["percent"] == 100
    assert progress["finished"] is True
    assert progress["status"] == "done"
    assert progress["message"] == "已导入 8 名党员"
    assert "已导入 8 名党员" in secretary_client.get(response.url).content.decode()


def test_the_progress_endpoint_reports_a_running_job(secretary_client, world):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    MemberImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, progress_total=400, progress_done=100
    )

    progress = secretary_client.get(reverse("grids:import_progress", args=[job.pk])).json()

    assert (progress["percent"], progress["finished"]) == (25, False)
    assert progress["message"] == "已检查 100 / 400 行"


def test_running_the_task_twice_imports_once(world):
    job = imports.import_create(
        actor=world.haishu_secretary,
        organization=world.haishu_branch,
        upload=upload(xlsx([row(), row(姓名="陈芳", 身份证号=id_number("F"))])),
    )
    before = PartyMember.objects.count()

    tasks.run_member_import.delay(job.pk)
    tasks.run_member_import.delay(job.pk)

    job.refresh_from_db()
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 2)
    assert PartyMember.objects.count() == before + 2


def test_a_job_already_running_is_not_processed_again(world):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    # Held by a live worker: its lease has not lapsed.
    MemberImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, attempts=1, lease_until=timezone.now() + timedelta(seconds=60)
    )

    tasks.run_member_import(job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress_done) == (ImportStatus.RUNNING, 0)
    assert not PartyMember.objects.filter(name="王小梅").exists()


def test_the_sweep_resumes_jobs_whose_message_was_lost(world, django_capture_on_commit_callbacks):
    stalled, fresh = (
        imports.import_create(
            actor=world.haishu_secretary,
            organization=world.haishu_branch,
            upload=upload(xlsx([row(姓名=name, 身份证号=id_number("F"))])),
        )
        for name in ("王小梅", "陈芳")
    )
    MemberImportJob.objects.filter(pk=stalled.pk).update(created_at=timezone.now() - timedelta(seconds=61))

    with django_capture_on_commit_callbacks(execute=True):
        resumed = sweep_jobs()

    assert resumed == 1
    stalled.refresh_from_db()
    fresh.refresh_from_db()
    assert (stalled.status, fresh.status) == (ImportStatus.DONE, ImportStatus.QUEUED)


def test_the_sweep_takes_over_a_job_whose_worker_died(world, django_capture_on_commit_callbacks):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    # Killed mid-job: progress frozen, lease lapsed a moment ago.
    MemberImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        attempts=1,
        progress_total=1,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        sweep_jobs()

    job.refresh_from_db()
    assert (job.status, job.imported_rows, job.attempts) == (ImportStatus.DONE, 1, 2)
    assert PartyMember.objects.filter(name="王小梅").count() == 1
    assert job.file.name == ""


def test_the_sweep_gives_up_on_a_job_whose_workers_keep_dying(secretary_client, world, settings):
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx([row()]))
    )
    upload_name = job.file.name
    MemberImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING,
        attempts=settings.JOB_MAX_ATTEMPTS,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    sweep_jobs()

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.message == "处理多次中断，没有导入任何党员。请重新上传。"
    assert job.file.name == ""
    assert not job.file.storage.exists(upload_name)  # full ID numbers do not stay on disk
    page = secretary_client.get(reverse("grids:import_job", args=[job.pk])).content.decode()
    assert "处理多次中断" in page


def test_an_id_registered_while_the_file_was_checked_fails_the_whole_import(world, monkeypatch):
    job = imports.import_create(
        actor=world.haishu_secretary,
        organization=world.haishu_branch,
        upload=upload(xlsx([row(姓名="陈芳", 身份证号=id_number("F")), row()])),
    )
    check_rows = imports._check_rows

    def check_then_someone_registers_one(job, records, run):
        members, errors = check_rows(job, records, run)
        PartyMember.objects.create(
            name="别人",
            gender="F",
            birth_date=dt.date(1980, 5, 17),
            join_date=dt.date(2005, 7, 1),
            organization=world.haishu_branch,
            region=world.haishu_grid,
            id_number_hash=members[1].id_number_hash,
        )
        return members, errors

    monkeypatch.setattr(imports, "_check_rows", check_then_someone_registers_one)

    imports.import_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "被他人登记" in job.errors[0]["message"]
    assert not PartyMember.objects.filter(name__in=["王小梅", "陈芳"]).exists()


# The template ------------------------------------------------------------------------------------


def test_the_template_downloads_with_headers_dropdowns_and_instructions(secretary_client):
    response = secretary_client.get(reverse("grids:import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == member_sheet.XLSX_CONTENT_TYPE
    assert "filename*=utf-8''%E5%85%9A%E5%91%98" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet, instructions = wb.worksheets
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.cell(row=2, column=7).value == member_sheet.EXAMPLE_ID
    dropdowns = {(str(dv.sqref), dv.formula1) for dv in sheet.data_validations.dataValidation}
    assert dropdowns == {
        ("B2:B5001", '"男,女"'),
        ("E2:E5001", '"正式党员,预备党员"'),
        ("H2:H5001", '"是,否"'),
        ("I2:I5001", '"是,否"'),
        ("K2:K5001", '"是,否"'),
    }
    assert sheet.column_dimensions["G"].number_format == "@"  # ID numbers stay text as they are typed
    assert instructions.title == "填写说明"
    assert "身份证号" in {row[0] for row in instructions.iter_rows(values_only=True)}


def test_the_template_round_trips(secretary_client, world):
    response = secretary_client.get(reverse("grids:import_template"))
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = wb["党员名单"]
    sheet.delete_rows(2)  # the example row, as the instructions say
    sheet.append(row())
    sheet.append(
        row(姓名="李建国", 性别="男", 身份证号=id_number("M"), 党组织编号=str(world.haishu_branch.pk))
    )
    buffer = io.BytesIO()
    wb.save(buffer)

    post_file(secretary_client, world.haishu_branch, buffer.getvalue())

    job = MemberImportJob.objects.get()
    assert (job.status, job.imported_rows) == (ImportStatus.DONE, 2)
    assert set(
        PartyMember.objects.filter(name__in=["王小梅", "李建国"]).values_list("gender", flat=True)
    ) == {
        "F",
        "M",
    }


def test_the_import_page_offers_the_template_and_recent_jobs(secretary_client, world):
    post_file(secretary_client, world.haishu_branch, xlsx([row()]))

    page = secretary_client.get(IMPORT_URL).content.decode()

    assert reverse("grids:import_template") in page
    assert 'enctype="multipart/form-data"' in page
    assert "党员名单.xlsx" in page
