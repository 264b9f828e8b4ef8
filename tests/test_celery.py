"""A real round trip: task sent through the Redis broker, run by a real worker."""

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
    result = clear_expired_sessions.delay()
    result.get(timeout=20)
    assert result.successful()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["new" * 10]


def test_ci_runs_against_postgres_and_redis():
    services.require_postgres()
    services.require_redis()


def test_every_beat_job_names_a_registered_task(settings):
    from config.celery_app import app

    app.loader.import_default_modules()
    missing = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] not in app.tasks
    ]
    assert missing == []
