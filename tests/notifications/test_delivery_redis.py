"""The outbox with a real worker: tasks travel through the Redis broker."""

import time
from datetime import timedelta
from unittest import mock

import kombu.exceptions
import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.services import notify
from notifications.tasks import resend_unsent_notifications, send_notification

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(condition, *, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def is_sent(row: Notification) -> bool:
    return Notification.objects.filter(pk=row.pk, sent_at__isnull=False).exists()


def mail_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_a_committed_notification_is_delivered_by_the_worker(celery_worker, concern, assignee):
    with transaction.atomic():
        [row] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    assert wait_for(lambda: is_sent(row)), "the worker did not send the notification"
    # The worker is a thread of this process, so it shares the locmem outbox.
    [message] = mail_to(assignee)
    assert concern.reference in message.subject


def test_mail_queued_while_the_broker_was_down_is_sent_once_it_is_back(
    celery_worker, concern, manager
):
    down = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with mock.patch.object(send_notification, "delay", side_effect=down), transaction.atomic():
        [row] = notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
    time.sleep(1)
    assert not is_sent(row)
    assert mail_to(manager) == []

    # A minute later the periodic resend runs on the worker, with the broker back.
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    resend_unsent_notifications.delay()  # stores no result: watch the row instead
    assert wait_for(lambda: is_sent(row)), "the resent notification was not delivered"
    resend_unsent_notifications.delay()
    send_notification.delay(row.pk)  # a duplicate task: still one email
    time.sleep(1)
    assert len(mail_to(manager)) == 1
