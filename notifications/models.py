"""The email outbox: one row per message, written in the same transaction as the change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Kind(models.TextChoices):
    """What an email is about; each has its templates in templates/emails/<value>/."""

    SUBMITTED = "submitted", "New concern submitted"  # to the HR managers
    ASSIGNED = "assigned", "Concern assigned"  # to the assignee
    OVERDUE = "overdue", "Concern overdue"  # to the assignee and the HR manager
    ESCALATED = "escalated", "Overdue concern escalated"  # to the HR manager
    CLOSED = "closed", "Concern closed"  # to the reporter, in neutral words
    DISPOSAL_DUE = "disposal_due", "Records due for disposal"  # to the HR managers
    REPORTER_ADDED = "reporter_added", "Further information added"  # to HR handling it
    QUESTION_ASKED = "question_asked", "A question from HR"  # to the reporter
    QUESTION_ANSWERED = "question_answered", "The reporter answered"  # to HR handling it
    DISCLOSURE_DUE = "disclosure_due", "A disclosure step is coming due"  # to the coordinator
    # An interim measure's review date has passed: to the investigator and the HR manager.
    INTERIM_REVIEW = "interim_review", "Interim measure due for review"


class Notification(models.Model):
    """An email waiting to be sent, or the record that it was.

    `dedupe_key` is unique, so the same message is never queued twice: that is what
    makes reminders and escalations safe to run again.
    """

    Kind = Kind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    concern = models.ForeignKey(
        "incidents.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dedupe_key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set while one worker is sending; a claim older than NOTIFICATION_CLAIM_TIMEOUT counts
    # as abandoned (its worker died) and the periodic resend sends the row again.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Set for a message recorded but deliberately never sent (history loaded by the demo
    # loader): it is never queued, claimed or resent; last_error says why.
    withheld_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The periodic resend: unsent rows that are due, oldest first.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="notification_unsent_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to user {self.recipient_id}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
