"""The background-job machinery: take once, lease, takeover of a lapsed lease, the sweep, giving up.

The member export is the job used here: its work is idempotent and needs nothing but a world.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from grids import exports
from grids.models import MemberExportJob
from portal import jobs
from portal.models import JobStatus
from portal.tasks import sweep_jobs


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def job(world) -> MemberExportJob:
    return exports.export_job_create(actor=world.haishu_staff, query="")


def lapse(job: MemberExportJob, **fields) -> None:
    """As if the worker holding the job had been killed: its lease ran out a moment ago."""
    MemberExportJob.objects.filter(pk=job.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1), **fields
    )


def test_a_queued_job_is_taken_once(job):
    first = jobs.take(MemberExportJob, job.pk)
    second = jobs.take(MemberExportJob, job.pk)

    assert first is not None and first.attempt == 1
    assert second is None
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING
    assert job.lease_until > timezone.now()


def test_a_job_whose_lease_lapsed_is_taken_over_once(job):
    jobs.take(MemberExportJob, job.pk)
    lapse(job)

    takeover = jobs.take(MemberExportJob, job.pk)
    again = jobs.take(MemberExportJob, job.pk)

    assert takeover is not None and takeover.attempt == 2
    assert again is None  # the new lease holds


def test_a_worker_that_was_only_slow_cannot_finish_a_job_taken_over(job):
    slow = jobs.take(MemberExportJob, job.pk)
    lapse(job)
    takeover = jobs.take(MemberExportJob, job.pk)

    with pytest.raises(jobs.Lost):
        slow.progress(10)
    with pytest.raises(jobs.Lost):
        slow.finish()
    takeover.finish()

    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 2)


def test_progress_renews_the_lease(job, settings):
    run = jobs.take(MemberExportJob, job.pk)
    lapse(job)

    run.progress(5, total=10)

    job.refresh_from_db()
    assert job.lease_until > timezone.now() + timedelta(seconds=settings.JOB_LEASE_SECONDS - 5)
    assert (job.progress_done, job.progress_total, job.percent) == (5, 10, 50)


def test_running_a_job_twice_does_the_work_once(job):
    calls = []
    counted = replace(
        exports.MEMBER_EXPORT, work=lambda j, run: calls.append(j.pk) or exports.MEMBER_EXPORT.work(j, run)
    )

    assert jobs.run(counted, job.pk) is True
    assert jobs.run(counted, job.pk) is False

    job.refresh_from_db()
    assert calls == [job.pk]
    assert (job.status, job.attempts, job.progress_total) == (JobStatus.DONE, 1, 3)


def test_an_unexpected_error_fails_the_job_with_a_message(job):
    def broken(job, run):
        raise RuntimeError("bug")

    jobs.run(replace(exports.MEMBER_EXPORT, work=broken), job.pk)

    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, "导出时出错，请稍后重新导出。")


# The sweep -----------------------------------------------------------------------------------------


def sent_by_sweep(monkeypatch) -> list[tuple[str, int]]:
    sent = []
    monkeypatch.setattr("portal.tasks.enqueue", lambda task, *args: sent.append(args))
    sweep_jobs()
    return sent


def test_a_queued_job_not_started_after_a_minute_is_sent_again(job, monkeypatch):
    # Its first message was lost: the broker was down when it was created.
    MemberExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=61))

    assert sent_by_sweep(monkeypatch) == [("grids.member_export", job.pk)]


def test_a_fresh_queued_job_and_a_job_with_a_live_lease_are_left_alone(world, job, monkeypatch):
    running = exports.export_job_create(actor=world.haishu_staff, query="")
    MemberExportJob.objects.filter(pk=running.pk).update(created_at=timezone.now() - timedelta(hours=1))
    jobs.take(MemberExportJob, running.pk)

    assert sent_by_sweep(monkeypatch) == []


def test_a_running_job_whose_lease_lapsed_is_sent_again_and_completes_once(
    job, django_capture_on_commit_callbacks
):
    jobs.take(MemberExportJob, job.pk)
    MemberExportJob.objects.filter(pk=job.pk).update(progress_done=1, progress_total=3)  # frozen mid-job
    lapse(job)

    with django_capture_on_commit_callbacks(execute=True):
        sweep_jobs()
        sweep_jobs()  # a second sweep finds it done

    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress_done) == (JobStatus.DONE, 2, 3)
    assert job.file.storage.exists(job.file.name)


def test_the_sweep_gives_up_after_the_last_attempt(job, settings, monkeypatch):
    jobs.take(MemberExportJob, job.pk)
    lapse(job, attempts=settings.JOB_MAX_ATTEMPTS)

    assert sent_by_sweep(monkeypatch) == []

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == "导出多次中断，已停止。请重新导出。"
    assert jobs.take(MemberExportJob, job.pk) is None
