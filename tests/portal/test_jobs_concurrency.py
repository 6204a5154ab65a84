"""Workers racing for the same job, on PostgreSQL (real row locks): exactly one wins, the work is done once.

Each thread has its own database connection; a barrier releases them together (the shared harness).
"""

import threading
import time
from dataclasses import replace
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from grids import exports, imports
from grids.models import MemberExportJob, MemberImportJob, PartyMember
from portal import jobs
from portal.models import JobStatus
from tests.grids.test_import import id_number, row, upload, xlsx
from tests.harness import run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def lapsed_job(model, pk: int) -> None:
    """Taken by a worker that was then killed: running, lease lapsed."""
    model.objects.filter(pk=pk).update(
        status=JobStatus.RUNNING, attempts=1, lease_until=timezone.now() - timedelta(seconds=1)
    )


def test_eight_workers_taking_over_one_job_one_wins(world):
    job = exports.export_job_create(actor=world.haishu_staff, query="")
    lapsed_job(MemberExportJob, job.pk)

    def attempt() -> str:
        return "taken" if jobs.take(MemberExportJob, job.pk) else "refused"

    outcomes = run_together([attempt] * 8)

    assert outcomes == {"taken": 1, "refused": 7}
    assert MemberExportJob.objects.get(pk=job.pk).attempts == 2


def test_two_workers_resuming_one_import_import_it_once(world):
    rows = [row(身份证号=id_number("F")) for _ in range(30)]
    job = imports.import_create(
        actor=world.haishu_secretary, organization=world.haishu_branch, upload=upload(xlsx(rows))
    )
    lapsed_job(MemberImportJob, job.pk)
    before = PartyMember.objects.count()

    def attempt() -> str:
        return "ran" if jobs.run(imports.MEMBER_IMPORT, job.pk) else "refused"

    outcomes = run_together([attempt, attempt])

    assert outcomes == {"ran": 1, "refused": 1}
    job.refresh_from_db()
    assert (job.status, job.imported_rows, job.attempts) == (JobStatus.DONE, 30, 2), (job.errors, job.message)
    assert PartyMember.objects.count() == before + 30


def test_the_heartbeat_keeps_a_long_step_from_being_taken_over(world, settings):
    # A step that writes no progress for longer than the lease (saving a big workbook, one transaction).
    settings.JOB_LEASE_SECONDS, settings.JOB_HEARTBEAT_SECONDS = 2, 0.5
    job = exports.export_job_create(actor=world.haishu_staff, query="")
    long_step = replace(exports.MEMBER_EXPORT, work=lambda job, run: time.sleep(4))
    worker = threading.Thread(
        target=lambda: (jobs.run(long_step, job.pk, heartbeat=True), connection.close())
    )

    worker.start()
    time.sleep(3)  # past the first lease
    rival = jobs.take(MemberExportJob, job.pk)
    worker.join()

    assert rival is None
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
