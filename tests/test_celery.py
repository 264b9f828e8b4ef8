"""A real round trip: task sent through the Redis broker, run by a real worker."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from tests import services

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_worker_answers_a_ping_through_redis(celery_worker, celery_app):
    replies = celery_app.control.ping(timeout=5)
    assert replies, "no worker replied over the broker"


def test_periodic_session_cleanup_runs_on_the_worker(celery_worker):
    now = timezone.now()
    Session.objects.create(session_key="old" * 10, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="new" * 10, session_data="x", expire_date=now + timedelta(1))
    clear_expired_sessions.delay()  # stores no result: watch the database instead

    def cleaned() -> bool:
        return list(Session.objects.values_list("session_key", flat=True)) == ["new" * 10]

    deadline = time.monotonic() + 20
    while not cleaned() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert cleaned()


def test_ci_runs_against_postgres_and_redis():
    services.require_postgres()
    services.require_redis()


def project_tasks(app) -> dict:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_beat_job_names_a_registered_task(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in app.tasks
    ]
    assert missing == []


def test_every_task_beat_runs_stores_no_result(settings):
    """Beat's delay() would otherwise wait on the result channel (about 20 s, then
    CRITICAL) whenever Redis is down, and the tick would be lost."""
    from config.celery_app import app

    tasks = project_tasks(app)
    storing = sorted(
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if not tasks[entry["task"]].ignore_result
    )
    assert storing == []


def test_no_task_of_the_project_stores_a_result():
    """Every task is fire-and-forget: nobody calls .get() on one, so none may wait on Redis."""
    from config.celery_app import app

    tasks = project_tasks(app)
    assert len(tasks) >= 12
    assert sorted(name for name, task in tasks.items() if not task.ignore_result) == []
