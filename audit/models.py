"""The event record: every change to a concern or to the records about it, in one
append-only, hash-chained table per organisation, and who opened what.

Every app writes here through `audit.chain.record_event`; the tables kept the names
they had when they lived in `incidents` (the rows did not move).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import Organisation


class EventKind(models.TextChoices):
    """Every kind of event, with the words the timeline shows for it."""

    # A concern's own life
    CREATED = "created", "Draft created"
    UPDATED = "updated", "Draft edited"
    STATUS_CHANGED = "status_changed", "Status changed"
    REFERENCE_ISSUED = "reference_issued", "Reference issued"
    EVIDENCE_ADDED = "evidence_added", "Evidence attached"
    EVIDENCE_DOWNLOADED = "evidence_downloaded", "Evidence downloaded"
    EVIDENCE_INTEGRITY_FAILED = (
        "evidence_integrity_failed",
        "Evidence failed its integrity check",
    )
    DRAFT_DISCARDED = "draft_discarded", "Draft discarded by its author"
    REPORTER_ADDED = "reporter_added", "Further information added by the reporter"
    QUESTION_ASKED = "question_asked", "Question sent to the reporter"
    QUESTION_ANSWERED = "question_answered", "Reporter answered a question"
    # Casework
    TRIAGE_RECORDED = "triage_recorded", "Triage recorded"
    ASSIGNED = "assigned", "Assigned"
    STEPPED_ASIDE = "stepped_aside", "Investigator stepped aside"
    REPORTING_LINE_RECORDED = "reporting_line_recorded", "Reporting line recorded"
    FAIRNESS_RECORDED = "fairness_recorded", "Procedural fairness steps recorded"
    FINDINGS_RECORDED = "findings_recorded", "Findings recorded"
    NOTE_ADDED = "note_added", "Note added"
    CASE_DOCUMENT_ADDED = "case_document_added", "Case document attached"
    CASE_DOCUMENT_DOWNLOADED = "case_document_downloaded", "Case document downloaded"
    CASE_DOCUMENT_INTEGRITY_FAILED = (
        "case_document_integrity_failed",
        "Case document failed its integrity check",
    )
    # The case file (incidents/casefile)
    CASE_FILE_REQUESTED = "case_file_requested", "Case file requested"
    CASE_FILE_DOWNLOADED = "case_file_downloaded", "Case file downloaded"
    RESTRICTED = "restricted", "Restricted as a possible public interest disclosure"
    ESCALATED = "escalated", "Escalated as overdue"
    MATTER_LINKED = "matter_linked", "Linked as the same matter"
    MATTER_UNLINKED = "matter_unlinked", "Unlinked from the matter"
    # Public interest disclosures (incidents.disclosures)
    DISCLOSURE_ASSESSED = "disclosure_assessed", "Disclosure assessment recorded"
    DISCLOSURE_IBAC_NOTIFIED = "disclosure_ibac_notified", "Notification to IBAC recorded"
    DISCLOSURE_DISCLOSER_ADVISED = (
        "disclosure_discloser_advised",
        "Discloser told whether IBAC was notified",
    )
    DISCLOSURE_OPTED_OUT = (
        "disclosure_opted_out",
        "Discloser's statement that it is not a disclosure recorded",
    )
    DISCLOSURE_REMINDED = "disclosure_reminded", "Coordinator reminded of a step coming due"
    WELFARE_CONTACT_NAMED = "welfare_contact_named", "Welfare contact named"
    # Issue 19: the Charter's proper consideration, and review of an outcome
    RIGHTS_CONSIDERED = "rights_considered", "Human rights considered (Charter s 38)"
    OUTCOME_ISSUED = "outcome_issued", "Outcome issued, with the period to seek a review"
    OUTCOME_REVIEWED = "outcome_reviewed", "Outcome reviewed"
    # Interim measures during an investigation (issue 19)
    INTERIM_RECORDED = "interim_recorded", "Interim measure recorded"
    INTERIM_ENDED = "interim_ended", "Interim measure ended"
    INTERIM_REVIEW_DUE = "interim_review_due", "Interim measure due for review"
    # Reporting and access requests
    REPORT_EXPORTED = "report_exported", "Report exported"
    PERSON_EXPORTED = "person_exported", "Access-request export of an employee's records"
    # Records management
    LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
    LEGAL_HOLD_RELEASED = "legal_hold_released", "Legal hold released"
    DISPOSAL_APPROVED = "disposal_approved", "Disposal approved"
    DISPOSED = "disposed", "Record disposed of"
    # Spreadsheet imports
    IMPORTED = "imported", "Imported from a spreadsheet"
    IMPORT_CONFIRMED = "import_confirmed", "Spreadsheet import confirmed"
    IMPORT_FINISHED = "import_finished", "Spreadsheet import finished"
    IMPORT_EXPIRED = (
        "import_expired",
        "Spreadsheet import expired unconfirmed; its file was deleted",
    )
    # Access for systems
    API_TOKEN_CREATED = "api_token_created", "API token created"
    API_TOKEN_REVOKED = "api_token_revoked", "API token revoked"
    SERVICE_IDENTITY_CREATED = "service_identity_created", "Service identity created"
    SERVICE_IDENTITY_CHANGED = "service_identity_changed", "Service identity changed"
    # The organisation's case handling
    SECOND_APPROVER_CHANGED = "second_approver_changed", "Second approver named or changed"
    PID_COORDINATOR_CHANGED = (
        "pid_coordinator_changed",
        "Coordinator of possible public interest disclosures named or changed",
    )
    # People's roles, granted in the admin or mapped from the identity provider at sign-in
    ROLES_CHANGED = "roles_changed", "Roles granted or removed"
    HEADCOUNT_RECORDED = "headcount_recorded", "Headcount recorded (concerns per 100 staff)"
    # Letters from templates (incidents/letters)
    LETTER_TEMPLATE_SAVED = "letter_template_saved", "Letter template saved as a new version"
    LETTER_DRAFTED = "letter_drafted", "Letter drafted"
    LETTER_EDITED = "letter_edited", "Letter draft edited"
    LETTER_ISSUED = "letter_issued", "Letter issued"


class EventChainHead(models.Model):
    """The latest link of each organisation's event chain; locked while appending."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        db_table = "incidents_eventchainhead"

    def __str__(self) -> str:
        return f"{self.organisation_id}@{self.seq}"


class Event(models.Model):
    """Append-only record of every change: who, when, what, before and after."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    concern = models.ForeignKey(
        "incidents.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=EventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    # Tamper evidence: each event's hash covers its content and the previous hash
    # in its organisation's chain (see audit/chain.py).
    seq = models.PositiveBigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        db_table = "incidents_event"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["concern", "at"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seq"], name="unique_event_seq")
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Events are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Events are append-only and cannot be deleted.")

    @property
    def label(self) -> str:
        try:
            return EventKind(self.kind).label
        except ValueError:  # a kind from a later version read by an earlier one
            return self.kind.replace("_", " ").capitalize()


class AccessRecord(models.Model):
    """Who opened a concern or one of its files, and who read this log. Never edited."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Opened the concern"
        DOWNLOADED = "downloaded", "Downloaded a file"
        PREVIEWED = "previewed", "Viewed a file's preview"
        LOG_READ = "log_read", "Read this access log"

    concern = models.ForeignKey(
        "incidents.Concern", on_delete=models.CASCADE, related_name="access_records"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    detail = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "incidents_accessrecord"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["concern", "-at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.concern_id}"
