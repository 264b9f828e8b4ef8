"""What the dashboards keep: pre-aggregated counts, export jobs and sent summaries.

Counts only, never an individual. The tables kept the names they had when reporting
lived in `incidents` (the rows did not move).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from guidance.models import CodeSection, PlatformCategory


class MonthlySummary(models.Model):
    """One organisation's monthly trend summary; the row makes sending it idempotent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month summarised.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "incidents_monthlysummary"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "month"], name="unique_monthly_summary")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class ExportJob(models.Model):
    """A workbook of every dashboard table, built in the background for one person."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    organisation_ids = models.JSONField(
        null=True, blank=True, help_text="Organisations covered; empty for the whole sector."
    )
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed it; a stale claim is taken over."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "incidents_exportjob"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export {self.pk} ({self.state})"


class ReportRollup(models.Model):
    """Dashboard counts, pre-aggregated: one row per organisation, month of submission,
    business unit, platform and (optionally) Code section. Written only by
    `reporting.rollups` from the concerns themselves; counts only, never an individual."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The first day of the month of submission.")
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    platform_category = models.ForeignKey(
        PlatformCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    section = models.ForeignKey(
        CodeSection,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: every concern. Set: the concerns whose reported or confirmed "
        "sections include it (the dashboard's section filter).",
    )
    counts = models.JSONField(default=dict)
    # Figures that do not add up or depend on today's date, kept as sorted packed arrays
    # (Python's array module, native byte order) so they can be merged exactly.
    subject_ids = models.BinaryField(default=b"", help_text="Employee ids, for distinct counts.")
    triage_seconds = models.BinaryField(default=b"", help_text="Submission to triage.")
    close_seconds = models.BinaryField(default=b"", help_text="Submission to closure (closed).")
    open_submitted = models.BinaryField(
        default=b"", help_text="Open concerns: submission time, microseconds since 1970."
    )
    open_due = models.BinaryField(default=b"", help_text="Open concerns: due date ordinals.")

    class Meta:
        db_table = "incidents_reportrollup"
        indexes = [models.Index(fields=["organisation", "section", "month"])]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"


class ReportRollupState(models.Model):
    """How far an organisation's rollups have caught up with its event chain."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    event_seq = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "incidents_reportrollupstate"

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.event_seq}"
