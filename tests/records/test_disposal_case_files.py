"""Disposal deletes the case files produced of a concern, rows and files."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from incidents.casefile.options import CaseFileOptions
from incidents.casefile.services import case_file_start
from incidents.models import CaseFileJob
from records import services
from records.models import RetentionSchedule

pytestmark = pytest.mark.django_db


def test_disposal_deletes_the_case_files(
    closed_concern, hr_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_file_start(
            concern=closed_concern, actor=hr_manager, options=CaseFileOptions(purpose="foi")
        )
    job = CaseFileJob.objects.get()
    assert job.state == CaseFileJob.State.DONE and default_storage.exists(job.file.name)

    RetentionSchedule.objects.filter(concern=closed_concern).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    services.list_due_disposals()
    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_approve(
            actor=hr_manager, concern_ids=[closed_concern.pk], note="Class 1.2.3"
        )
    assert not CaseFileJob.objects.exists()
    assert not default_storage.exists(job.file.name)
