"""The outbox with Celery in eager mode: rows in the caller's transaction, mail after commit."""

import logging
import smtplib
from datetime import timedelta
from unittest import mock

import kombu.exceptions
import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications import services
from notifications.models import Kind, Notification
from notifications.services import deliver, notify, resend_unsent
from notifications.tasks import send_notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FAILING_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def mail_to(user) -> list:
    return [message for message in mail.outbox if message.to == [user.email]]


def test_notify_writes_a_row_now_and_sends_after_commit(
    concern, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        [row] = notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
        assert Notification.objects.filter(pk=row.pk, sent_at=None).exists()
        assert mail_to(manager) == []
    assert len(callbacks) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert (row.attempts, row.last_error) == (1, "")
    [message] = mail_to(manager)
    assert message.subject == f"[OFFICIAL: Sensitive] New concern submitted: {concern.reference}"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL


# Emails about one concern; the disposal reminder is about a list (tests/records).
CONCERN_KINDS = [kind for kind in Kind.values if kind != Kind.DISPOSAL_DUE]


@pytest.mark.parametrize("kind", CONCERN_KINDS)
def test_every_email_shows_the_marking_reference_and_link_and_no_case_content(
    kind, concern, reporter, manager, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://conduct.example.vic.gov.au/"
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[manager], kind=kind, concern=concern)
    [message] = mail_to(manager)
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    link = f"https://conduct.example.vic.gov.au/concerns/{concern.pk}/"
    assert message.subject.startswith("[OFFICIAL: Sensitive] ")
    assert message.body.startswith("OFFICIAL: Sensitive\n")
    assert html.index("OFFICIAL: Sensitive") < html.index(concern.reference)
    for part in (message.subject, message.body, html):
        assert concern.reference in part
    assert link in message.body
    assert f'href="{link}"' in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    case_content = [
        "Jordan Example",  # the employee concerned
        "Case Officer",
        "client file",  # the description
        "Facebook",
        "6.2",  # the Code section
        reporter.get_full_name(),
    ]
    for part in (message.subject, message.body, html):
        for text in case_content:
            assert text not in part, f"{text!r} leaked into a {kind} email"


def test_the_closed_email_to_the_reporter_is_neutral(
    concern, reporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[reporter], kind=Kind.CLOSED, concern=concern)
    [message] = mail_to(reporter)
    assert f"The concern you raised, {concern.reference}, has now been closed." in message.body
    for word in ("substantiated", "breach", "outcome", "finding"):
        assert word not in message.body.casefold()


def test_the_same_dedupe_key_is_queued_and_sent_once(
    concern, assignee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipients=[assignee], kind=Kind.OVERDUE, concern=concern)
        again = notify(recipients=[assignee, assignee], kind=Kind.OVERDUE, concern=concern)
    assert len(first) == 1
    assert again == []
    assert Notification.objects.filter(recipient=assignee).count() == 1
    assert len(mail_to(assignee)) == 1


def test_a_new_suffix_is_a_new_reminder(concern, assignee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipients=[assignee],
            kind=Kind.OVERDUE,
            concern=concern,
            dedupe_key_suffix="triage:2026-03-01",
        )
        notify(
            recipients=[assignee],
            kind=Kind.OVERDUE,
            concern=concern,
            dedupe_key_suffix="investigation:2026-04-01",
        )
    assert len(mail_to(assignee)) == 2
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert f"overdue:{concern.pk}:{assignee.pk}:triage:2026-03-01" in keys


def test_deliver_twice_sends_once(concern, manager):
    [row] = notify(recipients=[manager], kind=Kind.ESCALATED, concern=concern)
    assert deliver(row.pk) is True
    assert deliver(row.pk) is False
    assert len(mail_to(manager)) == 1


def test_a_row_claimed_by_another_worker_is_left_alone_until_the_claim_expires(concern, manager):
    [row] = notify(recipients=[manager], kind=Kind.ESCALATED, concern=concern)
    Notification.objects.filter(pk=row.pk).update(claimed_at=timezone.now())
    assert deliver(row.pk) is False
    assert mail_to(manager) == []
    abandoned = timezone.now() - services.claim_timeout() - timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(claimed_at=abandoned)
    assert deliver(row.pk) is True
    assert len(mail_to(manager)) == 1


def test_a_rollback_writes_no_row_and_sends_nothing(
    concern, manager, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
        raise RuntimeError("the change failed after the notice was queued")
    assert callbacks == []
    assert not Notification.objects.filter(recipient=manager).exists()
    assert mail_to(manager) == []


def test_recipients_without_an_email_address_or_inactive_are_skipped(
    concern, manager, org, django_capture_on_commit_callbacks
):
    no_email = UserFactory(username="noemail", organisation=org, email="")
    inactive = UserFactory(username="gone", organisation=org, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(
            recipients=[no_email, inactive, manager], kind=Kind.SUBMITTED, concern=concern
        )
    assert [row.recipient for row in rows] == [manager]
    assert [message.to for message in mail.outbox] == [[manager.email]]
    assert notify(recipients=[no_email], kind=Kind.SUBMITTED, concern=concern) == []


def test_an_unknown_kind_is_refused(concern, manager):
    with pytest.raises(ValueError):
        notify(recipients=[manager], kind="gossip", concern=concern)


def test_an_smtp_failure_is_recorded_and_a_later_resend_delivers(
    concern, assignee, django_capture_on_commit_callbacks
):
    down = smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
    with (
        mock.patch(FAILING_SEND, side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        [row] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    row.refresh_from_db()
    assert row.sent_at is None
    assert row.claimed_at is None
    assert row.attempts == 1
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)  # backoff
    assert resend_unsent(older_than_seconds=0) == 0  # not due yet

    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())  # time passes
    assert resend_unsent(older_than_seconds=0) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert (row.attempts, row.last_error) == (2, "")
    assert len(mail_to(assignee)) == 1
    assert resend_unsent(older_than_seconds=0) == 0


def test_deliver_raises_the_smtp_error_so_the_task_can_retry(concern, assignee):
    [row] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    with (
        mock.patch(FAILING_SEND, side_effect=smtplib.SMTPRecipientsRefused({})),
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        deliver(row.pk)
    row.refresh_from_db()
    assert (row.attempts, row.sent_at, row.claimed_at) == (1, None, None)


def test_the_task_retries_with_backoff_when_running_on_a_worker(concern, assignee):
    [row] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    send_notification.push_request(is_eager=False, retries=2)
    try:
        with (
            mock.patch(FAILING_SEND, side_effect=smtplib.SMTPConnectError(421, b"busy")),
            mock.patch.object(send_notification, "retry", side_effect=Retry()) as retry,
            pytest.raises(Retry),
        ):
            send_notification.run(row.pk)
    finally:
        send_notification.pop_request()
    assert retry.call_args.kwargs["countdown"] == 240  # the third attempt waits 4 minutes
    assert isinstance(retry.call_args.kwargs["exc"], smtplib.SMTPConnectError)


def test_backoff_doubles_and_is_capped():
    assert [services.backoff_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert services.backoff_delay(50) == services.BACKOFF_MAX


def test_resend_leaves_young_rows_and_rows_that_gave_up(concern, manager, assignee):
    notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
    [spent] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    Notification.objects.filter(pk=spent.pk).update(
        attempts=services.MAX_ATTEMPTS, created_at=timezone.now() - timedelta(hours=1)
    )
    assert resend_unsent() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_broker_down_at_enqueue_keeps_the_commit_and_a_resend_delivers_once(
    concern, manager, caplog
):
    down = kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379.")
    with (
        mock.patch.object(send_notification, "delay", side_effect=down) as delay,
        caplog.at_level(logging.WARNING, logger="notifications.services"),
    ):
        with transaction.atomic():
            [row] = notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
            UserFactory(username="made-in-the-same-transaction", organisation=manager.organisation)
        assert delay.call_count == 1  # the commit ran the callback, and it failed quietly
        assert resend_unsent(older_than_seconds=0) == 0  # still down: nothing queued
    assert "periodic resend" in caplog.text
    assert User.objects.filter(username="made-in-the-same-transaction").exists()
    row.refresh_from_db()
    assert row.sent_at is None
    assert mail_to(manager) == []

    assert resend_unsent(older_than_seconds=0) == 1  # the broker is back
    assert resend_unsent(older_than_seconds=0) == 0
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mail_to(manager)) == 1


def test_the_admin_list_is_read_only(admin_client, concern, manager):
    notify(recipients=[manager], kind=Kind.SUBMITTED, concern=concern)
    response = admin_client.get("/admin/notifications/notification/")
    assert response.status_code == 200
    assert admin_client.get("/admin/notifications/notification/add/").status_code == 403


def test_every_attempt_to_send_one_notification_carries_the_same_message_id(
    concern, assignee, settings
):
    """A repeat after a lost acknowledgement reaches the mail system with the ID it saw."""
    settings.SITE_URL = "https://conduct.example.vic.gov.au/"
    [row] = notify(recipients=[assignee], kind=Kind.ASSIGNED, concern=concern)
    seen: list[str] = []

    def accept_then_lose_the_connection(messages):
        seen.extend(message.message()["Message-ID"] for message in messages)
        if len(seen) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return len(messages)

    with mock.patch(FAILING_SEND, side_effect=accept_then_lose_the_connection):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            deliver(row.pk)
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert deliver(row.pk) is True

    first, second = seen
    assert first == second
    assert first.startswith("<notification-") and first.endswith("@conduct.example.vic.gov.au>")
    assert row.dedupe_key not in first  # hashed: no internal ids in a mail header


def test_each_notification_has_its_own_message_id(concern, manager, assignee):
    rows = notify(recipients=[manager, assignee], kind=Kind.OVERDUE, concern=concern)
    ids = {services.build_message(row).message()["Message-ID"] for row in rows}
    assert len(ids) == 2
    assert all(services.build_message(row).message()["Message-ID"] in ids for row in rows)


def test_a_claim_left_by_a_worker_that_died_is_taken_over_within_minutes(concern, manager):
    """A crashed worker's email waits the claim timeout (2 minutes), not 10."""
    [row] = notify(recipients=[manager], kind=Kind.ESCALATED, concern=concern)
    Notification.objects.filter(pk=row.pk).update(
        claimed_at=timezone.now() - timedelta(minutes=3),
        created_at=timezone.now() - timedelta(minutes=4),
    )
    assert resend_unsent() == 1  # the periodic resend queues it and it is sent
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mail_to(manager)) == 1


def test_the_claim_timeout_is_a_setting_longer_than_a_send_may_run(settings):
    assert settings.NOTIFICATION_CLAIM_TIMEOUT == 120
    assert send_notification.soft_time_limit < send_notification.time_limit
    assert send_notification.time_limit < settings.NOTIFICATION_CLAIM_TIMEOUT
    settings.NOTIFICATION_CLAIM_TIMEOUT = 300
    assert services.claim_timeout() == timedelta(minutes=5)
