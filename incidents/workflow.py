"""The review workflow as data: which status may follow which, for whom, needing what.

`transition()` is the only code that writes `Concern.status`. Views, admin actions,
tasks and any API call it; the UI reads `allowed_transitions()` to show only the
actions the table allows the current user, with the inputs each one needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from audit.chain import record_event
from audit.models import EventKind
from records import services as retention

from . import permissions
from .models import ADVERSE_FINDINGS, FINAL_STATUSES, Concern, Status

S = Status
HR = frozenset({Role.HR_MANAGER, Role.INVESTIGATOR})
MANAGER = frozenset({Role.HR_MANAGER})
REPORTER = frozenset({Role.REPORTER})


class TransitionNotAllowed(Exception):
    """Raised with a message a person can act on."""


STALE = (
    "Someone else changed this concern while you were looking at it. "
    "Reload the page to see the latest version."
)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str
    # "author" (who logged it), "handler" (assignee or case manager), "manager",
    # "decision_maker" (a case manager who, where the organisation requires it, is
    # not the investigator). The rules live in permissions.can_apply_transition.
    actor: str = "handler"
    required: tuple[str, ...] = ()  # state the concern must already have
    inputs: tuple[str, ...] = ()  # what the person gives with the action
    style: str = "primary"


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        REPORTER,
        "Submit concern",
        actor="author",
        required=("occurred_on", "description", "platform_category", "subject_or_not_known"),
    ),
    Transition(
        "withdraw",
        (S.DRAFT, S.SUBMITTED),
        S.WITHDRAWN,
        REPORTER,
        "Withdraw",
        actor="author",
        inputs=("reason",),
        style="outline-secondary",
    ),
    Transition("start_triage", (S.SUBMITTED,), S.TRIAGE, HR, "Start triage"),
    Transition(
        "start_investigation",
        (S.TRIAGE,),
        S.INVESTIGATION,
        HR,
        "Start investigation",
        required=("graduated_response", "confirmed_sections", "risk_rating", "assignee"),
    ),
    Transition(
        "dismiss",
        (S.TRIAGE,),
        S.DISMISSED,
        HR,
        "Dismiss",
        inputs=("reason", "reporter_message"),
        style="outline-danger",
    ),
    Transition(
        "refer",
        (S.TRIAGE, S.INVESTIGATION),
        S.REFERRED,
        MANAGER,
        "Refer to another body",
        actor="manager",
        inputs=("referred_to", "reason", "reporter_message"),
        style="outline-warning",
    ),
    Transition(
        "propose_decision",
        (S.INVESTIGATION,),
        S.DECISION,
        HR,
        "Send for decision",
        required=("findings_complete", "procedural_fairness", "action_taken", "outcome_summary"),
    ),
    Transition(
        "return_to_investigation",
        (S.DECISION,),
        S.INVESTIGATION,
        MANAGER,
        "Return to investigation",
        actor="manager",
        inputs=("reason",),
        style="outline-secondary",
    ),
    Transition(
        "close",
        (S.DECISION,),
        S.CLOSED,
        MANAGER,
        "Approve and close",
        actor="decision_maker",
        required=("findings_complete", "procedural_fairness", "action_taken", "outcome_summary"),
        inputs=("reporter_message",),
    ),
    Transition(
        "reopen",
        (S.CLOSED, S.DISMISSED, S.REFERRED),
        S.TRIAGE,
        MANAGER,
        "Reopen",
        actor="manager",
        inputs=("reason",),
        style="outline-secondary",
    ),
)

BY_NAME = {rule.name: rule for rule in TRANSITIONS}

# What each requirement means to the person who has to meet it.
REQUIRED_LABELS = {
    "occurred_on": "when it happened",
    "description": "what you saw",
    "platform_category": "the kind of platform",
    "subject_or_not_known": "who it is about (or tick that you don't know)",
    "graduated_response": "the response chosen at triage",
    "confirmed_sections": "the confirmed Code sections",
    "risk_rating": "a risk rating",
    "assignee": "an investigator",
    "findings_complete": "a finding for every confirmed section",
    "procedural_fairness": (
        "the date the employee was told of the allegations, and their response "
        "(or a response date that has passed)"
    ),
    "action_taken": "the action taken",
    "outcome_summary": "an outcome summary",
}

INPUT_LABELS = {
    "reason": "Reason",
    "referred_to": "Referred to (the body, e.g. IBAC or Victoria Police)",
    "reporter_message": "Message for the person who logged it (optional, keep it neutral)",
}
OPTIONAL_INPUTS = {"reporter_message"}


def fairness_met(concern: Concern, today: date | None = None) -> bool:
    """Procedural fairness before an adverse finding: told, and a chance to respond."""
    if not concern.findings.filter(finding__in=ADVERSE_FINDINGS).exists():
        return True
    if concern.allegation_notified_on is None:
        return False
    if concern.response_received_on is not None:
        return True
    today = today or timezone.localdate()
    return concern.response_due_on is not None and concern.response_due_on < today


def _present(concern: Concern, name: str) -> bool:
    if name == "subject_or_not_known":
        return concern.subject_id is not None or concern.subject_not_known
    if name == "confirmed_sections":
        return concern.findings.exists()
    if name == "findings_complete":
        findings = list(concern.findings.values_list("finding", flat=True))
        return bool(findings) and all(findings)
    if name == "procedural_fairness":
        return fairness_met(concern)
    if name == "assignee":
        return concern.assignee_id is not None
    value = getattr(concern, name)
    return value not in (None, "", [], {})


def missing_fields(concern: Concern, rule: Transition) -> list[str]:
    return [name for name in rule.required if not _present(concern, name)]


def find(source: str, target: str) -> Transition | None:
    for rule in TRANSITIONS:
        if source in rule.sources and rule.target == target:
            return rule
    return None


def allowed_transitions(user, concern: Concern) -> list[Transition]:
    return [
        rule
        for rule in TRANSITIONS
        if concern.status in rule.sources and permissions.can_apply_transition(user, concern, rule)
    ]


# --- Due dates -----------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start`, skipping Saturdays and Sundays."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def due_on_entering(concern: Concern, target: str, today: date) -> date | None:
    organisation = concern.organisation
    if target in (S.SUBMITTED, S.TRIAGE):
        return add_working_days(today, organisation.triage_working_days)
    if target == S.INVESTIGATION:
        days = organisation.investigation_working_days(concern.risk_rating or "medium")
        return add_working_days(today, days)
    if target == S.DECISION:
        return add_working_days(today, organisation.decision_working_days)
    return None


# --- The one writer of status ---------------------------------------------------------


def transition(
    *,
    concern: Concern,
    action: str,
    actor,
    expected_version: int | None = None,
    inputs: dict[str, str] | None = None,
    on_commit: Callable[[], None] | None = None,
    at: datetime | None = None,
) -> Concern:
    """Apply the named action (a row of the table), enforcing it, and leave an event.

    An action name means exactly one rule: an action the concern's status does not
    allow is refused, never run as another rule that happens to reach the same status.
    Compare-and-set on status and version: if someone else changed the concern
    first, nothing is written and the caller is told.
    """
    rule = BY_NAME.get(action)
    if rule is None:
        raise TransitionNotAllowed("That action does not exist.")
    if expected_version is not None and expected_version != concern.version:
        raise TransitionNotAllowed(STALE)
    if concern.status not in rule.sources:
        raise TransitionNotAllowed(
            f"“{rule.label}” is not possible for a concern at the "
            f"{concern.get_status_display().lower()} stage."
        )
    if not permissions.can_apply_transition(actor, concern, rule):
        reason = permissions.outcome_refusal(actor, concern, rule)
        raise TransitionNotAllowed(reason or "You are not allowed to do that to this concern.")
    target = rule.target
    missing = missing_fields(concern, rule)
    if missing:
        needed = "; ".join(REQUIRED_LABELS.get(name, name) for name in missing)
        raise TransitionNotAllowed(f"Before you can do that, please add: {needed}.")
    inputs = {key: (value or "").strip() for key, value in (inputs or {}).items()}
    absent = [name for name in rule.inputs if name not in OPTIONAL_INPUTS and not inputs.get(name)]
    if absent:
        needed = ", ".join(INPUT_LABELS[name].lower() for name in absent)
        raise TransitionNotAllowed(f"Please give the {needed}.")

    at = at or timezone.now()
    today = timezone.localdate(at)
    version = concern.version if expected_version is None else expected_version
    changes: dict = {
        "status": target,
        "version": F("version") + 1,
        "due_on": due_on_entering(concern, target, today),
    }
    if "reason" in rule.inputs:
        changes["status_reason"] = inputs["reason"]
    if "referred_to" in rule.inputs:
        changes["referred_to"] = inputs["referred_to"]
    if "reporter_message" in rule.inputs:
        changes["reporter_message"] = inputs.get("reporter_message", "")
    if target == S.TRIAGE and concern.triaged_at is None:
        changes["triaged_at"] = at
    if target in FINAL_STATUSES:
        changes["closed_at"] = at
    elif concern.status in FINAL_STATUSES:
        changes["closed_at"] = None

    with transaction.atomic():
        updated = Concern.objects.filter(
            pk=concern.pk, status=concern.status, version=version
        ).update(**changes)
        if updated != 1:
            raise TransitionNotAllowed(STALE)
        before = concern.status
        concern.refresh_from_db()
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=EventKind.STATUS_CHANGED,
            at=at,
            before={"status": before},
            after={"status": target, "action": rule.name, **inputs},
        )
        if target in FINAL_STATUSES:
            retention.schedule_retention(concern)
        elif before in FINAL_STATUSES:
            retention.cancel_retention(concern)
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return concern
