"""The email outbox: queue in the caller's transaction, deliver after commit, resend what waits.

A notification is first a row, written in the same transaction as the change it reports.
Only after that transaction commits is a task queued to send it. If the broker is down
at that moment, the row waits and the periodic resend queues it later: a Redis outage
delays an email and loses nothing. Delivery claims the row with a conditional update,
so a task run twice (late acks, a resend racing a retry) sends one email.

"Once" has a limit: a worker killed after the mail server accepted a message, but
before the row was marked sent, leaves a claim that expires, and the message is sent
again. Delivery is at least once; every attempt carries the same Message-ID
(`message_id`), so mail systems that drop repeated IDs deliver it once.

Emails carry no case content: the protective marking, the reference number and a link.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from operations.queueing import BROKER_ERRORS

from .models import Notification

if TYPE_CHECKING:
    from accounts.models import User
    from incidents.models import Concern

logger = logging.getLogger(__name__)

PROTECTIVE_MARKING = "OFFICIAL: Sensitive"

# The send task is stopped after SEND_TIME_LIMIT seconds (SEND_SOFT_TIME_LIMIT first, which
# records the attempt as failed). A claim older than NOTIFICATION_CLAIM_TIMEOUT (a setting,
# 120 s by default and never under 90) counts as abandoned by a worker that died: it is
# longer than the send can run, so a claim only expires once its task cannot be running.
SEND_TIME_LIMIT = 60
SEND_SOFT_TIME_LIMIT = 50
# After this many failed attempts the periodic resend stops trying; the row keeps its error.
MAX_ATTEMPTS = 12
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)

# What sending raises when the mail server cannot be reached or refuses the message
# (smtplib.SMTPException is itself an OSError).
SEND_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


# Why notifications made now are withheld (recorded, never sent); empty: send as usual.
_withheld_reason: ContextVar[str] = ContextVar("notifications_withheld_reason", default="")


@contextmanager
def withheld(reason: str) -> Iterator[None]:
    """Record the notifications made inside as withheld: rows, but never queued or sent.

    For history, such as the demo loader's past concerns: the outbox shows what would
    have been sent, and no one receives an email about an event that did not happen.
    """
    token = _withheld_reason.set(reason)
    try:
        yield
    finally:
        _withheld_reason.reset(token)


def dedupe_key(*, kind: str, concern: Concern | None, recipient: User, suffix: str = "") -> str:
    """The identity of one message: the same key is never queued twice."""
    concern_part = concern.pk if concern is not None else "-"
    return f"{kind}:{concern_part}:{recipient.pk}:{suffix}"


def claim_timeout() -> timedelta:
    """How old a claim must be to count as abandoned (NOTIFICATION_CLAIM_TIMEOUT)."""
    return timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT)


def backoff_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts (1 min, 2, 4 … 6 h)."""
    doublings = min(max(attempts - 1, 0), 16)  # bounded, so the product cannot overflow
    return min(BACKOFF_BASE * 2**doublings, BACKOFF_MAX)


@transaction.atomic(savepoint=False)  # part of the caller's change: no savepoint of its own
def notify(
    *,
    recipients: Iterable[User],
    kind: Notification.Kind | str,
    concern: Concern | None = None,
    dedupe_key_suffix: str = "",
) -> list[Notification]:
    """Queue one email per recipient in the current transaction; send after it commits.

    Recipients without an email address, or no longer active, are skipped. A message
    whose dedupe key is already queued (or sent) is skipped too, so calling this again
    for the same event is harmless. Returns the rows this call created.
    """
    kind = Notification.Kind(kind)
    if concern is not None and concern.pk is None:
        raise ValueError("Save the concern before notifying about it.")
    wanted: dict[str, User] = {}
    for recipient in recipients:
        if not recipient.email or not recipient.is_active:
            continue
        key = dedupe_key(kind=kind, concern=concern, recipient=recipient, suffix=dedupe_key_suffix)
        if len(key) > Notification._meta.get_field("dedupe_key").max_length:
            raise ValueError(f"Dedupe key too long: {key!r}")
        wanted.setdefault(key, recipient)
    if not wanted:
        return []

    now = timezone.now()
    reason = _withheld_reason.get()
    withheld_fields = {"withheld_at": now, "last_error": f"Not sent: {reason}"} if reason else {}
    # The unique dedupe key does the dedupe: a message already queued (or sent), or queued
    # by a concurrent transaction first, is skipped by the insert itself (ignore_conflicts).
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=recipient,
                kind=kind,
                concern=concern,
                dedupe_key=key,
                created_at=now,
                next_attempt_at=now,
                **withheld_fields,
            )
            for key, recipient in wanted.items()
        ],
        ignore_conflicts=True,
    )
    # The rows this call made: those keys, stamped with this call's own moment (a row
    # that was already there keeps the moment it was made).
    created = list(
        Notification.objects.filter(dedupe_key__in=wanted, created_at=now).order_by("pk")
    )
    if created and not reason:
        transaction.on_commit(partial(enqueue, [row.pk for row in created]))
    return created


def enqueue(notification_ids: Sequence[int]) -> int:
    """Queue a send task per row. Returns how many were queued.

    When the broker is unreachable this logs a warning and stops: the rows stay unsent
    and `resend_unsent` queues them once the broker is back.
    """
    from .tasks import send_notification  # the tasks module imports this one

    queued = 0
    for notification_id in notification_ids:
        try:
            send_notification.delay(notification_id)
        except BROKER_ERRORS as exc:
            logger.warning(
                "Could not queue notification %s (%s: %s); %d left for the periodic resend.",
                notification_id,
                type(exc).__name__,
                exc,
                len(notification_ids) - queued,
            )
            break
        queued += 1
    return queued


def deliver(notification_id: int) -> bool:
    """Send one notification. Returns True if this call sent it.

    Safe to call any number of times: a row already sent, withheld, or being sent by
    someone else, is left alone and False is returned. On a sending failure the attempt, the
    error and the next due time are recorded and the exception is raised again.
    Call outside a transaction, so the claim and the result are committed at once.
    """
    now = timezone.now()
    claimed = (
        Notification.objects.filter(
            pk=notification_id, sent_at__isnull=True, withheld_at__isnull=True
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient", "concern").get(
        pk=notification_id
    )
    recipient = notification.recipient
    if not recipient.email or not recipient.is_active:
        Notification.objects.filter(pk=notification.pk).update(
            claimed_at=None,
            attempts=MAX_ATTEMPTS,
            last_error="Not sent: the recipient has no email address or is no longer active.",
        )
        return False
    try:
        build_message(notification).send()
    except Exception as exc:
        _record_failure(notification, now=now, error=exc)
        raise
    Notification.objects.filter(pk=notification.pk).update(
        sent_at=timezone.now(), claimed_at=None, attempts=F("attempts") + 1, last_error=""
    )
    return True


def _record_failure(notification: Notification, *, now, error: BaseException) -> None:
    attempts = notification.attempts + 1
    Notification.objects.filter(pk=notification.pk).update(
        claimed_at=None,
        attempts=F("attempts") + 1,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=now + backoff_delay(attempts),
    )
    log = logger.error if attempts >= MAX_ATTEMPTS else logger.warning
    log(
        "Notification %s failed (attempt %d of %d): %s: %s",
        notification.pk,
        attempts,
        MAX_ATTEMPTS,
        type(error).__name__,
        error,
    )


def resend_unsent(*, older_than_seconds: int = 60, limit: int = 500) -> int:
    """Queue unsent rows that are due. Returns how many were queued (0 if the broker is down).

    Rows younger than `older_than_seconds` are left to the task their own commit queued.
    Queuing a row twice is harmless: delivery claims it, and only one claim wins.
    """
    now = timezone.now()
    due = (
        Notification.objects.filter(
            sent_at__isnull=True,
            withheld_at__isnull=True,
            next_attempt_at__lte=now,
            created_at__lte=now - timedelta(seconds=older_than_seconds),
            attempts__lt=MAX_ATTEMPTS,
        )
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_timeout()))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return enqueue(list(due))


# --- Rendering ---------------------------------------------------------------------


def concern_link(concern: Concern | None) -> str:
    site = settings.SITE_URL.rstrip("/")
    return f"{site}{concern.get_absolute_url()}" if concern is not None else f"{site}/"


def email_context(notification: Notification) -> dict[str, str]:
    """Everything an email may show. Nothing here is case content."""
    concern = notification.concern
    return {
        "marking": PROTECTIVE_MARKING,
        "reference": concern.reference if concern is not None else "",
        "link": concern_link(concern),
    }


def message_id(notification: Notification) -> str:
    """The Message-ID header: the same for every attempt to send one notification.

    Delivery is at least once: a worker that dies after the mail server accepted a
    message but before the row was marked sent leaves the row to be sent again. With the
    same Message-ID, mail systems that drop repeats drop it. The ID is derived from the
    dedupe key and the row's creation time (so a reloaded database never reuses an old
    ID), hashed so that it shows no internal ids, at the site's own domain.
    """
    identity = f"{notification.dedupe_key}\n{notification.created_at.isoformat()}"
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{digest}@{domain}>"


def build_message(notification: Notification) -> EmailMultiAlternatives:
    """The subject/text/html trio from templates/emails/<kind>/."""
    folder = f"emails/{notification.kind}"
    context = email_context(notification)
    subject = " ".join(render_to_string(f"{folder}/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{folder}/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
        headers={"Auto-Submitted": "auto-generated", "Message-ID": message_id(notification)},
    )
    message.attach_alternative(render_to_string(f"{folder}/body.html", context), "text/html")
    return message
