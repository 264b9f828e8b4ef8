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
    TRIAGE = "triage", "Triage"
    INVESTIGATION = "investigation", "Investigation"
    DECISION = "decision", "Decision"
    CLOSED = "closed", "Closed"
    DISMISSED = "dismissed", "Dismissed"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REFERRED = "referred", "Referred"


OPEN_STATUSES = (Status.SUBMITTED, Status.TRIAGE, Status.INVESTIGATION, Status.DECISION)
FINAL_STATUSES = (Status.CLOSED, Status.DISMISSED, Status.WITHDRAWN, Status.REFERRED)


class RiskRating(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class GraduatedResponse(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    INFORMAL = "informal", "Informal resolution (conversation, training)"
    PERFORMANCE = "performance", "Performance management"
    MISCONDUCT = "misconduct", "Formal misconduct investigation"
    REFERRAL = "referral", "Referral"


class Finding(models.TextChoices):
    SUBSTANTIATED = "substantiated", "Substantiated"
    PARTLY = "partly", "Partly substantiated"
    NOT_SUBSTANTIATED = "not_substantiated", "Not substantiated"
    NO_CASE = "no_case", "No case to answer"


ADVERSE_FINDINGS = (Finding.SUBSTANTIATED, Finding.PARTLY)


class ActionTaken(models.TextChoices):
    NONE = "none", "None"
    COUNSELLING = "counselling", "Counselling"
    TRAINING = "training", "Training"
    FORMAL_WARNING = "formal_warning", "Formal warning"
    DISCIPLINARY = "disciplinary", "Disciplinary action"
    TERMINATION = "termination", "Termination"
    REFERRAL = "referral", "Referral"


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
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The employee's own account, if they have one.",
    )
    reporting_line = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="People in the employee's reporting line: they may not handle the concern.",
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


class Matter(models.Model):
    """Concerns HR linked as one matter (one post logged by several people, say). Each keeps
    its own record; trends count the matter once, under its lead concern: the earliest
    submitted of its concerns that is not restricted (`incidents.selectors.counted_in_trends`).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Matter {self.pk}"


class Concern(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=20, blank=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_concerns",
        help_text="Empty only once the concern has been disposed of.",
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
    matter = models.ForeignKey(
        Matter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="concerns",
        help_text="Linked by HR as the same matter as other concerns (counted once in trends).",
    )

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

    # HR's handling
    restricted = models.BooleanField(
        default=False,
        editable=False,
        help_text="Possible public interest disclosure: only the coordinator sees it.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_concerns",
    )
    confirmed_sections = models.ManyToManyField(
        CodeSection, through="ConfirmedSection", related_name="+", blank=True
    )
    risk_rating = models.CharField(max_length=10, choices=RiskRating.choices, blank=True)
    graduated_response = models.CharField(
        max_length=20, choices=GraduatedResponse.choices, blank=True
    )
    allegation_notified_on = models.DateField(
        "employee told of the allegations on", null=True, blank=True
    )
    response_due_on = models.DateField("employee's response due", null=True, blank=True)
    response_received_on = models.DateField("employee's response received", null=True, blank=True)
    action_taken = models.CharField(max_length=20, choices=ActionTaken.choices, blank=True)
    outcome_summary = models.TextField(blank=True, help_text="HR's record of the outcome.")
    reporter_message = models.TextField(
        blank=True, help_text="What the reporter is told at closure. Keep it neutral."
    )
    referred_to = models.CharField(max_length=200, blank=True)
    status_reason = models.TextField(
        blank=True, help_text="Reason given for the latest dismissal, withdrawal or reopening."
    )
    due_on = models.DateField(null=True, blank=True, help_text="When the current stage is due.")
    escalated_for = models.CharField(
        max_length=40,
        blank=True,
        editable=False,
        help_text="The stage and due date last escalated, so escalation happens once.",
    )
    triaged_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When triage first started."
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    disposed_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the case file was disposed of; only de-identified figures remain.",
    )

    intake_token = models.UUIDField(
        null=True,
        blank=True,
        editable=False,
        help_text="Identifies the intake form it came from, so a double-clicked save "
        "creates one draft.",
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
            ),
            models.UniqueConstraint(
                fields=["reporter", "intake_token"],
                condition=models.Q(intake_token__isnull=False),
                name="one_draft_per_intake_form",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-submitted_at", "-id"]),
            models.Index(fields=["subject", "submitted_at"]),
            models.Index(fields=["organisation", "status", "-submitted_at"]),
            models.Index(fields=["reporter", "-created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["organisation", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", kwargs={"pk": self.pk})

    def refresh_from_db(self, *args, **kwargs) -> None:
        self.__dict__.pop("_conflict_sets", None)  # memo kept by permissions.conflict_reason
        super().refresh_from_db(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()


class ReportedSection(models.Model):
    """A Code section the reporter chose. PROTECT: a section in use is never deleted."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE)
    section = models.ForeignKey(CodeSection, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "section"], name="unique_reported_section")
        ]
        # The work queue's section filter asks "which concerns carry this section?".
        indexes = [models.Index(fields=["section", "concern"], name="reported_section_lookup")]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.section_id}"


class ConfirmedSection(models.Model):
    """A Code section HR confirmed at triage, with the finding made on it."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="findings")
    section = models.ForeignKey(CodeSection, on_delete=models.PROTECT, related_name="+")
    finding = models.CharField(max_length=20, choices=Finding.choices, blank=True)

    class Meta:
        ordering = ["section__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["concern", "section"], name="unique_confirmed_section")
        ]
        indexes = [models.Index(fields=["section", "concern"], name="confirmed_section_lookup")]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.section_id} {self.finding}"


class SectionTag(models.Model):
    """Every Code section a concern carries, reported or confirmed, once per pair.

    Derived data, like an index: database triggers on ReportedSection and
    ConfirmedSection keep it (migration 0008, for PostgreSQL and SQLite), so every write
    path (forms, API, imports, the seeder's COPY, deletions) updates it and the
    application never writes it. It exists for one question, "which concerns carry
    section X?" (the work queue's and the dashboard's section filter): asked of one table
    it is a single semi-join that PostgreSQL can plan from whichever side is smaller;
    asked of two tables joined by OR it made PostgreSQL hash every row carrying X first
    (about 85 ms at 1,000,000 concerns, see bench/results/README.md).
    """

    concern = models.ForeignKey(
        Concern,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    section = models.ForeignKey(
        CodeSection,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["concern", "section"], name="unique_section_tag")
        ]
        indexes = [models.Index(fields=["section", "concern"], name="section_tag_lookup")]

    def __str__(self) -> str:
        return f"{self.concern_id}: {self.section_id}"


class Note(models.Model):
    """An internal HR note. Never shown to the reporter."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.concern_id}"


class ConflictDeclaration(models.Model):
    """Someone stepped aside from a concern. They may not handle or see it again."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["concern", "user"], name="unique_conflict")]

    def __str__(self) -> str:
        return f"{self.user_id} stepped aside from {self.concern_id}"


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
    derived = models.FileField(
        upload_to=evidence_path,
        max_length=200,
        blank=True,
        help_text="For images: a clean PNG re-encoded from the original, for viewing.",
    )
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
    # Set for a file the reporter added after submitting: part of that dated addition,
    # not of the concern as submitted.
    addition = models.ForeignKey(
        "ReporterAddition",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class DocumentKind(models.TextChoices):
    ALLEGATION_NOTICE = "allegation_notice", "Allegation notice"
    RESPONSE = "response", "Employee's response"
    INTERVIEW_RECORD = "interview_record", "Interview record"
    DECISION = "decision", "Decision"
    OTHER = "other", "Other"


def case_document_path(instance: CaseDocument, filename: str) -> str:
    """Like evidence_path: a random name with no extension, in its own folder."""
    now = timezone.now()
    return str(PurePosixPath("documents", f"{now:%Y}", f"{now:%m}", uuid.uuid4().hex))


class CaseDocument(models.Model):
    """A document the investigation produced (a letter, a response, an interview record,
    the decision). HR only; checked and hashed like evidence; disposed of with the concern."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    title = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to=case_document_path, max_length=200)
    derived = models.FileField(
        upload_to=case_document_path,
        max_length=200,
        blank=True,
        help_text="For images: a clean PNG re-encoded from the original, for viewing.",
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.original_name


class ReporterAddition(models.Model):
    """Further information the reporter gave after submitting: a note, files (Evidence
    rows pointing here), or both. The concern as submitted is never changed by it."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="additions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Addition {self.pk} to {self.concern_id}"


class ReporterQuestion(models.Model):
    """A question HR asked the reporter, and the reporter's answer. Kept apart from HR's
    internal notes: the reporter sees the exchange, never the notes."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="questions")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    asked_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return f"Question {self.pk} on {self.concern_id}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


# --- Letters from templates (incidents/letters) ---------------------------------------------
# An organisation's wording for each kind of letter (LetterTemplate, edited by its
# administrators); every save of it is kept as an immutable LetterTemplateVersion; a Letter
# is drafted from one version, edited by HR and issued as a CaseDocument (a PDF), after which
# it never changes.


class LetterKind(models.TextChoices):
    ALLEGATION_NOTICE = "allegation_notice", "Allegation notice"
    OUTCOME = "outcome", "Notice of outcome"
    REPORTER_CLOSURE = "reporter_closure", "Closing message to the person who logged it"


class LetterTemplate(models.Model):
    """The wording an organisation uses for one kind of letter, as its administrators keep
    it in the admin. Saving it makes a new LetterTemplateVersion (incidents.letters.services.
    letter_template_save); letters point at the version they were drafted from."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    letterhead = models.TextField(
        help_text="The lines at the top of every letter of this kind: the organisation's name, "
        "its address, a phone number or email for HR."
    )
    subject = models.CharField(max_length=200, help_text="The letter's heading.")
    body = models.TextField(
        help_text="The letter itself. Leave a blank line between paragraphs. Placeholders in "
        "double braces, such as {{ employee_name }}, are filled from the concern."
    )
    signatory_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who signs it. Leave empty to sign with the name of the person who issues it.",
    )
    signatory_title = models.CharField(max_length=200, blank=True, default="Human Resources")
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="one_letter_template_per_kind"
            )
        ]
        ordering = ["organisation", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} (version {self.version})"

    def clean(self) -> None:
        from incidents.letters.placeholders import template_errors

        errors = template_errors(self)
        if errors:
            from django.core.exceptions import ValidationError

            raise ValidationError(errors)


class LetterTemplateVersion(models.Model):
    """One saved state of a LetterTemplate, never changed or deleted once written: an issued
    letter shows the wording it was drafted from."""

    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    letterhead = models.TextField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="unique_letter_template_version"
            )
        ]
        ordering = ["template", "-number"]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A letter template's version is never changed once saved.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("A letter template's version is never deleted.")


class Letter(models.Model):
    """A letter about one concern: a draft HR edits, then, once issued, the text exactly as
    sent, with the PDF stored as a case document. Disposed of with the concern."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    template_version = models.ForeignKey(
        LetterTemplateVersion, on_delete=models.PROTECT, related_name="letters"
    )
    subject = models.CharField(max_length=200)
    text = models.TextField()
    # What HR gave when drafting it, kept so the issue can act on it.
    response_due_on = models.DateField("response due", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.CharField(max_length=200, blank=True)
    document = models.OneToOneField(
        CaseDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="letter"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["concern", "kind"],
                condition=models.Q(issued_at__isnull=True),
                name="one_letter_draft_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.concern_id}"

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None
