"""Background workbook exports: built once, and taken over when their worker died."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reporting.export_jobs import CLAIM_TIMEOUT, export_job_build
from reporting.models import ExportJob

pytestmark = pytest.mark.django_db


def _job(executive, **fields) -> ExportJob:
    return ExportJob.objects.create(
        requested_by=executive, organisation_ids=[executive.organisation_id], **fields
    )


def test_a_queued_job_is_built_once(executive, submitted_concern, media):
    job = _job(executive)
    export_job_build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.file.name
    first = job.file.name
    export_job_build(job.pk)  # a second delivery of the same task
    job.refresh_from_db()
    assert job.file.name == first


def test_a_job_another_worker_is_building_is_left_alone(executive, media):
    job = _job(executive, state=ExportJob.State.RUNNING, started_at=timezone.now())
    export_job_build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and not job.file


def test_a_job_whose_worker_died_is_built_by_the_redelivered_task(
    executive, submitted_concern, media
):
    stale = timezone.now() - CLAIM_TIMEOUT - dt.timedelta(minutes=1)
    job = _job(executive, state=ExportJob.State.RUNNING, progress=40, started_at=stale)
    export_job_build(job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE and job.progress == 100 and job.file.name


def test_the_claim_outlasts_the_task_time_limit(settings):
    assert CLAIM_TIMEOUT.total_seconds() > settings.CELERY_TASK_TIME_LIMIT
