"""Background work for member imports. Thin: the logic is in grids.imports."""

from celery import shared_task

from grids import imports
from portal.tasks import enqueue


# The soft limit leaves the import time to record its failure, and both stay well inside the broker's
# visibility timeout (an hour), so a slow import is never handed to a second worker.
@shared_task(ignore_result=True, acks_late=True, soft_time_limit=40 * 60, time_limit=45 * 60)
def run_member_import(job_id: int) -> None:
    # Safe to run twice (a redelivery, or a sweep racing the first message): the job is claimed
    # with a conditional update, and a job already running or finished is left alone.
    imports.import_run(job_id)


@shared_task(ignore_result=True)
def resume_stalled_imports() -> int:
    """Periodic sweep: re-send jobs whose message was lost, give up on jobs whose worker died."""
    imports.fail_abandoned_imports()
    job_ids = imports.stalled_import_ids()
    for job_id in job_ids:
        enqueue(run_member_import, job_id)
    return len(job_ids)
