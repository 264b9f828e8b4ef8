"""Background workbook exports: queue a job, build it on a worker with progress, offer it."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from operations.queueing import queue_on_commit

from . import dashboard
from .about import export_about
from .exports import to_xlsx
from .models import ExportJob
from .queries import ReportFilters, ReportScope


def _filters_to_json(filters: ReportFilters) -> dict:
    return {
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "business_unit_id": filters.business_unit_id,
        "section_id": filters.section_id,
        "platform_id": filters.platform_id,
    }


def _filters_from_json(data: dict) -> ReportFilters:
    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return ReportFilters(
        date_from=day(data.get("date_from")),
        date_to=day(data.get("date_to")),
        business_unit_id=data.get("business_unit_id"),
        section_id=data.get("section_id"),
        platform_id=data.get("platform_id"),
    )


@transaction.atomic
def export_job_start(*, user, scope: ReportScope) -> ExportJob:
    from .tasks import build_export

    job = ExportJob.objects.create(
        requested_by=user,
        organisation_ids=list(scope.organisation_ids) if scope.organisation_ids else None,
        filters=_filters_to_json(scope.filters),
    )
    queue_on_commit(build_export, job.pk)
    return job


# A claim older than this belongs to a worker that died (it is longer than the task's
# hard time limit), so a redelivered task takes the job over.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def export_job_build(job_id: int) -> None:
    """Build the workbook. Safe to run twice: a finished job, or one another worker is
    building, is left alone; one abandoned by a worker that died is built again."""
    now = timezone.now()
    abandoned = Q(state=ExportJob.State.RUNNING, started_at__lt=now - CLAIM_TIMEOUT)
    claimed = (
        ExportJob.objects.filter(pk=job_id)
        .filter(Q(state=ExportJob.State.QUEUED) | abandoned)
        .update(state=ExportJob.State.RUNNING, progress=5, started_at=now)
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    try:
        scope = ReportScope(
            organisation_ids=tuple(job.organisation_ids) if job.organisation_ids else None,
            filters=_filters_from_json(job.filters),
        )
        panels = dashboard.build_panels(scope)
        tables = []
        for index, panel in enumerate(panels, start=1):
            tables.append(panel.export_table())
            ExportJob.objects.filter(pk=job.pk).update(progress=5 + int(85 * index / len(panels)))
        content = to_xlsx(tables, about=export_about(scope))
        job.file.save(f"{uuid.uuid4().hex}.xlsx", ContentFile(content), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            file=job.file.name,
            state=ExportJob.State.DONE,
            progress=100,
            finished_at=timezone.now(),
        )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            state=ExportJob.State.FAILED, error=str(exc)[:500], finished_at=timezone.now()
        )
        raise


def export_job_downloaded(*, job: ExportJob, user) -> None:
    record_event(
        organisation_id=user.organisation_id,
        actor=user,
        kind=EventKind.REPORT_EXPORTED,
        after={"table": "all", "format": "xlsx", "job": job.pk, "filters": job.filters},
    )
