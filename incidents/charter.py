"""The Charter of Human Rights and Responsibilities Act 2006 (Vic), s 38: proper
consideration of the employee's rights at the decisions that limit them.

Three decisions limit the rights of the employee a concern is about:

- starting a formal investigation (the response chosen at triage is a formal misconduct
  investigation);
- an adverse finding (a section found substantiated or partly substantiated);
- a disciplinary action (a formal warning, disciplinary action or termination).

At each, whoever makes it records how they considered freedom of expression (s 15),
privacy and reputation (s 13), and why any limit is reasonable and proportionate
(s 7(2)). Which workflow action needs which step is data in the transition table
(`Transition.charter`); `incidents.workflow.transition()` enforces it, and so does the
findings service. A record names the decision it considered (`decision_key`): change the
decision and it needs considering again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused

from .models import (
    ADVERSE_FINDINGS,
    ActionTaken,
    CharterStep,
    Concern,
    DecisionDuties,
    GraduatedResponse,
    RightsConsideration,
)

STEP = CharterStep
# Actions taken that are disciplinary: the outcome limits the employee's rights.
DISCIPLINARY_ACTIONS = (
    ActionTaken.FORMAL_WARNING,
    ActionTaken.DISCIPLINARY,
    ActionTaken.TERMINATION,
)

# The three answers, by the name each has as a form field and an action's input.
FIELDS = ("rights_expression", "rights_privacy", "rights_proportionality")
LABELS = {
    "rights_expression": "Freedom of expression (Charter s 15)",
    "rights_privacy": "Privacy and reputation (Charter s 13)",
    "rights_proportionality": "Why any limit is reasonable and proportionate (Charter s 7(2))",
}
DEFAULT_PROMPTS = {
    "rights_expression": (
        "The decision limits what the employee may say. Was it private use, on their own "
        "account and in their own time? Does the comment concern the employee's own area of "
        "work, or a public matter any citizen may speak about?"
    ),
    "rights_privacy": (
        "The decision reaches into the employee's private life and good name. What was "
        "gathered about them and from where, and who will learn of the outcome?"
    ),
    "rights_proportionality": (
        "Say what the limit protects (trust in the public sector, colleagues, impartiality) "
        "and why nothing less would do. Is the response proportionate to what happened?"
    ),
}
_PROMPT_COLUMNS = {
    "rights_expression": "prompt_expression",
    "rights_privacy": "prompt_privacy",
    "rights_proportionality": "prompt_proportionality",
}
STEP_LABELS = {
    STEP.INVESTIGATION: "starting a formal investigation",
    STEP.FINDING: "the adverse finding",
    STEP.ACTION: "the disciplinary action",
}
# What the form says about when its Charter questions must be answered.
FINDINGS_HINT = (
    "Needed when a finding is substantiated or partly substantiated, or the action is a "
    "formal warning, disciplinary action or termination: these decisions limit the "
    "employee's rights, so record how you considered them."
)


FIELD_NEEDED = "Answer this: the decision limits the employee's rights (Charter s 38)."
ACTION_HINT = (
    "This decision limits the employee's rights, so record how you considered them before "
    "you make it (Charter of Human Rights and Responsibilities Act 2006, s 38)."
)


def duties_of(organisation) -> DecisionDuties | None:
    """The organisation's wording and review period (None: the defaults), read once per
    organisation object."""
    if "_decision_duties" not in organisation.__dict__:
        organisation.__dict__["_decision_duties"] = DecisionDuties.objects.filter(
            organisation_id=organisation.pk
        ).first()
    return organisation.__dict__["_decision_duties"]


def prompt(organisation, field: str) -> str:
    duties = duties_of(organisation)
    text = getattr(duties, _PROMPT_COLUMNS[field], "") if duties is not None else ""
    return text.strip() or DEFAULT_PROMPTS[field]


def review_days(organisation) -> int:
    duties = duties_of(organisation)
    return duties.review_days if duties is not None else 14


# --- Which decision each step considers -----------------------------------------------


def decision_key(concern: Concern, step: str, *, findings=None, action_taken=None) -> str:
    """What is being decided at `step`, or "" when the step does not apply: the response
    chosen, the adverse findings (section id and finding), the action. `findings` ({section
    id: finding}) and `action_taken` give the decision about to be made instead of the
    concern's own."""
    if step == STEP.INVESTIGATION:
        return (
            GraduatedResponse.MISCONDUCT
            if concern.graduated_response == GraduatedResponse.MISCONDUCT
            else ""
        )
    if step == STEP.FINDING:
        if findings is None:
            findings = {row.section_id: row.finding for row in concern.findings.all()}
        adverse = sorted(
            f"{pk}:{value}" for pk, value in findings.items() if value in ADVERSE_FINDINGS
        )
        return ",".join(adverse)
    if step == STEP.ACTION:
        action = concern.action_taken if action_taken is None else action_taken
        return action if action in DISCIPLINARY_ACTIONS else ""
    raise ValueError(step)


def records(concern: Concern) -> list[RightsConsideration]:
    """Every Charter record of the concern, oldest first: one query, once per object; none
    for a concern not yet past submission (no decision has been made)."""
    cached = concern.__dict__.get("_rights_considerations")
    if cached is None:
        if concern.pk is None or concern.status in ("draft", "submitted"):
            cached = []
        else:
            cached = list(
                RightsConsideration.objects.filter(concern_id=concern.pk).select_related(
                    "recorded_by"
                )
            )
        concern.__dict__["_rights_considerations"] = cached
    return cached


def forget(concern: Concern) -> None:
    concern.__dict__.pop("_rights_considerations", None)


def is_considered(concern: Concern, step: str, key: str) -> bool:
    return any(row.current and row.step == step and row.decision == key for row in records(concern))


def steps_to_record(concern: Concern, steps, *, findings=None, action_taken=None) -> list[str]:
    """Of `steps`, those that apply to the decision and have no current record of it."""
    wanted = []
    for step in steps:
        key = decision_key(concern, step, findings=findings, action_taken=action_taken)
        if key and not is_considered(concern, step, key):
            wanted.append(step)
    return wanted


def missing_message(steps) -> str:
    named = " and ".join(STEP_LABELS[step] for step in steps)
    return (
        f"Record how you considered the employee's human rights for {named}: freedom of "
        "expression, privacy and reputation, and why the limit is reasonable and "
        "proportionate (Charter of Human Rights and Responsibilities Act 2006, s 38)."
    )


@dataclass(frozen=True)
class Answers:
    expression: str
    privacy: str
    proportionality: str

    @classmethod
    def of(cls, values: dict) -> Answers | None:
        """The three answers from form data or an action's inputs; None unless all three
        were given."""
        given = [(values.get(name) or "").strip() for name in FIELDS]
        return cls(*given) if all(given) else None


def record(
    *,
    concern: Concern,
    actor,
    steps,
    answers: Answers | None,
    findings=None,
    action_taken=None,
    at=None,
) -> list[RightsConsideration]:
    """Record the consideration for each of `steps` that still needs one, or refuse when
    one is needed and `answers` is missing. Call inside the decision's transaction: each
    record is an event in it."""
    wanted = steps_to_record(concern, steps, findings=findings, action_taken=action_taken)
    if not wanted:
        return []
    if answers is None:
        raise Refused(missing_message(wanted))
    if not transaction.get_connection().in_atomic_block:  # a caller's mistake
        raise RuntimeError("Record the Charter consideration inside the decision's transaction.")
    at = at or timezone.now()
    made = []
    for step in wanted:
        row = RightsConsideration.objects.create(
            concern=concern,
            step=step,
            decision=decision_key(concern, step, findings=findings, action_taken=action_taken),
            expression=answers.expression,
            privacy=answers.privacy,
            proportionality=answers.proportionality,
            recorded_by=actor,
            recorded_at=at,
        )
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=EventKind.RIGHTS_CONSIDERED,
            at=at,
            after={
                "step": step,
                "decision": row.decision,
                "expression": row.expression,
                "privacy": row.privacy,
                "proportionality": row.proportionality,
            },
        )
        made.append(row)
    forget(concern)
    return made


def retire(concern: Concern) -> int:
    """A reopened concern's decisions are made again: its records stop counting (they stay
    on the record)."""
    forget(concern)
    return RightsConsideration.objects.filter(concern_id=concern.pk, current=True).update(
        current=False
    )
