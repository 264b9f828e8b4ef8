"""Spreadsheet imports of past concerns: the uploaded file and the rows it created.

A batch keeps its original file privately under MEDIA_ROOT (a random name, no
extension, its SHA-256 recorded), like evidence. Each imported row leaves an
`ImportedRow` whose fingerprint is unique per organisation, so the same row
imported twice, from the same file or another, creates nothing new.
"""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


def import_path(instance: ImportBatch, filename: str) -> str:
    """A random name with no extension: the uploaded name never reaches the disk."""
    now = timezone.now()
    return str(PurePosixPath("imports", f"{now:%Y}", f"{now:%m}", uuid.uuid4().hex))


class ImportBatch(models.Model):
    class State(models.TextChoices):
        CHECKED = "checked", "Checked, waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed, waiting to start"
        RUNNING = "running", "Importing"
        DONE = "done", "Finished"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Not confirmed in time"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(
        upload_to=import_path,
        max_length=200,
        blank=True,
        help_text="The uploaded file, deleted once the import has finished, failed or "
        "expired unconfirmed: the concerns it created hold what was imported.",
    )
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=Format.choices)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKED)
    progress = models.PositiveSmallIntegerField(default=0)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(
        default=0, help_text="Rows that would create a concern."
    )
    problem_rows = models.PositiveIntegerField(default=0, help_text="Rows skipped for problems.")
    duplicate_rows = models.PositiveIntegerField(
        default=0, help_text="Rows imported before, from this file or another."
    )
    created_rows = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(
        default=list,
        blank=True,
        help_text="Rows the run skipped, with the problems found: [{row, problems}].",
    )
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life from the worker running it; a stale run may be resumed.",
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "import"
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.state})"

    @property
    def is_in_progress(self) -> bool:
        return self.state in (self.State.CONFIRMED, self.State.RUNNING)


class ImportedRow(models.Model):
    """One spreadsheet row that was imported. Its fingerprint stops a second import."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField(help_text="The row's number in the file.")
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the row's normalised values."
    )
    concern = models.ForeignKey(
        "incidents.Concern",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty if the concern has since been disposed of; the fingerprint stays.",
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint"], name="unique_imported_row_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.batch_id} row {self.row_number}"
