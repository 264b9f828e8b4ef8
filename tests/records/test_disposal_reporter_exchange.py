"""Disposal destroys HR's questions to the reporter and the reporter's additions, like
the internal notes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from incidents.models import ReporterAddition, ReporterQuestion
from records import services
from records.models import RetentionSchedule

pytestmark = pytest.mark.django_db


def test_disposal_destroys_the_exchange_with_the_reporter(
    closed_concern, hr_manager, reporter, django_capture_on_commit_callbacks
):
    ReporterQuestion.objects.create(
        concern=closed_concern, asked_by=hr_manager, text="Q?", answer="A."
    )
    ReporterAddition.objects.create(concern=closed_concern, author=reporter, note="Later")
    RetentionSchedule.objects.filter(concern=closed_concern).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    services.list_due_disposals()

    with django_capture_on_commit_callbacks(execute=True):
        services.disposal_approve(actor=hr_manager, concern_ids=[closed_concern.pk], note="1.2")

    assert not ReporterQuestion.objects.filter(concern=closed_concern).exists()
    assert not ReporterAddition.objects.filter(concern=closed_concern).exists()
