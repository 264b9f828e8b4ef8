"""Concerns about social media conduct, the people they are about, evidence and events."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from guidance.models import CodeEdition, CodeSection, PlatformCategory, UseContext


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class PidAnswer(models.TextChoices):
    """The reporter's answer to: might this be a public interest disclosure?"""

    NO = "no", "No"
    UNSURE = "unsure", "Not sure"
    YES = "yes", "Yes, it may be"


class YesNoUnsure(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNSURE = "unsure", "Not sure"


def normalise_name(name: str) -> str:
    return " ".join(name.casefold().split())


class Person(models.Model):
    """An employee a concern is about, kept once so repeat concerns can be found."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    full_name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200, editable=False, db_index=True)
    position = models.CharField(max_length=200, blank=True)
    business_unit = models.ForeignKey(
        BusinessUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "people"
        indexes = [models.Index(fields=["organisation", "normalised_name"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.normalised_name = normalise_name(self.full_name)
        super().save(*args, **kwargs)


class Concern(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, blank=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_concerns"
    )
    business_unit = models.ForeignKey(
        BusinessUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The business unit the concern relates to.",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )

    # What happened
    occurred_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    # Where
    platform_category = models.ForeignKey(
        PlatformCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    platform_name = models.CharField(max_length=100, blank=True)
    use_context = models.CharField(
        max_length=10, choices=UseContext.choices, default=UseContext.UNCLEAR
    )
    context_answers = models.JSONField(
        default=dict, blank=True, help_text="Answers to the official-or-private questions."
    )

    # Who
    subject = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    subject_not_known = models.BooleanField(default=False)

    # Which parts of the Code, as the reporter chose them (HR confirms its own set later)
    code_edition = models.ForeignKey(
        CodeEdition, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_sections = models.ManyToManyField(
        CodeSection, through="ReportedSection", related_name="+", blank=True
    )
    possible_pid = models.CharField(
        "may be a public interest disclosure",
        max_length=10,
        choices=PidAnswer.choices,
        default=PidAnswer.NO,
    )

    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"],
                condition=~models.Q(reference=""),
                name="unique_reference_per_org",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["reporter", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT


class ReportedSection(models.Model):
    """A Code section the reporter chose. PROTECT: a section in use is never deleted."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE)
    section = models.ForeignKey(CodeSection, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "section"], name="unique_reported_section")
        ]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.section_id}"


class ConcernLink(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(max_length=2000)
    normalised_url = models.CharField(max_length=2000, editable=False, db_index=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class ReferenceCounter(models.Model):
    """The last reference number issued per organisation and year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="unique_counter")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.year}: {self.last}"


def evidence_path(instance: Evidence, filename: str) -> str:
    """A random name with no extension: the original name never reaches the disk."""
    now = timezone.now()
    return str(PurePosixPath("evidence", f"{now:%Y}", f"{now:%m}", uuid.uuid4().hex))


class Evidence(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    captured_url = models.URLField("where it was captured", max_length=2000, blank=True)
    captured_at = models.DateTimeField("when it was captured", null=True, blank=True)
    post_deleted = models.CharField(
        "was the post later deleted?",
        max_length=10,
        choices=YesNoUnsure.choices,
        default=YesNoUnsure.UNSURE,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """Append-only record of every change: who, when, what, before and after."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        Concern, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40)
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["concern", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are append-only and cannot be deleted.")
