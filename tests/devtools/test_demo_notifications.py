from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command

from notifications.models import Notification
from notifications.services import deliver, resend_unsent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("eager", [True, False], ids=["eager", "broker"])
def test_demo_history_is_recorded_but_sends_no_email_and_queues_nothing(
    eager, settings, guidance, celery_app, django_capture_on_commit_callbacks
):
    """With a broker configured, the demo once sent its 36 historical emails."""
    settings.DEBUG = True
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    try:
        with (
            mock.patch("celery.app.task.Task.apply_async") as queued,
            django_capture_on_commit_callbacks(execute=True),
        ):
            call_command("load_demo")
    finally:
        celery_app.conf.task_always_eager = previous
    assert queued.call_count == 0
    assert mail.outbox == []
    rows = Notification.objects.all()
    assert rows.count() >= 100  # submissions, assignments, questions, answers, closures
    assert not rows.filter(withheld_at=None).exists()
    assert not rows.filter(sent_at__isnull=False).exists()
    assert {row.last_error for row in rows} == {"Not sent: history loaded by the demo loader."}
    # Withheld for good: the periodic resend and a stray task both leave them alone.
    assert resend_unsent(older_than_seconds=0) == 0
    assert deliver(rows.first().pk) is False
    assert mail.outbox == []
