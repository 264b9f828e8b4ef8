"""Redis unreachable: after one failed connection, each process skips Redis for a while.

Without the breaker every cache call and every `delay()` during an outage tries to
connect again (about 0.6 s for each task queued, up to the connect timeout for each
cache call), which made requests slow throughout. These tests count the attempts that
reach the Redis client, not time. Redis here is a port nothing listens on; no Redis is
needed to run them.
"""

from __future__ import annotations

from unittest import mock

import kombu.exceptions
import pytest
from celery.app.task import Task
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCacheClient
from django.db import transaction

from config.breaker import breaker_for
from config.celery_app import BrokerUnavailable
from notifications.models import Kind, Notification
from notifications.services import notify, resend_unsent
from notifications.tasks import send_notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOWN = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REDIS_BACKOFF_SECONDS = 30


def counting(cls, name):
    return mock.patch.object(cls, name, autospec=True, side_effect=getattr(cls, name))


def test_the_cache_tries_a_failed_redis_once_per_backoff(redis_down_cache):
    with counting(RedisCacheClient, "get") as get, counting(RedisCacheClient, "set") as put:
        for _ in range(10):
            assert cache.get("figures") is None
            cache.set("figures", [1, 2, 3])
        assert get.call_count + put.call_count == 1

        breaker_for(DOWN).open_until = 0  # the backoff has passed
        assert cache.get("figures") is None
        assert get.call_count + put.call_count == 2


def test_the_backoff_can_be_switched_off(redis_down_cache, settings):
    settings.REDIS_BACKOFF_SECONDS = 0
    with counting(RedisCacheClient, "get") as get:
        for _ in range(3):
            cache.get("figures")
    assert get.call_count == 3


def test_queuing_tries_a_failed_broker_once_per_backoff(broker, settings):
    settings.REDIS_BACKOFF_SECONDS = 30
    with broker(DOWN), counting(Task, "apply_async") as attempts:
        with pytest.raises(kombu.exceptions.OperationalError):
            send_notification.delay(1)
        for _ in range(5):
            with pytest.raises(BrokerUnavailable):
                send_notification.delay(1)
        assert attempts.call_count == 1

        breaker_for(DOWN).open_until = 0
        with pytest.raises(kombu.exceptions.OperationalError):
            send_notification.delay(1)
        assert attempts.call_count == 2


def test_emails_not_queued_during_the_backoff_wait_in_the_outbox_and_are_resent(
    broker, settings, submitted_concern, org, django_capture_on_commit_callbacks
):
    """Skipping the queue loses nothing: the row is the record, the resend queues it."""
    settings.REDIS_BACKOFF_SECONDS = 30
    people = [UserFactory(username=f"hr{n}", organisation=org) for n in range(3)]
    with broker(DOWN), counting(Task, "apply_async") as attempts:
        for person in people:
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                notify(recipients=[person], kind=Kind.ASSIGNED, concern=submitted_concern)
        assert attempts.call_count == 1  # the first commit tried; the others skipped
    rows = Notification.objects.filter(recipient__in=people)
    assert rows.count() == 3 and not rows.filter(sent_at__isnull=False).exists()

    # The broker is back (here: eager, in-process); the periodic resend sends all three.
    assert resend_unsent(older_than_seconds=0) == 3
    assert rows.filter(sent_at__isnull=False).count() == 3
