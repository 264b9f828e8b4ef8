"""Thin Celery adapters for the dashboards' background work.

The tasks keep the names they had when reporting lived in `incidents`, so an upgraded
installation's beat schedule rows and any job already waiting in the broker still
find them.
"""

from celery import shared_task

from . import export_jobs, monthly, rollups


@shared_task(name="incidents.tasks.send_monthly_summaries", ignore_result=True)
def send_monthly_summaries() -> int:
    """Email last month's summary to executives from the first working day; once each."""
    return monthly.send_monthly_summaries()


@shared_task(name="incidents.tasks.build_export", ignore_result=True)
def build_export(job_id: int) -> None:
    """Build a requested workbook; a second delivery of the same job does nothing."""
    export_jobs.export_job_build(job_id)


@shared_task(name="incidents.tasks.refresh_report_rollups", ignore_result=True)
def refresh_report_rollups() -> int:
    """Recount the dashboard rollups of the months changed since the last run."""
    return sum(rollups.refresh_all().values())


@shared_task(name="incidents.tasks.rebuild_report_rollups", ignore_result=True)
def rebuild_report_rollups() -> int:
    """Recount every month: a safety net for changes that leave no event."""
    return sum(rollups.refresh_all(full=True).values())
