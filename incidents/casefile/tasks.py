"""Thin Celery adapters for the case file: ids in, the service does the work."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def build_case_file(job_id: int) -> None:
    """Build a requested case file; a second delivery of the same job does nothing."""
    services.case_file_build(job_id)


@shared_task(ignore_result=True)
def expire_case_files() -> int:
    """Delete case files past CASE_FILE_KEEP_HOURS; queue again any whose task was lost."""
    return services.case_file_expire()
