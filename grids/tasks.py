"""Background work of the grids app. Thin: the jobs run through ``portal.jobs``."""

from celery import Task, shared_task

from grids import exports, imports
from portal.tasks import JOB_TASK_OPTIONS


@shared_task(bind=True, **JOB_TASK_OPTIONS)
def run_member_import(self: Task, job_id: int) -> None:
    # Safe to run twice (a redelivery, or the sweep re-sending it): the job is taken with a conditional
    # update, and a job held by a live worker or finished is left alone.
    imports.import_run(job_id, heartbeat=not self.request.is_eager)


@shared_task(ignore_result=True)
def purge_expired_exports() -> int:
    """Hourly: delete the files of background exports past their download window."""
    return exports.purge_expired()
