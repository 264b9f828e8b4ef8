"""The embedded default runs the periodic jobs in-process; nothing else ever starts them."""

import datetime as dt

import pytest
from celery.schedules import crontab
from django.utils import timezone

from config import embedded_beat


@pytest.mark.parametrize(
    ("argv", "environ", "eager", "expected"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True, True),
        (["manage.py", "runserver", "--noreload"], {}, True, True),
        (["manage.py", "runserver"], {}, True, False),  # the autoreloader's parent
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, False, False),  # beat does it
        (["manage.py", "runserver"], {"RUN_MAIN": "true", "EMBEDDED_BEAT": "off"}, True, False),
        (["manage.py", "migrate"], {"RUN_MAIN": "true"}, True, False),
        (["pytest"], {}, True, False),
    ],
)
def test_only_runserver_in_the_embedded_default_starts_the_jobs(argv, environ, eager, expected):
    assert embedded_beat.should_start(argv, environ, eager=eager) is expected


def test_jobs_in_seconds_run_at_once_then_when_due_and_crontab_ones_wait():
    entries = {
        "rollups": {"task": "incidents.tasks.refresh_report_rollups", "schedule": 60},
        "escalate": {"task": "incidents.tasks.escalate_overdue_concerns", "schedule": 3600},
        "nightly": {"task": "incidents.tasks.rebuild_report_rollups", "schedule": crontab(2, 15)},
    }
    ran: list[str] = []
    last: dict = {}
    now = timezone.now()
    assert embedded_beat.run_due(entries, last, now, ran.append) == ["rollups", "escalate"]
    assert embedded_beat.run_due(entries, last, now, ran.append) == []
    last["rollups"] = now - dt.timedelta(seconds=61)
    assert embedded_beat.run_due(entries, last, now, ran.append) == ["rollups"]
    assert ran == [
        "incidents.tasks.refresh_report_rollups",
        "incidents.tasks.escalate_overdue_concerns",
        "incidents.tasks.refresh_report_rollups",
    ]


def test_a_failing_job_is_logged_and_the_others_still_run(caplog):
    entries = {"a": {"task": "a", "schedule": 60}, "b": {"task": "b", "schedule": 60}}
    ran = []

    def run(task):
        if task == "a":
            raise RuntimeError("boom")
        ran.append(task)

    assert embedded_beat.run_due(entries, {}, timezone.now(), run) == ["b"]
    assert ran == ["b"] and "Embedded periodic job a failed" in caplog.text


def test_every_scheduled_job_is_a_registered_task(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db(transaction=True)
def test_the_rollup_job_runs_in_process_and_marks_the_rollups_current(org):
    from reporting import queries, rollups

    embedded_beat._run_task("incidents.tasks.refresh_report_rollups")
    assert rollups.is_current(queries.ReportScope(organisation_ids=(org.pk,)))
