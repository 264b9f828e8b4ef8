"""Writing a restricted concern's disclosure steps and welfare contacts, and the reminders.

Each service is atomic, checks the one permission (permissions.can_manage_disclosure) and
leaves an event holding only dates, choices and ids. The reminder job claims each clock's
due date with a conditional update, so a rerun or two runs at once remind once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from incidents import permissions
from incidents.models import (
    CaseDocument,
    Concern,
    DisclosureAssessment,
    DisclosurePolicy,
    PidAssessment,
    WelfareContact,
    WelfareFor,
)
from notifications.models import Kind
from notifications.services import notify

from . import clocks

# What the coordinator reads on the page when the organisation has not written its own.
DEFAULT_HANDLING_NOTE = (
    "Only you, as coordinator, can see this concern. Decide whether it may be a public "
    "interest disclosure; if it may be, notify IBAC and hold off your own inquiries "
    "meanwhile. Tell the person who made it whether IBAC was notified, and never tell "
    "anyone anything that could point to who they are."
)


def policy_of(organisation) -> tuple[clocks.Periods, str]:
    """The organisation's periods and wording (the Act's, and the standard note, if unset)."""
    policy = DisclosurePolicy.objects.filter(organisation_id=organisation.pk).first()
    if policy is None:
        return clocks.THE_ACT, DEFAULT_HANDLING_NOTE
    periods = clocks.Periods(
        notify_days=policy.notify_days,
        advice_days=policy.advice_days,
        opt_out_days=policy.opt_out_days,
        reminder_days=policy.reminder_days,
    )
    return periods, policy.handling_note.strip() or DEFAULT_HANDLING_NOTE


def received_on_default(concern: Concern) -> dt.date:
    if concern.submitted_at is None:
        return timezone.localdate()
    return timezone.localdate(concern.submitted_at)


def assessment_of(concern: Concern) -> DisclosureAssessment:
    """The concern's assessment, or an unsaved one counting from its submission."""
    found = DisclosureAssessment.objects.filter(concern_id=concern.pk).first()
    return found or DisclosureAssessment(concern=concern, received_on=received_on_default(concern))


def clocks_of(
    concern: Concern,
    assessment: DisclosureAssessment,
    periods: clocks.Periods,
    today: dt.date | None = None,
    *,
    state: str | None = None,
) -> list[clocks.Clock]:
    """The concern's clocks; `state` (its organisation's, for public holidays) when the
    caller has it, so a list of concerns need not load each one's organisation."""
    return clocks.clocks(
        received_on=assessment.received_on,
        periods=periods,
        state=state or concern.organisation.holiday_state,
        today=today or timezone.localdate(),
        assessment=assessment.assessment,
        ibac_notified_on=assessment.ibac_notified_on,
        discloser_advised_on=assessment.discloser_advised_on,
        opted_out_on=assessment.opted_out_on,
    )


def _locked_assessment(concern: Concern) -> DisclosureAssessment:
    DisclosureAssessment.objects.get_or_create(
        concern=concern, defaults={"received_on": received_on_default(concern)}
    )
    return DisclosureAssessment.objects.select_for_update().get(concern=concern)


def _require(actor, concern: Concern) -> None:
    if not permissions.can_manage_disclosure(actor, concern):
        raise Refused("Only the coordinator of this possible disclosure can record its steps.")


def _document_id(concern: Concern, document: CaseDocument | None) -> int | None:
    if document is None:
        return None
    if document.concern_id != concern.pk:
        raise Refused("That document belongs to another concern.")
    return document.pk


def _save_step(
    *, concern: Concern, actor, kind: EventKind, values: dict, documents: dict
) -> DisclosureAssessment:
    """Write some of the assessment's fields and leave one event with before and after."""
    _require(actor, concern)
    with transaction.atomic():
        row = _locked_assessment(concern)
        changes = dict(values)
        for name, document in documents.items():
            changes[f"{name}_id"] = _document_id(concern, document)
        before = {name: getattr(row, name) for name in changes}
        for name, value in changes.items():
            setattr(row, name, value)
        row.full_clean(exclude=["concern"])
        row.save()
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=kind,
            before=before,
            after=changes,
        )
    return row


def disclosure_record_assessment(
    *,
    concern: Concern,
    actor,
    received_on: dt.date,
    assessment: str,
    assessed_on: dt.date,
    document: CaseDocument | None = None,
) -> DisclosureAssessment:
    """The coordinator's assessment: whether it may be a public interest disclosure (and so
    whether IBAC is to be notified), with the day the disclosure was received."""
    if assessment not in PidAssessment.values:
        raise Refused("Choose whether it may be a public interest disclosure.")
    if assessed_on < received_on:
        raise Refused("The assessment cannot come before the disclosure was received.")
    return _save_step(
        concern=concern,
        actor=actor,
        kind=EventKind.DISCLOSURE_ASSESSED,
        values={"received_on": received_on, "assessment": assessment, "assessed_on": assessed_on},
        documents={"assessment_document": document},
    )


def disclosure_record_ibac_notification(
    *, concern: Concern, actor, notified_on: dt.date, document: CaseDocument | None = None
) -> DisclosureAssessment:
    """The day IBAC was notified (only once it was assessed as one that may be a disclosure)."""
    current = assessment_of(concern)
    if current.assessment != PidAssessment.MAY_BE:
        raise Refused(
            "Record the assessment that it may be a public interest disclosure before "
            "recording a notification to IBAC."
        )
    if current.assessed_on and notified_on < current.assessed_on:
        raise Refused("IBAC cannot have been notified before the assessment was made.")
    return _save_step(
        concern=concern,
        actor=actor,
        kind=EventKind.DISCLOSURE_IBAC_NOTIFIED,
        values={"ibac_notified_on": notified_on},
        documents={"ibac_document": document},
    )


def disclosure_record_advice(
    *, concern: Concern, actor, advised_on: dt.date, document: CaseDocument | None = None
) -> DisclosureAssessment:
    """The day the discloser was told whether IBAC was notified: after the assessment, and
    after the notification when it was assessed as one that may be a disclosure."""
    current = assessment_of(concern)
    if not current.assessment:
        raise Refused("Record the assessment before telling the discloser the result.")
    if current.assessment == PidAssessment.MAY_BE and current.ibac_notified_on is None:
        raise Refused("Record the notification to IBAC before telling the discloser it was made.")
    if current.assessed_on and advised_on < current.assessed_on:
        raise Refused("The discloser cannot have been told before the assessment was made.")
    return _save_step(
        concern=concern,
        actor=actor,
        kind=EventKind.DISCLOSURE_DISCLOSER_ADVISED,
        values={"discloser_advised_on": advised_on},
        documents={"advice_document": document},
    )


def disclosure_record_opt_out(
    *, concern: Concern, actor, received_on: dt.date, document: CaseDocument | None = None
) -> DisclosureAssessment:
    """The discloser said in writing that it is not to be treated as a public interest
    disclosure: recorded only if it arrived inside the window (s 19)."""
    current = assessment_of(concern)
    periods, _ = policy_of(concern.organisation)
    window = clocks.last_day(
        current.received_on, periods.opt_out_days, state=concern.organisation.holiday_state
    )
    if received_on < current.received_on or received_on > window:
        raise Refused(
            f"The discloser's window ran from {current.received_on:%-d %B %Y} to "
            f"{window:%-d %B %Y}, so a statement received then is not recorded as one. "
            "Attach it as a case document instead."
        )
    return _save_step(
        concern=concern,
        actor=actor,
        kind=EventKind.DISCLOSURE_OPTED_OUT,
        values={"opted_out_on": received_on},
        documents={"opt_out_document": document},
    )


def welfare_contact_problem(concern: Concern, contact) -> str | None:
    """Why `contact` may not be named as a welfare contact on this concern, or None."""
    if contact.organisation_id != concern.organisation_id or contact.is_service_identity:
        return "A welfare contact must be a person of this organisation."
    if not contact.is_active:
        return "That person's account is not active."
    if contact.pk == concern.reporter_id:
        return "The person who made the disclosure cannot be their own welfare contact."
    if concern.subject is not None and concern.subject.user_id == contact.pk:
        return "The employee concerned cannot be a welfare contact on this concern."
    return None


def welfare_contact_name(*, concern: Concern, actor, for_whom: str, contact) -> WelfareContact:
    """Name a welfare contact for the discloser or the employee concerned. It is an event,
    and it gives the contact no access to the concern (no permission reads this table)."""
    _require(actor, concern)
    if for_whom not in WelfareFor.values:
        raise Refused("Say whose welfare contact this is.")
    problem = welfare_contact_problem(concern, contact)
    if problem:
        raise Refused(problem)
    with transaction.atomic():
        row = WelfareContact.objects.create(
            concern=concern, for_whom=for_whom, contact=contact, named_by=actor
        )
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind=EventKind.WELFARE_CONTACT_NAMED,
            after={"for": for_whom, "contact": contact.pk},
        )
    return row


# --- Reminders (the periodic job) --------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    concern: Concern
    clock: clocks.Clock


def remind_disclosure_clocks(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Remind the coordinator of each disclosure step coming due (the organisation's lead
    time before it) or overdue and not yet done, once per clock and due date. Returns how
    many reminders were claimed."""
    today = today or timezone.localdate()
    concerns = (
        Concern.objects.filter(restricted=True, disposed_at__isnull=True)
        .exclude(submitted_at__isnull=True)
        .select_related("organisation", "disclosure_assessment")
        .filter(
            Q(disclosure_assessment__isnull=True)
            | Q(disclosure_assessment__ibac_notified_on__isnull=True)
            | Q(disclosure_assessment__discloser_advised_on__isnull=True)
        )
        .order_by("submitted_at", "pk")[:limit]
    )
    policies: dict[int, clocks.Periods] = {}
    count = 0
    for concern in concerns:
        if concern.organisation_id not in policies:
            policies[concern.organisation_id] = policy_of(concern.organisation)[0]
        periods = policies[concern.organisation_id]
        assessment = getattr(concern, "disclosure_assessment", None) or DisclosureAssessment(
            concern=concern, received_on=received_on_default(concern)
        )
        for clock in clocks_of(concern, assessment, periods, today):
            already = getattr(assessment, f"{clock.key}_reminded_for", None)
            if (
                clock.key in clocks.REMINDED_CLOCKS
                and clock.open
                and today >= clock.remind_from(periods.reminder_days)
                and already != clock.due_on.isoformat()
            ):
                count += _remind(concern, clock)
    return count


def _remind(concern: Concern, clock: clocks.Clock) -> int:
    field = f"{clock.key}_reminded_for"
    key = clock.due_on.isoformat()
    with transaction.atomic():
        DisclosureAssessment.objects.get_or_create(
            concern=concern, defaults={"received_on": received_on_default(concern)}
        )
        claimed = (
            DisclosureAssessment.objects.filter(concern=concern)
            .exclude(**{field: key})
            .update(**{field: key})
        )
        if not claimed:
            return 0
        record_event(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=None,
            kind=EventKind.DISCLOSURE_REMINDED,
            after={"clock": clock.key, "due_on": key},
        )
        notify(
            recipients=permissions.managers_to_notify(concern),
            kind=Kind.DISCLOSURE_DUE,
            concern=concern,
            dedupe_key_suffix=f"{clock.key}:{key}",
        )
    return 1
