"""Jobs queued after commit survive a broker that cannot be reached.

The export job, the import batch and the approved disposal are rows: the queued task is
only a nudge. A broker outage at commit once escaped after the row was saved (a server
error for an action that had in fact been taken) and left the job waiting until someone
started it by hand.
"""

from __future__ import annotations

import datetime as dt

import kombu.exceptions
import pytest
from django.urls import reverse
from django.utils import timezone

from operations import queueing
from records.models import RetentionSchedule
from reporting.models import ExportJob

pytestmark = pytest.mark.django_db


class Recorder:
    """Stands in for a task's delay(): records the ids, or raises as a broker outage."""

    def __init__(self, *, down: bool = False):
        self.down = down
        self.ids: list[int] = []

    def __call__(self, *args):
        if self.down:
            raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6399.")
        self.ids.append(args[0])


def test_a_broker_outage_after_an_export_is_requested_is_not_a_server_error(
    client, executive, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from reporting.tasks import build_export

    monkeypatch.setattr(build_export, "delay", Recorder(down=True))
    client.force_login(executive)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:export_job_create"))
    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.QUEUED
    assert "periodic sweep will queue it again" in caplog.text


def test_the_sweep_queues_waiting_and_abandoned_exports_but_not_fresh_or_finished_ones(
    executive, monkeypatch
):
    from reporting.tasks import build_export

    now = timezone.now()
    old = now - dt.timedelta(minutes=5)
    waiting = ExportJob.objects.create(requested_by=executive, created_at=old)
    abandoned = ExportJob.objects.create(
        requested_by=executive,
        created_at=old - dt.timedelta(hours=1),
        state=ExportJob.State.RUNNING,
        started_at=old - dt.timedelta(hours=1),
    )
    ExportJob.objects.create(requested_by=executive, created_at=now)  # its own task will run
    ExportJob.objects.create(
        requested_by=executive, created_at=old, state=ExportJob.State.RUNNING, started_at=now
    )
    ExportJob.objects.create(requested_by=executive, created_at=old, state=ExportJob.State.DONE)
    recorder = Recorder()
    monkeypatch.setattr(build_export, "delay", recorder)

    queued = queueing.requeue_stalled_jobs(now=now)

    assert sorted(recorder.ids) == sorted([waiting.pk, abandoned.pk])
    assert queued["exports"] == 2


def test_the_sweep_queues_an_approved_disposal_that_never_ran(
    guidance, reporter, hr_manager, monkeypatch
):
    from records.tasks import dispose_concern
    from tests.factories import make_concern

    concern = make_concern(reporter)
    today = timezone.localdate()
    long_ago = timezone.now() - dt.timedelta(hours=1)
    RetentionSchedule.objects.create(
        concern=concern,
        organisation=concern.organisation,
        outcome="not_substantiated",
        retention_class="Test class",
        years=1,
        closed_on=today - dt.timedelta(days=800),
        disposal_due_on=today - dt.timedelta(days=30),
        listed_at=long_ago,
        approved_by=hr_manager,
        approved_at=long_ago,
    )
    recorder = Recorder()
    monkeypatch.setattr(dispose_concern, "delay", recorder)

    assert queueing.requeue_stalled_jobs()["disposals"] == 1
    assert recorder.ids == [concern.pk]


def test_while_the_broker_is_down_the_sweep_stops_and_leaves_the_rows(executive, monkeypatch):
    from reporting.tasks import build_export

    old = timezone.now() - dt.timedelta(minutes=5)
    for _ in range(3):
        ExportJob.objects.create(requested_by=executive, created_at=old)
    monkeypatch.setattr(build_export, "delay", Recorder(down=True))

    assert queueing.requeue_stalled_jobs() == {"exports": 0, "imports": 0, "disposals": 0}
    assert ExportJob.objects.filter(state=ExportJob.State.QUEUED).count() == 3
