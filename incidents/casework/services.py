"""HR's writes on a submitted concern: triage, assignment, fairness steps, findings,
notes, restriction, and the workflow actions with their notifications.

Every function is atomic, checks the permission module, and leaves an event.
Status changes go through `workflow.transition()` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from guidance.models import CodeSection
from incidents import charter, permissions, workflow
from incidents.models import (
    ADVERSE_FINDINGS,
    OPEN_STATUSES,
    Concern,
    ConfirmedSection,
    ConflictDeclaration,
    Note,
    Status,
)
from notifications.models import Kind
from notifications.services import notify


def _lock(concern: Concern, expected_version: int | None) -> Concern:
    locked = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation", "subject")
        .get(pk=concern.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Refused(
            "Someone else changed this concern while you were working on it. Your entries are "
            "still in the form: reload the concern in another tab, compare, then save again."
        )
    return locked


def _bump(concern: Concern, **fields) -> Concern:
    Concern.objects.filter(pk=concern.pk).update(version=F("version") + 1, **fields)
    concern.refresh_from_db()
    return concern


def _require(
    allowed: bool, message: str = "You are not allowed to do that to this concern."
) -> None:
    if not allowed:
        raise Refused(message)


# --- Workflow actions ------------------------------------------------------------------


def concern_act(
    *,
    concern: Concern,
    actor,
    action: str,
    expected_version: int,
    inputs: dict[str, str] | None = None,
) -> Concern:
    """Apply a named workflow action; its effects (emails included) are the workflow's."""
    with transaction.atomic():
        locked = _lock(concern, None)
        return workflow.transition(
            concern=locked,
            action=action,
            actor=actor,
            expected_version=expected_version,
            inputs=inputs,
        )


# --- Triage ---------------------------------------------------------------------------


@dataclass
class TriageData:
    graduated_response: str
    risk_rating: str
    sections: Sequence[CodeSection]


@transaction.atomic
def concern_record_triage(
    *, concern: Concern, actor, data: TriageData, expected_version: int
) -> Concern:
    locked = _lock(concern, expected_version)
    _require(permissions.can_work_on(actor, locked))
    if locked.status not in (Status.SUBMITTED, Status.TRIAGE):
        raise Refused("Triage can be recorded only before the investigation starts.")
    before = {
        "graduated_response": locked.graduated_response,
        "risk_rating": locked.risk_rating,
        "confirmed_sections": sorted(locked.findings.values_list("section__code", flat=True)),
    }
    wanted = {section.pk for section in data.sections}
    locked.findings.exclude(section_id__in=wanted).delete()
    existing = set(locked.findings.values_list("section_id", flat=True))
    ConfirmedSection.objects.bulk_create(
        ConfirmedSection(concern=locked, section_id=pk) for pk in wanted - existing
    )
    locked = _bump(locked, graduated_response=data.graduated_response, risk_rating=data.risk_rating)
    after = {
        "graduated_response": locked.graduated_response,
        "risk_rating": locked.risk_rating,
        "confirmed_sections": sorted(locked.findings.values_list("section__code", flat=True)),
    }
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.TRIAGE_RECORDED,
        before=before,
        after=after,
    )
    return locked


# --- Assignment and conflicts ------------------------------------------------------------


@transaction.atomic
def concern_assign(*, concern: Concern, actor, assignee, expected_version: int | None) -> Concern:
    locked = _lock(concern, expected_version)
    _require(permissions.can_assign(actor, locked))
    reason = permissions.assignment_conflict(assignee, locked)
    if reason:
        raise Refused(reason)
    if locked.assignee_id == assignee.pk:
        return locked
    before = {"assignee": locked.assignee_id}
    locked = _bump(locked, assignee=assignee)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.ASSIGNED,
        before=before,
        after={"assignee": assignee.pk},
    )
    notify(
        recipients=[assignee],
        kind=Kind.ASSIGNED,
        concern=locked,
        dedupe_key_suffix=str(locked.version),
    )
    return locked


@dataclass(frozen=True)
class BulkResult:
    assigned: list[str]
    refused: list[tuple[str, str]]


def concerns_assign_many(*, concerns: Iterable[Concern], actor, assignee) -> BulkResult:
    """Assign several concerns; each one succeeds or is refused with its own reason."""
    assigned, refused = [], []
    for concern in concerns:
        try:
            concern_assign(concern=concern, actor=actor, assignee=assignee, expected_version=None)
        except Refused as exc:
            refused.append((concern.reference, str(exc)))
        else:
            assigned.append(concern.reference)
    return BulkResult(assigned, refused)


@transaction.atomic
def concern_step_aside(*, concern: Concern, actor, reason: str) -> Concern:
    locked = _lock(concern, None)
    _require(permissions.can_step_aside(actor, locked))
    if not reason.strip():
        raise Refused("Please say why you are stepping aside.")
    ConflictDeclaration.objects.create(concern=locked, user=actor, reason=reason.strip())
    locked = _bump(locked, assignee=None)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.STEPPED_ASIDE,
        before={"assignee": actor.pk},
        after={"assignee": None, "reason": reason.strip()},
    )
    notify(
        recipients=permissions.managers_to_notify(locked),
        kind=Kind.ESCALATED,
        concern=locked,
        dedupe_key_suffix=f"aside-{actor.pk}",
    )
    return locked


@transaction.atomic
def person_set_reporting_line(*, concern: Concern, actor, managers: Sequence) -> Concern:
    locked = _lock(concern, None)
    _require(permissions.can_edit_reporting_line(actor, locked))
    person = locked.subject
    before = sorted(person.reporting_line.values_list("pk", flat=True))
    person.reporting_line.set(managers)
    after = sorted(person.reporting_line.values_list("pk", flat=True))
    if locked.assignee_id in after:
        locked = _bump(locked, assignee=None)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.REPORTING_LINE_RECORDED,
        before={"reporting_line": before},
        after={"reporting_line": after},
    )
    return locked


# --- Procedural fairness, findings, outcome -----------------------------------------------


@dataclass
class FairnessData:
    allegation_notified_on: dt.date | None
    response_due_on: dt.date | None
    response_received_on: dt.date | None


def _require_investigation_open(actor, concern: Concern, elsewhere: str) -> None:
    """Fairness steps and findings are written under investigation only: sent for
    decision, the record the decision rests on stays as it was sent."""
    if concern.status == Status.DECISION:
        raise Refused(permissions.INVESTIGATION_LOCKED)
    if concern.status != Status.INVESTIGATION:
        raise Refused(elsewhere)
    _require(permissions.can_edit_investigation(actor, concern))


@transaction.atomic
def concern_record_fairness(
    *, concern: Concern, actor, data: FairnessData, expected_version: int
) -> Concern:
    locked = _lock(concern, expected_version)
    _require_investigation_open(actor, locked, "These steps are recorded during the investigation.")
    fields = ("allegation_notified_on", "response_due_on", "response_received_on")
    before = {name: getattr(locked, name) for name in fields}
    after = {name: getattr(data, name) for name in fields}
    locked = _bump(locked, **after)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.FAIRNESS_RECORDED,
        before=before,
        after=after,
    )
    return locked


@dataclass
class FindingsData:
    findings: dict[int, str]  # confirmed section id -> Finding value ("" for none yet)
    action_taken: str
    outcome_summary: str
    # The Charter consideration (s 38), needed for an adverse finding or a disciplinary
    # action not considered yet (incidents.charter).
    rights: charter.Answers | None = None


@transaction.atomic
def concern_record_findings(
    *, concern: Concern, actor, data: FindingsData, expected_version: int
) -> Concern:
    locked = _lock(concern, expected_version)
    _require_investigation_open(actor, locked, "Findings are recorded during the investigation.")
    rows = {row.section_id: row for row in locked.findings.select_related("section")}
    adverse = any(value in ADVERSE_FINDINGS for value in data.findings.values())
    if adverse and locked.allegation_notified_on is None:
        raise Refused(
            "A breach cannot be found substantiated until the employee has been told of the "
            "allegations and given a chance to respond. Record the date they were told first."
        )
    if (
        adverse
        and locked.response_received_on is None
        and (locked.response_due_on is None or locked.response_due_on >= timezone.localdate())
    ):
        raise Refused(
            "The employee's chance to respond has not ended: record their response, or wait "
            "until the response date has passed."
        )
    charter.record(
        concern=locked,
        actor=actor,
        steps=(charter.STEP.FINDING, charter.STEP.ACTION),
        answers=data.rights,
        findings={pk: data.findings.get(pk, rows[pk].finding) for pk in rows},
        action_taken=data.action_taken,
    )
    before = {rows[pk].section.code: rows[pk].finding for pk in rows}
    for pk, value in data.findings.items():
        if pk in rows and rows[pk].finding != value:
            rows[pk].finding = value
            rows[pk].save(update_fields=["finding"])
    before.update(action_taken=locked.action_taken, outcome_summary=locked.outcome_summary)
    locked = _bump(locked, action_taken=data.action_taken, outcome_summary=data.outcome_summary)
    after = {rows[pk].section.code: rows[pk].finding for pk in rows}
    after.update(action_taken=locked.action_taken, outcome_summary=locked.outcome_summary)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.FINDINGS_RECORDED,
        before=before,
        after=after,
    )
    return locked


# --- Notes and restriction ----------------------------------------------------------------


@transaction.atomic
def note_add(*, concern: Concern, actor, text: str) -> Note:
    _require(permissions.can_add_note(actor, concern))
    text = text.strip()
    if not text:
        raise Refused("The note is empty.")
    note = Note.objects.create(concern=concern, author=actor, text=text)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=EventKind.NOTE_ADDED,
        after={"note": note.pk, "length": len(text)},
    )
    return note


@transaction.atomic
def concern_restrict(*, concern: Concern, actor, reason: str) -> Concern:
    """Possible public interest disclosure: lock the concern to the coordinator now.

    Who could see it until now stays in the event record.
    """
    locked = _lock(concern, None)
    if actor is not None:
        _require(permissions.can_flag_pid(actor, locked))
    if locked.restricted:
        return locked
    coordinator_id = locked.organisation.pid_coordinator_id
    previous_assignee = locked.assignee_id
    keep = coordinator_id is not None and previous_assignee == coordinator_id
    locked = _bump(locked, restricted=True, assignee_id=previous_assignee if keep else None)
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.RESTRICTED,
        before={"restricted": False, "assignee": previous_assignee},
        after={"restricted": True, "assignee": locked.assignee_id, "reason": reason},
    )
    return locked


# --- Overdue and escalation ------------------------------------------------------------------


def escalate_overdue(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Tell the assignee and the case managers about each overdue concern, once per stage.

    A concern is claimed with a conditional update on `escalated_for`, so two runs at
    once (or a rerun) escalate it once.
    """
    today = today or timezone.localdate()
    overdue = (
        Concern.objects.filter(status__in=OPEN_STATUSES, due_on__lt=today)
        .select_related("organisation")
        .order_by("due_on", "pk")[:limit]
    )
    count = 0
    for concern in overdue:
        key = f"{concern.status}:{concern.due_on.isoformat()}"
        if concern.escalated_for == key:
            continue
        with transaction.atomic():
            claimed = (
                Concern.objects.filter(pk=concern.pk, status=concern.status, due_on=concern.due_on)
                .exclude(escalated_for=key)
                .update(escalated_for=key)
            )
            if not claimed:
                continue
            record_event(
                organisation_id=concern.organisation_id,
                concern=concern,
                actor=None,
                kind=EventKind.ESCALATED,
                after={"stage": concern.status, "due_on": concern.due_on.isoformat()},
            )
            managers = list(permissions.managers_to_notify(concern))
            notify(recipients=managers, kind=Kind.ESCALATED, concern=concern, dedupe_key_suffix=key)
            if concern.assignee_id:
                notify(
                    recipients=[concern.assignee],
                    kind=Kind.OVERDUE,
                    concern=concern,
                    dedupe_key_suffix=key,
                )
        count += 1
    return count


# --- Review of an outcome (issue 19) -------------------------------------------------------


def outcome_review_request(
    *, concern: Concern, actor, requested_on: dt.date, reviewer, expected_version: int
) -> Concern:
    """Record the employee's request for a review and its reviewer (the workflow's
    `request_review`, which checks the period and the reviewer)."""
    return concern_act(
        concern=concern,
        actor=actor,
        action="request_review",
        expected_version=expected_version,
        inputs={"requested_on": requested_on.isoformat(), "reviewer": str(reviewer.pk)},
    )


def outcome_review_decide(
    *,
    concern: Concern,
    actor,
    action: str,
    reason: str,
    expected_version: int,
    findings: dict[str, str] | None = None,
    action_taken: str = "",
) -> Concern:
    """The reviewer's result: `action` is confirm_on_review, vary_on_review or
    set_aside_on_review; a variation gives the findings (by section code) and action."""
    from incidents.models import OutcomeReview

    if action not in ("confirm_on_review", "vary_on_review", "set_aside_on_review"):
        raise Refused("That is not a result of a review.")
    with transaction.atomic():
        locked = _lock(concern, None)
        if action == "vary_on_review":
            OutcomeReview.objects.filter(
                concern_id=locked.pk, issued_at=locked.closed_at, result=""
            ).update(reviewed_findings=findings or {}, reviewed_action_taken=action_taken)
        return workflow.transition(
            concern=locked,
            action=action,
            actor=actor,
            expected_version=expected_version,
            inputs={"reason": reason},
        )
