"""Drill: Redis is down while a concern is submitted and assigned.

The people doing the work notice nothing: both actions succeed. Their emails wait as
outbox rows, written in the same transaction as the change. When Redis is back, the
periodic resend (beat's job, run here on a real worker) queues them and a real Celery
worker sends each exactly once, even when the same rows are queued again.
"""

from __future__ import annotations

import email
import logging
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from config.breaker import breaker_for
from incidents.models import Concern, Status
from notifications.models import Kind, Notification
from notifications.tasks import resend_unsent_notifications, send_notification

from .conftest import sent_mail, wait_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_submit_and_assign_succeed_with_redis_down_and_mail_goes_once_when_it_is_back(
    caplog,
    client,
    draft_concern,
    reporter,
    hr_manager,
    investigator,
    private_redis,
    broker,
    celery_workers,
    mail_dir,
    settings,
):
    # After the first failure the web process skips Redis for the backoff (config/breaker.py);
    # short here, so the drill need not wait long once Redis is back.
    settings.REDIS_BACKOFF_SECONDS = 2
    with broker(private_redis.url(0)):
        # A worker is running; then Redis goes away under it and the web process.
        worker = celery_workers("survivor", redis_url=private_redis.url(0))
        private_redis.stop()

        caplog.set_level(logging.WARNING, logger="notifications.services")
        client.force_login(reporter)
        response = client.post(
            reverse("incidents:submit", args=[draft_concern.pk]),
            {"version": draft_concern.version},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        concern = Concern.objects.get(pk=draft_concern.pk)
        assert concern.status == Status.SUBMITTED
        assert concern.reference

        client.force_login(hr_manager)
        response = client.post(
            reverse("incidents:assign", args=[concern.pk]),
            {"version": concern.version, "assignee": investigator.pk},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        concern.refresh_from_db()
        assert concern.assignee == investigator

        # Both emails wait in the outbox; nothing was sent or lost.
        rows = list(Notification.objects.filter(concern=concern).order_by("pk"))
        assert {(row.kind, row.recipient_id) for row in rows} >= {
            (Kind.SUBMITTED, hr_manager.pk),
            (Kind.ASSIGNED, investigator.pk),
        }
        assert all(row.sent_at is None for row in rows)
        assert sent_mail(mail_dir) == []
        # Queuing failed after each commit: on the missing broker, then skipped while the
        # breaker backs off (no second wait for a connection).
        refused = [r for r in caplog.records if "Could not queue notification" in r.getMessage()]
        assert len(refused) >= 2
        assert "BrokerUnavailable" in caplog.text

        # Redis is back; the worker reconnects by itself.
        private_redis.start()
        assert wait_for(lambda: worker.log().count("Connected to redis") >= 2, timeout=60), (
            worker.log()[-3000:]
        )
        assert worker.process.poll() is None
        assert wait_for(breaker_for(private_redis.url(0)).allows, timeout=10)
        # The resend leaves rows younger than a minute to their own task; the outage
        # lasted longer than that.
        Notification.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        resend_unsent_notifications.apply_async(ignore_result=True)

        def all_sent() -> bool:
            return not Notification.objects.filter(concern=concern, sent_at=None).exists()

        assert wait_for(all_sent, timeout=30), worker.log()[-3000:]

        # A second resend and a duplicate task for every row: nothing more goes out.
        resend_unsent_notifications.apply_async(ignore_result=True)
        for row in rows:
            send_notification.delay(row.pk)
        expected_tasks = len(rows) * 2 + 2  # two sends per row, two resends
        assert wait_for(lambda: worker.log().count("succeeded in") >= expected_tasks, timeout=30), (
            worker.log()[-3000:]
        )

    # The worker's own account: each row sent once (True), every repeat a no-op (False).
    sends = [line for line in worker.log().splitlines() if "send_notification" in line]
    assert sum(line.endswith("s: True") for line in sends) == len(rows)
    assert sum(line.endswith("s: False") for line in sends) == len(rows)

    messages = [email.message_from_bytes(path.read_bytes()) for path in sent_mail(mail_dir)]
    assert len(messages) == len(rows)
    by_recipient = sorted((m["To"], m["Subject"]) for m in messages)
    assert len(set(by_recipient)) == len(rows)
    assert {m["To"] for m in messages} >= {hr_manager.email, investigator.email}
    assert all(concern.reference in m["Subject"] for m in messages)
    for row in Notification.objects.filter(concern=concern):
        assert row.sent_at is not None
        assert row.attempts == 1
