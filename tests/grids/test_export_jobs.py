"""A large member export runs in the background: the same list, masked, only for the user who asked, for a day."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from grids import exports
from grids.models import MemberExportJob, PartyMember
from grids.tasks import purge_expired_exports
from portal import jobs
from portal.models import JobStatus
from portal.privacy import mask_id_number
from tests.factories import MemberFactory, make_id_number
from tests.grids.test_export import exported, names

START_URL = reverse("grids:export_start")


@pytest.fixture(autouse=True)
def _small_sync_limit(settings, tmp_path):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    settings.MEDIA_ROOT = tmp_path / "media"


def start(client, user, query: str = "", *, capture) -> MemberExportJob:
    client.force_login(user)
    with capture(execute=True):  # the broker hands the job to a worker once the request commits
        response = client.post(START_URL, {"query": query})
    job = MemberExportJob.objects.get(owner=user)
    assert response.status_code == 302
    assert response.url == reverse("grids:export_job", args=[job.pk])
    return job


def download_url(job: MemberExportJob) -> str:
    return reverse("grids:export_download", args=[job.pk])


def test_the_background_export_is_the_same_scoped_masked_list(
    client, world, django_capture_on_commit_callbacks
):
    member = world.haishu_members[0]
    number = make_id_number()
    PartyMember.objects.filter(pk=member.pk).update(
        mobile="13812345678", id_number_masked=mask_id_number(number)
    )
    MemberFactory(organization=world.jiangbei_branch, name="江北的人")

    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total, job.percent) == (JobStatus.DONE, 3, 3, 100)
    page = client.get(reverse("grids:export_job", args=[job.pk])).content.decode()
    assert download_url(job) in page
    rows = exported(client.get(download_url(job)))
    assert names(rows) == {m.name for m in world.haishu_members}
    [row] = [r for r in rows if r["姓名"] == member.name]
    assert (row["手机号"], row["身份证号"]) == ("138****5678", number[:3] + "*" * 11 + number[-4:])


def test_it_honours_the_member_list_filters(client, world, django_capture_on_commit_callbacks):
    MemberFactory(organization=world.haishu_branch, name="预备党员甲", status="probationary")

    job = start(client, world.haishu_staff, "status=probationary", capture=django_capture_on_commit_callbacks)

    assert names(exported(client.get(download_url(job)))) == {"预备党员甲"}


def test_the_start_page_leads_to_a_progress_page_that_polls(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.haishu_staff)
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started yet
        response = client.post(START_URL, {"query": ""})
    job = MemberExportJob.objects.get()

    page = client.get(response.url).content.decode()

    progress_url = reverse("grids:export_progress", args=[job.pk])
    assert f'data-import-progress="{progress_url}"' in page
    assert "<progress" in page and '<meta http-equiv="refresh"' in page  # works without JavaScript too
    assert client.get(progress_url).json() == {
        "status": "queued",
        "percent": 0,
        "finished": False,
        "message": "排队等待处理……",
    }
    assert client.get(download_url(job)).status_code == 404


@pytest.mark.parametrize("who", ["city_staff", "haishu_street_staff", "jiangbei_staff"])
def test_another_user_gets_a_404_whatever_their_rights(
    client, world, who, django_capture_on_commit_callbacks
):
    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)

    client.force_login(getattr(world, who))

    for name in ("export_job", "export_progress", "export_download"):
        assert client.get(reverse(f"grids:{name}", args=[job.pk])).status_code == 404


def test_a_user_without_export_rights_cannot_start_one(client, world):
    client.force_login(world.volunteer)

    assert client.post(START_URL, {"query": ""}).status_code == 403
    assert not MemberExportJob.objects.exists()


def test_the_download_expires_and_the_file_is_removed(client, world, django_capture_on_commit_callbacks):
    job = start(client, world.haishu_staff, capture=django_capture_on_commit_callbacks)
    job.refresh_from_db()
    name, storage = job.file.name, job.file.storage
    assert job.expires_at > timezone.now() + timedelta(hours=23)
    assert purge_expired_exports() == 0  # not yet

    MemberExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.get(download_url(job)).status_code == 404
    assert purge_expired_exports() == 1
    job.refresh_from_db()
    assert job.file.name == ""
    assert not storage.exists(name)
    assert "已过期" in client.get(reverse("grids:export_job", args=[job.pk])).content.decode()


def test_a_job_run_again_after_a_takeover_overwrites_its_file(world):
    job = exports.export_job_create(actor=world.haishu_staff, query="")
    exports.MEMBER_EXPORT.work(job, jobs.take(MemberExportJob, job.pk))  # wrote its file, then was killed
    first = MemberExportJob.objects.get(pk=job.pk).file.name
    MemberExportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, lease_until=None)

    jobs.run(exports.MEMBER_EXPORT, job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts, job.file.name) == (JobStatus.DONE, 2, first)
    assert [p.name for p in Path(job.file.storage.path("exports")).iterdir()] == [
        Path(first).name
    ]  # one file
