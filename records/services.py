"""Writes for retention and disposal. Every one leaves an event on the concern.

- `schedule_retention` / `cancel_retention`: called by `incidents.workflow.transition`
  when a concern reaches or leaves a final status; nothing else sets a schedule.
- `list_due_disposals`: the daily job; lists schedules that fell due and tells the
  organisation's HR managers. Idempotent.
- `legal_hold_place` / `legal_hold_release`: HR managers; a hold stops disposal.
- `disposal_approve`: an HR manager approves listed concerns; disposal runs after commit.
- `concern_dispose`: destroys evidence files, case documents (files and titles) and
  the previews made of them, notes, HR's questions to the reporter and the
  reporter's additions, links, conflict reasons, the
  employee's details and the narrative; redacts the concern's events; keeps the
  de-identified fields the trend reports count; writes the register entry. Runs once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, Role, User
from audit.chain import record_event, redact_concern_events
from audit.models import AccessRecord, EventKind
from config.errors import Refused
from incidents.evidence.previews import delete_previews
from incidents.models import (
    ADVERSE_FINDINGS,
    FINAL_STATUSES,
    CaseDocument,
    CaseFileJob,
    Concern,
    ConfirmedSection,
    Evidence,
    Person,
    Status,
)
from operations.queueing import queue_on_commit

from . import permissions
from .models import (
    DEFAULT_RETENTION,
    DisposalRecord,
    LegalHold,
    Outcome,
    RetentionRule,
    RetentionSchedule,
)

logger = logging.getLogger(__name__)


# --- Scheduling (called from the workflow) -------------------------------------------


def outcome_of(concern: Concern) -> str:
    if concern.status == Status.CLOSED:
        adverse = ConfirmedSection.objects.filter(
            concern=concern, finding__in=ADVERSE_FINDINGS
        ).exists()
        return Outcome.SUBSTANTIATED if adverse else Outcome.NOT_SUBSTANTIATED
    return {
        Status.DISMISSED: Outcome.DISMISSED,
        Status.WITHDRAWN: Outcome.WITHDRAWN,
        Status.REFERRED: Outcome.REFERRED,
    }[concern.status]


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def schedule_retention(concern: Concern) -> RetentionSchedule:
    """Give a concern that has just reached a final status its class and disposal date."""
    if concern.status not in FINAL_STATUSES or concern.closed_at is None:
        # Only the workflow calls this, on entering a final status: anything else is a bug.
        raise RuntimeError("Only a closed concern has a retention schedule.")
    outcome = outcome_of(concern)
    rule = RetentionRule.objects.filter(
        organisation_id=concern.organisation_id, outcome=outcome
    ).first()
    if rule is not None:
        retention_class, authority, years = rule.retention_class, rule.authority, rule.years
    else:
        (retention_class, years), authority = DEFAULT_RETENTION[outcome], ""
    closed_on = timezone.localdate(concern.closed_at)
    schedule, _ = RetentionSchedule.objects.update_or_create(
        concern=concern,
        defaults={
            "organisation_id": concern.organisation_id,
            "outcome": outcome,
            "retention_class": retention_class,
            "authority": authority,
            "years": years,
            "closed_on": closed_on,
            "disposal_due_on": add_years(closed_on, years),
            "listed_at": None,
            "approved_by": None,
            "approved_at": None,
            "approval_note": "",
        },
    )
    return schedule


def cancel_retention(concern: Concern) -> None:
    """A reopened concern is open again: it has no disposal date until it closes."""
    RetentionSchedule.objects.filter(concern=concern, disposed_at__isnull=True).delete()


# --- The daily listing ---------------------------------------------------------------


def list_due_disposals(*, today: dt.date | None = None) -> int:
    """List schedules that fell due, and tell each organisation's HR managers once a day.

    Claims rows with a conditional update, so running it twice lists nothing twice.
    Returns how many schedules were newly listed.
    """
    from notifications.services import notify

    today = today or timezone.localdate()
    now = timezone.now()
    due = RetentionSchedule.objects.filter(
        disposal_due_on__lte=today, listed_at__isnull=True, disposed_at__isnull=True
    )
    organisations = set(due.values_list("organisation_id", flat=True))
    listed = 0
    for organisation_id in sorted(organisations):
        with transaction.atomic():
            count = due.filter(organisation_id=organisation_id).update(listed_at=now)
            if not count:
                continue
            listed += count
            managers = User.objects.filter(
                organisation_id=organisation_id,
                is_active=True,
                role_grants__role=Role.HR_MANAGER,
            ).distinct()
            notify(
                recipients=managers,
                kind="disposal_due",
                dedupe_key_suffix=f"{organisation_id}:{today.isoformat()}",
            )
    return listed


# --- Legal holds ---------------------------------------------------------------------


def active_hold(concern: Concern) -> LegalHold | None:
    return LegalHold.objects.filter(concern=concern, released_at__isnull=True).first()


@transaction.atomic
def legal_hold_place(*, concern: Concern, actor: User, reason: str) -> LegalHold:
    if not permissions.can_place_legal_hold(actor, concern):
        raise Refused("You are not allowed to place a legal hold on this concern.")
    reason = reason.strip()
    if not reason:
        raise Refused("Please say why the record must be held.")
    Concern.objects.select_for_update().filter(pk=concern.pk).first()
    if active_hold(concern) is not None:
        raise Refused("This concern is already on legal hold.")
    hold = LegalHold.objects.create(concern=concern, reason=reason, placed_by=actor)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=EventKind.LEGAL_HOLD_PLACED,
        after={"hold": hold.pk, "reason": reason},
    )
    return hold


@transaction.atomic
def legal_hold_release(*, concern: Concern, actor: User, reason: str) -> LegalHold:
    if not permissions.can_place_legal_hold(actor, concern):
        raise Refused("You are not allowed to release a legal hold on this concern.")
    reason = reason.strip()
    if not reason:
        raise Refused("Please say why the hold can be released.")
    hold = (
        LegalHold.objects.select_for_update()
        .filter(concern=concern, released_at__isnull=True)
        .first()
    )
    if hold is None:
        raise Refused("This concern is not on legal hold.")
    hold.released_by, hold.released_at, hold.release_reason = actor, timezone.now(), reason
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=EventKind.LEGAL_HOLD_RELEASED,
        before={"hold": hold.pk},
        after={"reason": reason},
    )
    return hold


# --- Approval ------------------------------------------------------------------------


def disposal_approve(*, actor: User, concern_ids: Iterable[int], note: str) -> list[int]:
    """Approve the disposal of listed concerns this HR manager handles.

    All or nothing: if any chosen concern cannot be approved, nothing is, and the
    message names it. Disposal itself runs after the approval commits.
    """
    from .tasks import dispose_concern

    note = note.strip()
    if not note:
        raise Refused("Please record the authority or reason for the disposal.")
    ids = sorted(set(concern_ids))
    if not ids:
        raise Refused("Choose at least one concern to dispose of.")
    now = timezone.now()
    with transaction.atomic():
        schedules = list(
            RetentionSchedule.objects.select_for_update(of=("self",))
            .select_related("concern", "concern__organisation", "concern__subject")
            .filter(concern_id__in=ids)
            .order_by("concern_id")
        )
        found = {schedule.concern_id for schedule in schedules}
        if found != set(ids):
            raise Refused("Some of the chosen concerns are not due for disposal.")
        held = set(
            LegalHold.objects.filter(concern_id__in=ids, released_at__isnull=True).values_list(
                "concern_id", flat=True
            )
        )
        for schedule in schedules:
            concern = schedule.concern
            if not permissions.can_approve_disposal(actor, concern):
                raise Refused("Some of the chosen concerns are not due for disposal.")
            if schedule.disposed_at is not None or schedule.listed_at is None:
                raise Refused(f"{concern.reference} is not listed for disposal.")
            if schedule.approved_at is not None:
                raise Refused(f"{concern.reference} is already approved for disposal.")
            if concern.pk in held:
                raise Refused(f"{concern.reference} is on legal hold: it cannot be disposed of.")
            schedule.approved_by, schedule.approved_at, schedule.approval_note = actor, now, note
            schedule.save(update_fields=["approved_by", "approved_at", "approval_note"])
            record_event(
                organisation_id=concern.organisation_id,
                concern=concern,
                actor=actor,
                kind=EventKind.DISPOSAL_APPROVED,
                after={"note": note, "retention_class": schedule.retention_class},
            )
        for concern_id in ids:
            queue_on_commit(dispose_concern, concern_id)
    return ids


# --- Disposal ------------------------------------------------------------------------


@dataclass(frozen=True)
class Disposal:
    record: DisposalRecord
    files: tuple[str, ...]
    previews: tuple[tuple[str, int], ...] = ()  # (kind, id) whose stored previews go too


def _next_number(organisation: Organisation, year: int) -> str:
    taken = DisposalRecord.objects.filter(
        organisation=organisation, number__startswith=f"DR-{year}-"
    ).count()
    return f"DR-{year}-{taken + 1:05d}"


def concern_dispose(concern_id: int) -> DisposalRecord | None:
    """Dispose of one approved concern. Returns the register entry, or None if there is
    nothing to do (already disposed, not approved, or on legal hold). Safe to repeat."""
    with transaction.atomic():
        schedule = (
            RetentionSchedule.objects.select_for_update()
            .filter(concern_id=concern_id, approved_at__isnull=False, disposed_at__isnull=True)
            .first()
        )
        if schedule is None:
            return None
        if LegalHold.objects.filter(concern_id=concern_id, released_at__isnull=True).exists():
            logger.info("Disposal of concern %s skipped: it is on legal hold", concern_id)
            return None
        organisation = Organisation.objects.select_for_update().get(pk=schedule.organisation_id)
        disposal = _dispose(schedule, organisation)
    # Files go only once the database no longer points at them.
    for name in disposal.files:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete a disposed evidence file; remove it by hand")
    for kind, pk in disposal.previews:
        try:
            delete_previews(kind, pk)
        except OSError:
            logger.exception("Could not delete a disposed file's previews; remove them by hand")
    return disposal.record


def _dispose(schedule: RetentionSchedule, organisation: Organisation) -> Disposal:
    now = timezone.now()
    concern = Concern.objects.select_for_update().get(pk=schedule.concern_id)
    number = _next_number(organisation, timezone.localdate(now).year)

    evidence = list(Evidence.objects.filter(concern=concern))
    files = tuple(name for item in evidence for name in (item.file.name, item.derived.name) if name)
    hashes = [item.sha256 for item in evidence]
    Evidence.objects.filter(concern=concern).delete()
    documents = list(CaseDocument.objects.filter(concern=concern))
    files += tuple(
        name for item in documents for name in (item.file.name, item.derived.name) if name
    )
    previews = tuple(("evidence", item.pk) for item in evidence) + tuple(
        ("document", item.pk) for item in documents
    )
    concern.letters.all().delete()  # drafts and issued letters' text (issued ones' PDFs above)
    CaseDocument.objects.filter(concern=concern).delete()
    # Case files produced of it (PDFs) go with the rest.
    case_files = CaseFileJob.objects.filter(concern=concern)
    files += tuple(name for name in case_files.values_list("file", flat=True) if name)
    case_files.delete()
    notes_destroyed, _ = concern.notes.all().delete()
    # The exchange with the reporter goes with the notes (their files went with the evidence).
    exchange_destroyed = concern.questions.all().delete()[0] + concern.additions.all().delete()[0]
    concern.links.all().delete()
    concern.conflicts.all().delete()
    # Issue 19: the Charter records' words go; a review keeps the outcomes (trend figures).
    concern.rights_considerations.all().delete()
    concern.outcome_reviews.update(reasons="")
    AccessRecord.objects.filter(concern=concern).update(detail="")

    subject_id = concern.subject_id
    Concern.objects.filter(pk=concern.pk).update(
        reporter=None,
        subject=None,
        assignee=None,
        description="",
        platform_name="",
        context_answers={},
        outcome_summary="",
        reporter_message="",
        status_reason="",
        intake_token=None,
        disposed_at=now,
        version=concern.version + 1,
    )
    if subject_id is not None:
        still_used = Concern.objects.filter(subject_id=subject_id).exists()
        if not still_used:
            Person.objects.filter(pk=subject_id).delete()
    concern.refresh_from_db()

    events_redacted = redact_concern_events(concern, disposal=number)
    record = DisposalRecord.objects.create(
        organisation=organisation,
        number=number,
        concern=concern,
        reference=concern.reference,
        outcome=schedule.outcome,
        retention_class=schedule.retention_class,
        authority=schedule.authority,
        closed_on=schedule.closed_on,
        disposal_due_on=schedule.disposal_due_on,
        approved_by_id=schedule.approved_by_id,
        approved_at=schedule.approved_at,
        approval_note=schedule.approval_note,
        disposed_at=now,
        evidence_destroyed=len(evidence),
        evidence_sha256=hashes,
        documents_destroyed=len(documents),
        documents_sha256=[item.sha256 for item in documents],
        notes_destroyed=notes_destroyed,
        events_redacted=events_redacted,
    )
    schedule.disposed_at = now
    schedule.save(update_fields=["disposed_at"])
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=schedule.approved_by,
        kind=EventKind.DISPOSED,
        after={
            "register": number,
            "evidence_destroyed": len(evidence),
            "documents_destroyed": len(documents),
            "notes_destroyed": notes_destroyed,
            "reporter_exchange_destroyed": exchange_destroyed,
            "events_redacted": events_redacted,
        },
    )
    return Disposal(record=record, files=files, previews=previews)
