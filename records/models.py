"""Retention and disposal: how long a closed concern is kept, and the proof it was destroyed.

A concern that reaches a final status gets a `RetentionSchedule` (its retention class
and disposal date, from the organisation's `RetentionRule` for the outcome or the
default below). A daily job lists schedules that fall due; an HR manager approves
each disposal; the disposal service destroys the evidence and personal details and
writes a `DisposalRecord` to the register. A `LegalHold` stops all of it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


class Outcome(models.TextChoices):
    """How a concern ended, as far as keeping its record is concerned."""

    SUBSTANTIATED = "substantiated", "Closed: a breach was found"
    NOT_SUBSTANTIATED = "not_substantiated", "Closed: no breach found"
    DISMISSED = "dismissed", "Dismissed at triage"
    WITHDRAWN = "withdrawn", "Withdrawn by the reporter"
    REFERRED = "referred", "Referred to another body"


# Placeholder periods in years, used until an administrator sets the organisation's own
# rules. The agency's records authority decides the real values.
DEFAULT_RETENTION: dict[str, tuple[str, int]] = {
    Outcome.SUBSTANTIATED: ("Conduct matter: breach found", 7),
    Outcome.NOT_SUBSTANTIATED: ("Conduct matter: no breach found", 2),
    Outcome.DISMISSED: ("Conduct matter: dismissed", 2),
    Outcome.WITHDRAWN: ("Conduct matter: withdrawn", 1),
    Outcome.REFERRED: ("Conduct matter: referred", 7),
}


class RetentionRule(models.Model):
    """An organisation's retention class and period for one outcome."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="retention_rules"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    retention_class = models.CharField(
        max_length=120, help_text="The class in the records authority's disposal schedule."
    )
    authority = models.CharField(
        "disposal authority",
        max_length=120,
        blank=True,
        help_text="The retention and disposal authority that sets this period.",
    )
    years = models.PositiveSmallIntegerField(
        "keep for (years after closure)",
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["organisation__name", "outcome"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "outcome"], name="one_retention_rule_per_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.years} years"


class RetentionSchedule(models.Model):
    """When one closed concern falls due for disposal, and what happened to it."""

    concern = models.OneToOneField(
        "incidents.Concern", on_delete=models.PROTECT, primary_key=True, related_name="retention"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    retention_class = models.CharField(max_length=120)
    authority = models.CharField(max_length=120, blank=True)
    years = models.PositiveSmallIntegerField()
    closed_on = models.DateField()
    disposal_due_on = models.DateField()
    listed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the daily job listed it for approval."
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    disposed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["disposal_due_on", "concern_id"]
        indexes = [models.Index(fields=["organisation", "disposal_due_on"])]

    def __str__(self) -> str:
        return f"{self.concern_id} due {self.disposal_due_on:%Y-%m-%d}"

    @property
    def is_due(self) -> bool:
        return self.disposed_at is None and self.disposal_due_on <= timezone.localdate()


class LegalHold(models.Model):
    """A hold that stops disposal (litigation, an inquiry, a records request)."""

    concern = models.ForeignKey(
        "incidents.Concern", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern"],
                condition=models.Q(released_at__isnull=True),
                name="one_active_hold_per_concern",
            )
        ]

    def __str__(self) -> str:
        state = "released" if self.released_at else "active"
        return f"Hold on {self.concern_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class DisposalRecord(models.Model):
    """One entry in the disposal register: what was destroyed, when, on whose approval.

    Holds no personal details: the reference, the classes and dates, who approved, and
    the SHA-256 of each evidence file and case document destroyed (proof of what went,
    not its content).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=20, editable=False)
    concern = models.OneToOneField(
        "incidents.Concern", on_delete=models.PROTECT, related_name="disposal_record"
    )
    reference = models.CharField(max_length=20)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    retention_class = models.CharField(max_length=120)
    authority = models.CharField(max_length=120, blank=True)
    closed_on = models.DateField()
    disposal_due_on = models.DateField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField()
    approval_note = models.TextField(blank=True)
    disposed_at = models.DateTimeField(default=timezone.now)
    evidence_destroyed = models.PositiveIntegerField(default=0)
    evidence_sha256 = models.JSONField(default=list, blank=True)
    documents_destroyed = models.PositiveIntegerField("case documents destroyed", default=0)
    documents_sha256 = models.JSONField(default=list, blank=True)
    notes_destroyed = models.PositiveIntegerField(default=0)
    events_redacted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-disposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="unique_disposal_number_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.reference})"
