"""The review workflow as data: which status may follow which, for whom, needing what,
and what each change does.

`transition()` is the only code that writes `Concern.status`. Views, admin actions,
tasks and any API call it; the UI reads `allowed_transitions()` to show only the
actions the table allows the current user, with the inputs each one needs. What a
change does besides its event (a reference, a restriction, emails, retention, due
dates) is declared in `ON_ENTER` / `ON_LEAVE` below the table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from audit.chain import events_together, record_event
from audit.models import EventKind
from config.errors import Refused
from notifications.models import Kind
from notifications.services import notify
from records import services as retention

from . import charter, permissions, working_days
from . import review as outcome_review
from .models import ADVERSE_FINDINGS, FINAL_STATUSES, CharterStep, Concern, PidAnswer, Status

S = Status
HR = frozenset({Role.HR_MANAGER, Role.INVESTIGATOR})
MANAGER = frozenset({Role.HR_MANAGER})
REPORTER = frozenset({Role.REPORTER})


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
    # The organisation's named second approver may take it too, at the decision stage,
    # under the approval rule (permissions.is_second_approver).
    second_approver: bool = False
    required: tuple[str, ...] = ()  # state the concern must already have
    inputs: tuple[str, ...] = ()  # what the person gives with the action
    style: str = "primary"
    done: str = ""  # what the person is told afterwards: "<reference> <done>."
    # The Charter steps (incidents.charter) whose proper consideration this action needs,
    # where they apply: recorded before (with the findings) or given with the action.
    charter: tuple[str, ...] = ()
    # Offered through a form of its own on the concern page (the review's), not the
    # generic action dialog; the table still decides who may take it.
    own_panel: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        (S.DRAFT,),
        S.SUBMITTED,
        REPORTER,
        "Submit concern",
        actor="author",
        required=("occurred_on", "description", "platform_category", "subject_or_not_known"),
        done="was submitted",
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
        done="was withdrawn",
    ),
    Transition(
        "start_triage",
        (S.SUBMITTED,),
        S.TRIAGE,
        HR,
        "Start triage",
        done="moved to triage",
    ),
    Transition(
        "start_investigation",
        (S.TRIAGE,),
        S.INVESTIGATION,
        HR,
        "Start investigation",
        required=("graduated_response", "confirmed_sections", "risk_rating", "assignee"),
        done="is now under investigation",
        charter=(CharterStep.INVESTIGATION,),
    ),
    Transition(
        "dismiss",
        (S.TRIAGE,),
        S.DISMISSED,
        HR,
        "Dismiss",
        inputs=("reason", "reporter_message"),
        style="outline-danger",
        done="was dismissed",
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
        done="was referred to another body",
    ),
    Transition(
        "propose_decision",
        (S.INVESTIGATION,),
        S.DECISION,
        HR,
        "Send for decision",
        required=("findings_complete", "procedural_fairness", "action_taken", "outcome_summary"),
        done="was sent for decision",
        charter=(CharterStep.FINDING, CharterStep.ACTION),
    ),
    Transition(
        "return_to_investigation",
        (S.DECISION,),
        S.INVESTIGATION,
        MANAGER,
        "Return to investigation",
        actor="manager",
        second_approver=True,
        inputs=("reason",),
        style="outline-secondary",
        done="went back to the investigation",
    ),
    Transition(
        "close",
        (S.DECISION,),
        S.CLOSED,
        MANAGER,
        "Approve and close",
        actor="decision_maker",
        second_approver=True,
        required=("findings_complete", "procedural_fairness", "action_taken", "outcome_summary"),
        inputs=("reporter_message",),
        done="was approved and closed",
        charter=(CharterStep.FINDING, CharterStep.ACTION),
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
        done="was reopened and is back at triage",
    ),
    # Review of an outcome (issue 19): the employee asked, within the organisation's
    # period, for the outcome issued at closure to be reviewed; a reviewer who neither
    # investigated it nor issued it confirms, varies or sets it aside (incidents.review).
    Transition(
        "request_review",
        (S.CLOSED,),
        S.REVIEW,
        MANAGER,
        "Record a request for review",
        actor="manager",
        required=("review_may_be_sought",),
        inputs=("requested_on", "reviewer"),
        style="outline-secondary",
        done="is under review",
        own_panel=True,
    ),
    Transition(
        "confirm_on_review",
        (S.REVIEW,),
        S.CLOSED,
        MANAGER,
        "Confirm the outcome",
        actor="reviewer",
        inputs=("reason",),
        done="had its outcome confirmed on review",
        own_panel=True,
    ),
    Transition(
        "vary_on_review",
        (S.REVIEW,),
        S.CLOSED,
        MANAGER,
        "Vary the outcome",
        actor="reviewer",
        inputs=("reason",),
        done="had its outcome varied on review",
        own_panel=True,
    ),
    Transition(
        "set_aside_on_review",
        (S.REVIEW,),
        S.CLOSED,
        MANAGER,
        "Set the outcome aside",
        actor="reviewer",
        inputs=("reason",),
        done="had its outcome set aside on review",
        own_panel=True,
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
    "review_may_be_sought": "an outcome issued at closure and not yet reviewed",
}

INPUT_LABELS = {
    "reason": "Reason",
    "referred_to": "Referred to (the body, e.g. IBAC or Victoria Police)",
    "reporter_message": "Message for the person who logged it (optional, keep it neutral)",
    "requested_on": "Date the employee asked for the review",
    "reviewer": "Reviewer",
}
OPTIONAL_INPUTS = {"reporter_message"}

# Actions that cannot simply be taken back: the page says exactly what will happen, and
# the form refuses to go ahead until the person ticks that they understand (ActionForm).
CONFIRMATIONS = {
    "withdraw": (
        "This withdraws the concern: HR will not look into it further, and a withdrawn "
        "concern cannot be reopened."
    ),
    "dismiss": (
        "This dismisses the concern without an investigation and starts its retention "
        "period. The person who logged it sees that it was dismissed, with your message if "
        "you write one. Only an HR manager can reopen it."
    ),
    "refer": (
        "This ends HR's handling: the concern is recorded as referred to the body you name "
        "and its retention period starts. The person who logged it sees that it was "
        "referred. Only an HR manager can reopen it."
    ),
    "close": (
        "This approves the findings and outcome and closes the concern. The person who "
        "logged it is emailed that it is finished, with your message if you write one, and "
        "its retention period starts. Only an HR manager can reopen it."
    ),
}


def _findings(concern: Concern) -> list:
    """The concern's confirmed sections: from the page's prefetch when it made one (one
    query fewer per requirement checked), else read now."""
    return list(concern.findings.all())


def fairness_met(concern: Concern, today: date | None = None) -> bool:
    """Procedural fairness before an adverse finding: told, and a chance to respond."""
    if not any(row.finding in ADVERSE_FINDINGS for row in _findings(concern)):
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
        return bool(_findings(concern))
    if name == "findings_complete":
        findings = [row.finding for row in _findings(concern)]
        return bool(findings) and all(findings)
    if name == "procedural_fairness":
        return fairness_met(concern)
    if name == "assignee":
        return concern.assignee_id is not None
    if name == "review_may_be_sought":
        return outcome_review.may_be_requested(concern)
    # By attname: a foreign key is present when its id is, without loading the row.
    value = getattr(concern, Concern._meta.get_field(name).attname)
    return value not in (None, "", [], {})


def missing_fields(concern: Concern, rule: Transition) -> list[str]:
    return [name for name in rule.required if not _present(concern, name)]


def find(source: str, target: str) -> Transition | None:
    for rule in TRANSITIONS:
        if source in rule.sources and rule.target == target:
            return rule
    return None


def withheld_transitions(user, concern: Concern) -> list[tuple[Transition, str]]:
    """Actions this person would be offered but for the approval rule, each with why."""
    withheld = []
    for rule in TRANSITIONS:
        if concern.status in rule.sources:
            reason = permissions.withheld_reason(user, concern, rule)
            if reason:
                withheld.append((rule, reason))
    return withheld


def allowed_transitions(user, concern: Concern) -> list[Transition]:
    return [
        rule
        for rule in TRANSITIONS
        if concern.status in rule.sources and permissions.can_apply_transition(user, concern, rule)
    ]


# --- What a status change does, besides its event ---------------------------------------
#
# Read this section to know what moving a concern into (or out of) a status does. Each
# effect runs inside transition()'s transaction, in the order listed, after the status
# and its event are written; an email is queued for after the commit (notify()).


def due_on_entering(concern: Concern, target: str, today: date) -> date | None:
    """The stage's due date, in the organisation's working days (its public holidays off)."""
    organisation = concern.organisation
    state = organisation.holiday_state
    if target in (S.SUBMITTED, S.TRIAGE):
        days = organisation.triage_working_days
    elif target == S.INVESTIGATION:
        days = organisation.investigation_working_days(concern.risk_rating or "medium")
    elif target == S.DECISION:
        days = organisation.decision_working_days
    else:
        return None
    return working_days.add_working_days(today, days, state=state)


@dataclass(frozen=True)
class Change:
    """One status change, as its effects see it."""

    concern: Concern  # as it is after the change
    rule: Transition
    actor: object
    before: str
    at: datetime
    imported: bool  # logged long ago, reaching HR now through a spreadsheet import


def _issue_reference(change: Change) -> None:
    """A submitted concern gets its reference number (SMC-year-number)."""
    from incidents.intake.services import next_reference

    concern = change.concern
    year = timezone.localtime(change.at).year
    reference = next_reference(organisation=concern.organisation, year=year)
    Concern.objects.filter(pk=concern.pk).update(reference=reference, submitted_at=change.at)
    concern.reference, concern.submitted_at = reference, change.at
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=change.actor,
        kind=EventKind.REFERENCE_ISSUED,
        at=change.at,
        after={"reference": reference},
    )


def _restrict_if_possible_disclosure(change: Change) -> None:
    """The reporter said it may be a public interest disclosure: only the coordinator sees it."""
    from incidents.casework.services import concern_restrict

    if change.concern.possible_pid in (PidAnswer.YES, PidAnswer.UNSURE):
        restricted = concern_restrict(
            concern=change.concern, actor=None, reason="The reporter said it may be a disclosure."
        )
        change.concern.restricted = restricted.restricted
        change.concern.assignee_id = restricted.assignee_id
        change.concern.version = restricted.version


def _tell_case_managers(change: Change) -> None:
    """HR learns of a new concern (the coordinator only, for a restricted one). An import
    is one event for the HR manager who ran it, not one email per row."""
    if not change.imported:
        notify(
            recipients=permissions.managers_to_notify(change.concern),
            kind=Kind.SUBMITTED,
            concern=change.concern,
        )


def _tell_reporter_of_closure(change: Change) -> None:
    """The person who logged it is told it is finished (with HR's message, if any); not
    again when a review of the outcome ends (the review is the employee's, not theirs)."""
    if change.before == S.REVIEW:
        return
    notify(
        recipients=[change.concern.reporter],
        kind=Kind.CLOSED,
        concern=change.concern,
        dedupe_key_suffix=str(change.concern.version),
    )


def _keep_until_disposal(change: Change) -> None:
    """A finished concern starts its retention period (records.services)."""
    retention.schedule_retention(change.concern)


def _cancel_disposal(change: Change) -> None:
    """A reopened concern is live again: no disposal date while it is worked on."""
    retention.cancel_retention(change.concern)


def _issue_outcome(change: Change) -> None:
    """Closing after the decision issues the outcome: the review period starts."""
    outcome_review.issue_outcome(change)


def _reconsider_after_reopening(change: Change) -> None:
    """A reopened concern's decisions are made afresh: so is their Charter consideration."""
    if change.rule.name == "reopen":
        charter.retire(change.concern)


ON_ENTER: dict[str, tuple[Callable[[Change], None], ...]] = {
    S.SUBMITTED: (_issue_reference, _restrict_if_possible_disclosure, _tell_case_managers),
    S.TRIAGE: (_reconsider_after_reopening,),
    S.CLOSED: (_keep_until_disposal, _tell_reporter_of_closure, _issue_outcome),
    S.DISMISSED: (_keep_until_disposal,),
    S.REFERRED: (_keep_until_disposal,),
    S.WITHDRAWN: (_keep_until_disposal,),
}
ON_LEAVE: dict[str, tuple[Callable[[Change], None], ...]] = dict.fromkeys(
    FINAL_STATUSES, (_cancel_disposal,)
)
# What an action itself does, given its inputs, before the effects of leaving and entering
# statuses (may refuse: the whole change is then undone).
ON_ACTION: dict[str, Callable[[Change, dict], None]] = {
    "request_review": outcome_review.review_requested,
    "confirm_on_review": outcome_review.review_decided,
    "vary_on_review": outcome_review.review_decided,
    "set_aside_on_review": outcome_review.review_decided,
}
# Also on every change, in transition() itself: the stage's due date (due_on_entering),
# the first triage time, and the closing time (set on entering a final status, cleared
# on leaving one; a review of the outcome keeps it, as it neither reopens nor re-closes).
# And the Charter consideration the action needs (Transition.charter), recorded first.


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
    imported: bool = False,
) -> Concern:
    """Apply the named action (a row of the table), enforcing it, and leave an event.

    An action name means exactly one rule: an action the concern's status does not
    allow is refused, never run as another rule that happens to reach the same status.
    Compare-and-set on status and version: if someone else changed the concern
    first, nothing is written and the caller is told. Then the effects declared above
    for leaving the old status and entering the new one run, in the same transaction.

    `at` backdates the change (demo data, imports of past concerns). An `imported`
    concern reaches HR today: its stage's clock counts from today, and nobody is emailed.
    """
    rule = BY_NAME.get(action)
    if rule is None:
        raise Refused("That action does not exist.")
    if imported and rule.name != "submit":
        raise ValueError("Only a submission can be imported.")  # a caller's mistake
    if expected_version is not None and expected_version != concern.version:
        raise Refused(STALE)
    if concern.status not in rule.sources:
        raise Refused(
            f"“{rule.label}” is not possible for a concern at the "
            f"{concern.get_status_display().lower()} stage."
        )
    if not permissions.can_apply_transition(actor, concern, rule):
        reason = permissions.outcome_refusal(actor, concern, rule)
        raise Refused(reason or "You are not allowed to do that to this concern.")
    target = rule.target
    missing = missing_fields(concern, rule)
    if missing:
        needed = "; ".join(REQUIRED_LABELS.get(name, name) for name in missing)
        raise Refused(f"Before you can do that, please add: {needed}.")
    inputs = {key: (value or "").strip() for key, value in (inputs or {}).items()}
    absent = [name for name in rule.inputs if name not in OPTIONAL_INPUTS and not inputs.get(name)]
    if absent:
        needed = ", ".join(INPUT_LABELS[name].lower() for name in absent)
        raise Refused(f"Please give the {needed}.")
    # The Charter answers go into their own record and event, not the status change's.
    rights = charter.Answers.of({name: inputs.pop(name, "") for name in charter.FIELDS})
    to_consider = charter.steps_to_record(concern, rule.charter)
    if to_consider and rights is None:
        raise Refused(charter.missing_message(to_consider))

    at = at or timezone.now()
    today = timezone.localdate() if imported else timezone.localdate(at)
    version = concern.version if expected_version is None else expected_version
    changes: dict = {
        "status": target,
        "version": F("version") + 1,
        "due_on": due_on_entering(concern, target, today),
        "updated_at": at,
    }
    if "reason" in rule.inputs:
        changes["status_reason"] = inputs["reason"]
    if "referred_to" in rule.inputs:
        changes["referred_to"] = inputs["referred_to"]
    if "reporter_message" in rule.inputs:
        changes["reporter_message"] = inputs.get("reporter_message", "")
    if target == S.TRIAGE and concern.triaged_at is None:
        changes["triaged_at"] = at
    if target in FINAL_STATUSES and concern.status != S.REVIEW:
        changes["closed_at"] = at
    elif concern.status in FINAL_STATUSES and target != S.REVIEW:
        changes["closed_at"] = None

    # No savepoint of its own (two queries fewer): a refusal below is raised before
    # anything is written, and a failure in an effect ends the caller's transaction, as a
    # failed event does (audit.chain.record_event), so a half-made change is never kept.
    with transaction.atomic(savepoint=False):
        updated = Concern.objects.filter(
            pk=concern.pk, status=concern.status, version=version
        ).update(**changes)
        if updated == 1:
            before = concern.status
            # The row is now exactly what was written (compare-and-set on the version), so
            # the object takes the same values instead of reading the row back.
            for name, value in changes.items():
                setattr(concern, name, value)
            concern.version = version + 1
            # Its events are appended to the chain together (one lock of its head for all).
            with events_together():
                record_event(
                    organisation_id=concern.organisation_id,
                    concern=concern,
                    actor=actor,
                    kind=EventKind.STATUS_CHANGED,
                    at=at,
                    before={"status": before},
                    after={"status": target, "action": rule.name, **inputs},
                )
                if to_consider:
                    charter.record(
                        concern=concern, actor=actor, steps=to_consider, answers=rights, at=at
                    )
                change = Change(
                    concern=concern, rule=rule, actor=actor, before=before, at=at, imported=imported
                )
                if rule.name in ON_ACTION:
                    ON_ACTION[rule.name](change, inputs)
                for effect in (*ON_LEAVE.get(before, ()), *ON_ENTER.get(target, ())):
                    effect(change)
            # As a reload would: related rows read from here on are read afresh.
            for field in concern._meta.concrete_fields:
                if field.is_relation and field.is_cached(concern):
                    field.delete_cached_value(concern)
            if on_commit is not None:
                transaction.on_commit(on_commit)
    if updated != 1:
        raise Refused(STALE)
    return concern
