"""A large hours export runs in the background (portal.jobs, as the member export): the same scoped,
masked, formula-safe rows, only for the user who asked, with a progress bar, for a day."""

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal import jobs
from portal.models import JobStatus
from tests.volunteers.factories import VolunteerFactory
from tests.volunteers.hours_factories import approved_record
from tests.volunteers.test_hours_export import URL, period
from volunteers import exports
from volunteers.models import HoursExportJob
from volunteers.tasks import purge_expired_exports

START_URL = reverse("volunteers:hours_export_start")
FORMULA = "=cmd|' /C calc'!A0"


@pytest.fixture(autouse=True)
def _small_sync_limit(settings, tmp_path):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def records(world):
    # 海曙: two confirmed records (one typed as a formula); 江北: one.
    ours = VolunteerFactory(community=world.haishu_community, name="王小梅", mobile="13812345678")
    theirs = VolunteerFactory(community=world.jiangbei_community, name="赵江北")
    approved_record(ours, world.haishu_staff, description=FORMULA, hours=Decimal("2"))
    approved_record(ours, world.haishu_staff, description="敬老院探访", hours=Decimal("1.5"))
    approved_record(theirs, world.jiangbei_staff, description="江北的服务")


def query() -> str:
    return "&".join(f"{key}={value}" for key, value in period().items())


def start(client, user, *, capture) -> HoursExportJob:
    client.force_login(user)
    with capture(execute=True):  # the broker hands the job to a worker once the request commits
        response = client.post(START_URL, {"query": query()})
    job = HoursExportJob.objects.get(owner=user)
    assert response.status_code == 302
    assert response.url == reverse("volunteers:hours_export_job", args=[job.pk])
    return job


def download_url(job: HoursExportJob) -> str:
    return reverse("volunteers:hours_export_download", args=[job.pk])


def sheet(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_up_to_the_limit_the_file_comes_in_the_request(client, world, records, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    client.force_login(world.haishu_staff)

    response = client.get(URL, period())

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert not HoursExportJob.objects.exists()


def test_above_the_limit_the_page_offers_a_background_export(client, world, records):
    client.force_login(world.haishu_staff)

    response = client.get(URL, period())

    page = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "共 2 条服务记录" in page and f'action="{START_URL}"' in page
    assert not HoursExportJob.objects.exists()  # nothing starts until the user asks


def test_the_background_file_is_the_same_scoped_masked_formula_safe_list(
    client, world, records, django_capture_on_commit_callbacks
):
    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (JobStatus.DONE, 2, 2, 100)
    page = client.get(reverse("volunteers:hours_export_job", args=[job.pk])).content.decode()
    assert download_url(job) in page and "已导出 2 条服务记录" in page
    response = client.get(download_url(job))
    assert response["Content-Disposition"].startswith('attachment; filename="hours-')
    rows = list(sheet(response).iter_rows())
    assert [row[1].value for row in rows[1:]] == ["王小梅", "王小梅"]  # not 江北's
    assert rows[1][2].value == "138****5678"
    formula = rows[1][6]
    assert formula.value == FORMULA and formula.data_type == "s"


def test_the_job_page_shows_progress_and_polls(client, world, records, django_capture_on_commit_callbacks):
    client.force_login(world.haishu_staff)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        response = client.post(START_URL, {"query": query()})
    job = HoursExportJob.objects.get()
    progress_url = reverse("volunteers:hours_export_progress", args=[job.pk])

    page = client.get(response.url).content.decode()

    assert f'data-import-progress="{progress_url}"' in page
    assert "<progress" in page and '<meta http-equiv="refresh"' in page  # works without JavaScript too
    assert client.get(progress_url).json() == {
        "status": "queued",
        "percent": 0,
        "finished": False,
        "message": "排队等待处理……",
    }
    assert client.get(download_url(job)).status_code == 404
    HoursExportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress_done=1, progress_total=4
    )
    assert client.get(progress_url).json() == {
        "status": "running",
        "percent": 25,
        "finished": False,
        "message": "已写入 1 / 4 条",
    }


def test_the_job_reports_progress_while_it_writes(world, records, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)
    job = exports.export_job_create(actor=world.haishu_staff, query=query())
    seen = []
    real_progress = jobs.Run.progress

    def spy(self, done, total=None):
        seen.append((done, total))
        real_progress(self, done, total)

    monkeypatch.setattr(jobs.Run, "progress", spy)

    jobs.run(exports.HOURS_EXPORT, job.pk)

    assert seen == [(0, 2), (1, None), (2, None)]


@pytest.mark.parametrize("who", ["city_staff", "haishu_street_staff", "jiangbei_staff"])
def test_another_user_gets_a_404_whatever_their_rights(
    client, world, records, who, django_capture_on_commit_callbacks
):
    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)

    client.force_login(getattr(world, who))

    for name in ("hours_export_job", "hours_export_progress", "hours_export_download"):
        assert client.get(reverse(f"volunteers:{name}", args=[job.pk])).status_code == 404


def test_another_district_s_job_holds_only_its_own_hours(
    client, world, records, django_capture_on_commit_callbacks
):
    job = start(client, world.jiangbei_staff, capture=django_capture_on_commit_callbacks)

    rows = list(sheet(client.get(download_url(job))).iter_rows(values_only=True))

    assert [row[1] for row in rows[1:]] == ["赵江北"]


def test_a_region_outside_the_scope_fails_the_job(world, records):
    job = exports.export_job_create(actor=world.jiangbei_staff, query=f"{query()}&region={world.haishu.code}")

    jobs.run(exports.HOURS_EXPORT, job.pk)

    job.refresh_from_db()
    assert (job.status, job.file.name) == (JobStatus.FAILED, "")
    assert "筛选条件有误" in job.message


def test_a_user_without_export_rights_cannot_start_one(client, world):
    client.force_login(world.volunteer)

    assert client.post(START_URL, {"query": query()}).status_code == 403
    assert not HoursExportJob.objects.exists()


def test_the_download_expires_and_the_file_is_removed(
    client, world, records, django_capture_on_commit_callbacks
):
    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    name, storage = job.file.name, job.file.storage
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    assert purge_expired_exports() == 0  # not yet

    HoursExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(download_url(job)).status_code == 404
    assert purge_expired_exports() == 1
    job.refresh_from_db()
    assert job.file.name == "" and not storage.exists(name)
    assert "已过期" in client.get(reverse("volunteers:hours_export_job", args=[job.pk])).content.decode()


def test_a_job_run_twice_writes_one_file(world, records):
    job = exports.export_job_create(actor=world.haishu_staff, query=query())
    exports.HOURS_EXPORT.work(job, jobs.take(HoursExportJob, job.pk))  # wrote its file, then was killed
    first = HoursExportJob.objects.get(pk=job.pk).file.name
    HoursExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, lease_until=None)

    jobs.run(exports.HOURS_EXPORT, job.pk)
    jobs.run(exports.HOURS_EXPORT, job.pk)  # a redelivered message finds it done and does nothing

    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (JobStatus.DONE, 2, first)
    assert [p.name for p in Path(job.file.storage.path("exports")).iterdir()] == [Path(first).name]
