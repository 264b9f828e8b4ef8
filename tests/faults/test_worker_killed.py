"""Drill: a Celery worker is killed (SIGKILL) while it is sending an email.

Tasks are acknowledged late (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST), so
the killed worker never acknowledged the message and Redis hands it to the next worker
once the visibility timeout has passed. The delivery task is idempotent: it claims its
outbox row before sending and marks it sent after, and a claim older than the claim
timeout counts as abandoned. So the task runs again on the new worker and the email goes
out exactly once.

Production keeps Redis's visibility timeout (1 hour) longer than the outbox claim timeout
(NOTIFICATION_CLAIM_TIMEOUT, 2 minutes); the drill keeps that order and shrinks both to
seconds (tests/faults/drill_settings.py).
"""

from __future__ import annotations

import email

import pytest
from django.conf import settings
from django.db import transaction

from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.tasks import send_notification

from .conftest import sent_mail, wait_for

DRILL_TIMERS = {"DRILL_VISIBILITY_TIMEOUT": "4", "DRILL_CLAIM_TIMEOUT": "2"}


def test_the_settings_acknowledge_tasks_only_after_they_ran():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)  # the workers are other processes: commit the data
def test_a_task_killed_mid_send_runs_again_on_a_new_worker_and_sends_once(
    submitted_concern, investigator, private_redis, broker, celery_workers, mail_dir
):
    hold = mail_dir / "HOLD"
    hold.touch()
    with broker(private_redis.url(0)):
        doomed = celery_workers("doomed", redis_url=private_redis.url(0), **DRILL_TIMERS)
        with transaction.atomic():
            [row] = notify(recipients=[investigator], kind=Kind.ASSIGNED, concern=submitted_concern)

        # The worker has claimed the row and is in the middle of sending it.
        assert wait_for(lambda: any(mail_dir.glob("started-*")), timeout=30), doomed.log()[-3000:]
        doomed.kill()

        row.refresh_from_db()
        assert row.sent_at is None
        assert row.claimed_at is not None  # the dead worker's claim is left behind
        assert sent_mail(mail_dir) == []
        redis = private_redis.client()
        assert redis.hlen("unacked") == 1  # delivered to the dead worker, never acknowledged

        hold.unlink()
        successor = celery_workers("successor", redis_url=private_redis.url(0), **DRILL_TIMERS)

        def sent() -> bool:
            return Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists()

        assert wait_for(sent, timeout=45), successor.log()[-3000:]
        # ... and acknowledged this time.
        assert wait_for(lambda: redis.hlen("unacked") == 0, timeout=10)

        # The same task id ran on both workers: it was redelivered, not queued again.
        [task_id] = {
            line.split("[", 2)[2].split("]", 1)[0]
            for line in doomed.log().splitlines()
            if "send_notification[" in line and " received" in line
        }
        assert f"send_notification[{task_id}] succeeded" in successor.log()
        assert f"send_notification[{task_id}] succeeded" not in doomed.log()

        # Run it once more: the row is sent, so nothing more goes out.
        send_notification.delay(row.pk)
        assert wait_for(lambda: successor.log().count("succeeded in") >= 2, timeout=20), (
            successor.log()[-3000:]
        )

    [message] = [email.message_from_bytes(path.read_bytes()) for path in sent_mail(mail_dir)]
    assert message["To"] == investigator.email
    assert submitted_concern.reference in message["Subject"]
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.claimed_at is None
