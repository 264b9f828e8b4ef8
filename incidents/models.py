"""Concerns about social media conduct, the people they are about, evidence and events."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
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
    REVIEW = "review", "Outcome under review"


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
    # Material from the employee's private account (issue 19): the reporter said so, or
    # the concern is about private use, and then said why it is relevant (the Information
    # Privacy Principles ask that collection be necessary and not unreasonably intrusive).
    # On the row itself, so HR's page shows it beside the file with no query of its own.
    private_account = models.BooleanField("from a private account", default=False)
    relevance = models.TextField("why it is relevant", blank=True)
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


# --- The case file: a PDF of everything held on one concern (incidents/casefile) ------


def case_file_path(instance: CaseFileJob, filename: str) -> str:
    """Like evidence_path: a random name with no extension, in its own folder."""
    now = timezone.now()
    return str(PurePosixPath("casefiles", f"{now:%Y}", f"{now:%m}", uuid.uuid4().hex))


class CaseFileJob(models.Model):
    """A case file HR asked for: built on a worker, offered to the person who asked for
    it alone, and deleted when it expires (CASE_FILE_KEEP_HOURS) or the concern is disposed
    of. `options` holds the purpose and what to leave out (incidents.casefile.options)."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired: its file was deleted"

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    options = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=case_file_path, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker claimed it; a stale claim is taken over."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"Case file {self.pk} ({self.state})"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


# --- Public interest disclosures: assessment, clocks and welfare (issue 19) ----------
#
# A restricted concern (a possible public interest disclosure, seen only by its
# coordinator) carries one DisclosureAssessment: the coordinator's assessment, the IBAC
# notification, the advice to the discloser and any written statement from the discloser
# that it is not to be treated as one, each with its date and, where there is one, a case
# document. The clocks are computed from `received_on` (incidents.disclosures.clocks) with
# the organisation's DisclosurePolicy (the Act's 28 days when none is set).


class PidAssessment(models.TextChoices):
    MAY_BE = "may_be", "May be a public interest disclosure"
    NOT = "not", "Is not a public interest disclosure"


class DisclosureAssessment(models.Model):
    concern = models.OneToOneField(
        Concern, on_delete=models.CASCADE, related_name="disclosure_assessment"
    )
    received_on = models.DateField(
        "disclosure received on", help_text="The day the clocks count from (not counted)."
    )
    assessment = models.CharField(max_length=10, choices=PidAssessment.choices, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    assessment_document = models.ForeignKey(
        CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ibac_notified_on = models.DateField("IBAC notified on", null=True, blank=True)
    ibac_document = models.ForeignKey(
        CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    discloser_advised_on = models.DateField(null=True, blank=True)
    advice_document = models.ForeignKey(
        CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opted_out_on = models.DateField(
        "discloser's written statement received on", null=True, blank=True
    )
    opt_out_document = models.ForeignKey(
        CaseDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The due date last reminded of, per clock, so each reminder is sent once (claimed with
    # a conditional update, like Concern.escalated_for).
    notify_reminded_for = models.CharField(max_length=20, blank=True, editable=False)
    advice_reminded_for = models.CharField(max_length=20, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Disclosure assessment of {self.concern_id}"


class WelfareFor(models.TextChoices):
    DISCLOSER = "discloser", "The person who made the disclosure"
    EMPLOYEE = "employee", "The employee concerned"


class WelfareContact(models.Model):
    """Someone named to look after the welfare of the discloser or of the employee
    concerned. Naming them gives them no access to the concern."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="welfare_contacts")
    for_whom = models.CharField(max_length=10, choices=WelfareFor.choices)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    named_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["named_at", "pk"]

    def __str__(self) -> str:
        return f"Welfare contact {self.pk} on {self.concern_id}"


class DisclosurePolicy(models.Model):
    """An organisation's timing and wording for possible public interest disclosures. Without
    one, the Public Interest Disclosures Act 2012's periods apply (DEFAULT_POLICY)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="disclosure_policy"
    )
    notify_days = models.PositiveSmallIntegerField(
        "days to notify IBAC",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        default=28,
        help_text="Calendar days after the disclosure was received (s 21: 28).",
    )
    advice_days = models.PositiveSmallIntegerField(
        "days to tell the discloser",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        default=28,
        help_text="Calendar days after receipt to tell the discloser whether IBAC was "
        "notified (s 24).",
    )
    opt_out_days = models.PositiveSmallIntegerField(
        "days the discloser has to opt out",
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        default=28,
        help_text="Calendar days after receipt in which the discloser may say in writing "
        "that it is not to be treated as a public interest disclosure (s 19: 28).",
    )
    reminder_days = models.PositiveSmallIntegerField(
        "reminder lead time (days)",
        validators=[MaxValueValidator(60)],
        default=7,
        help_text="The coordinator is reminded this many days before a step is due.",
    )
    handling_note = models.TextField(
        "what the coordinator is told on the concern page",
        blank=True,
        help_text="Leave blank for the standard wording.",
    )

    class Meta:
        verbose_name = "public interest disclosure policy"
        verbose_name_plural = "public interest disclosure policies"

    def __str__(self) -> str:
        return f"Disclosure policy of {self.organisation}"


# --- Issue 19: the Charter's proper consideration, and review of an outcome ----------------
#
# Charter of Human Rights and Responsibilities Act 2006 (Vic), s 38: at a decision that
# limits the employee's rights the decision-maker records how they considered those rights
# (incidents/charter.py says which decisions, the workflow's table when). An outcome issued
# at closure may be reviewed at the employee's request within the organisation's period.


class CharterStep(models.TextChoices):
    INVESTIGATION = "investigation", "Starting a formal investigation"
    FINDING = "finding", "An adverse finding"
    ACTION = "action", "A disciplinary action"


class DecisionDuties(models.Model):
    """An organisation's wording of the Charter prompts and its review period. Blank
    prompts mean the defaults in incidents/charter.py."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="decision_duties"
    )
    review_days = models.PositiveSmallIntegerField(
        "days to seek a review of an outcome",
        default=14,
        help_text="Counted in calendar days from the day the outcome is issued (closure).",
    )
    prompt_expression = models.TextField(
        "prompt: freedom of expression (s 15)", blank=True, help_text="Blank: the default."
    )
    prompt_privacy = models.TextField(
        "prompt: privacy and reputation (s 13)", blank=True, help_text="Blank: the default."
    )
    prompt_proportionality = models.TextField(
        "prompt: reasonable and proportionate limits (s 7(2))",
        blank=True,
        help_text="Blank: the default.",
    )

    class Meta:
        verbose_name = "Charter prompts and review period"
        verbose_name_plural = "Charter prompts and review periods"

    def __str__(self) -> str:
        return f"Charter prompts and review period of {self.organisation}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not 1 <= (self.review_days or 0) <= 90:
            raise ValidationError({"review_days": "Give a period of 1 to 90 days."})


class RightsConsideration(models.Model):
    """The decision-maker's record of the rights a decision limits (Charter s 38).

    `decision` names what was decided (the response, the adverse findings, the action), so
    a changed decision needs a fresh record; `current` is cleared when the concern is
    reopened, since the decisions are then made again."""

    concern = models.ForeignKey(
        Concern, on_delete=models.CASCADE, related_name="rights_considerations"
    )
    step = models.CharField(max_length=20, choices=CharterStep.choices)
    decision = models.CharField(max_length=500)
    expression = models.TextField("freedom of expression (s 15)")
    privacy = models.TextField("privacy and reputation (s 13)")
    proportionality = models.TextField("reasonable and proportionate (s 7(2))")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    current = models.BooleanField(default=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["concern", "step"], name="rights_consideration_step")]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.concern_id}"


class ReviewResult(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    VARIED = "varied", "Varied"
    SET_ASIDE = "set_aside", "Set aside"


class OutcomeReview(models.Model):
    """An outcome as issued at closure, the period to seek its review, and the review.

    Made when the outcome is issued; the request, reviewer and result are filled in as the
    review happens. The outcome as issued stays here; the concern carries the outcome
    that stands (the reviewed one, once varied or set aside), which the trends count."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="outcome_reviews")
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    review_due_on = models.DateField("a review may be sought until")
    requested_on = models.DateField("review requested on", null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result = models.CharField(max_length=20, choices=ReviewResult.choices, blank=True)
    reasons = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # {section code: finding} and the action, as issued and as they stand after the review
    original_findings = models.JSONField(default=dict)
    original_action_taken = models.CharField(max_length=20, blank=True)
    reviewed_findings = models.JSONField(default=dict, blank=True)
    reviewed_action_taken = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["concern", "-issued_at"], name="outcome_review_latest")]

    def __str__(self) -> str:
        return f"Outcome of {self.concern_id} issued {self.issued_at:%Y-%m-%d}"

    @property
    def is_requested(self) -> bool:
        return self.requested_on is not None

    @property
    def is_decided(self) -> bool:
        return bool(self.result)


# --- Interim measures during an investigation (issue 19) -------------------------------


class InterimMeasureKind(models.TextChoices):
    OFFICIAL_ACCOUNT = "official_account", "Removed from managing an official account"
    TAKE_DOWN = "take_down", "Asked to take a post down"
    OTHER_DUTIES = "other_duties", "Moved to other duties"
    OTHER = "other", "Other"
    NONE = "none", "None (decided that no interim measure is needed)"


class InterimMeasure(models.Model):
    """A step taken about the employee while the concern is looked into, with why, from
    when, and when it is next reviewed; ended with a date and a reason. A reminder goes to
    the investigator and the case managers once its review date has passed
    (`incidents.casework.interim.remind_interim_reviews`)."""

    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="interim_measures")
    kind = models.CharField(max_length=20, choices=InterimMeasureKind.choices)
    other = models.CharField("the measure", max_length=200, blank=True)
    reason = models.TextField()
    starts_on = models.DateField()
    review_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_for = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="The review date last reminded about, so each reminder is sent once.",
    )

    class Meta:
        ordering = ["starts_on", "pk"]
        indexes = [
            # The reminder job: measures still in place whose review date has passed.
            models.Index(
                fields=["review_on"],
                condition=models.Q(ended_on__isnull=True),
                name="interim_measure_review_due",
            )
        ]

    def __str__(self) -> str:
        return f"Interim measure {self.pk} on {self.concern_id}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    @property
    def label(self) -> str:
        if self.kind == InterimMeasureKind.OTHER and self.other:
            return self.other
        return self.get_kind_display()


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
