"""Thin Celery adapters: load, call the service, return a number for the logs.

No task stores its result (ignore_result): nobody waits for one (notifications/tasks.py).
"""

from celery import shared_task

from . import evidence, export_jobs, handling, monthly, rollups


@shared_task(ignore_result=True)
def escalate_overdue_concerns() -> int:
    """Escalate concerns past their stage's due date. Idempotent: each stage escalates once."""
    return handling.escalate_overdue()


@shared_task(ignore_result=True)
def purge_staged_uploads() -> int:
    """Remove evidence files kept for forms that were never completed (older than a day)."""
    return evidence.purge_staged_uploads()


@shared_task(ignore_result=True)
def send_monthly_summaries() -> int:
    """Email last month's summary to executives from the first working day; once each."""
    return monthly.send_monthly_summaries()


@shared_task(ignore_result=True)
def build_export(job_id: int) -> None:
    """Build a requested workbook; a second delivery of the same job does nothing."""
    export_jobs.export_job_build(job_id)


@shared_task(ignore_result=True)
def refresh_report_rollups() -> int:
    """Recount the dashboard rollups of the months changed since the last run."""
    return sum(rollups.refresh_all().values())


@shared_task(ignore_result=True)
def rebuild_report_rollups() -> int:
    """Recount every month: a safety net for changes that leave no event."""
    return sum(rollups.refresh_all(full=True).values())
