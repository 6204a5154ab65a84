"""Background work of the volunteers app. Thin: the hours export runs through ``portal.jobs``."""

from celery import shared_task

from volunteers import exports


@shared_task(ignore_result=True)
def purge_expired_exports() -> int:
    """Hourly: delete the files of background hours exports past their download window."""
    return exports.purge_expired()
