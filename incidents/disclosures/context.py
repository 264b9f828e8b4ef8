"""What the concern page, the queue and the disclosure page show of a disclosure's steps.

Nothing is read for anyone but the coordinator of a restricted concern: the concern page
and the queue pay no query for any other concern or person.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from incidents import permissions
from incidents.models import DisclosureAssessment, PidAssessment, WelfareContact

from . import clocks, services
from .forms import STEP_FORMS, WelfareContactForm


def disclosure_context(user, concern) -> dict:
    """The concern page's clock summary (two queries, for the coordinator only)."""
    if not permissions.can_manage_disclosure(user, concern):
        return {}
    periods, note = services.policy_of(concern.organisation)
    assessment = services.assessment_of(concern)
    return {
        "disclosure": {
            "note": note,
            "clocks": services.clocks_of(concern, assessment, periods),
            "assessment": assessment,
            "url": reverse("incidents:disclosure", args=[concern.pk]),
        }
    }


def next_clock(found: list[clocks.Clock]) -> clocks.Clock | None:
    """The open duty due first (the opt-out window is shown on the page, not here)."""
    duties = [c for c in found if c.key in clocks.REMINDED_CLOCKS and c.open]
    return min(duties, key=lambda c: c.due_on, default=None)


def mark_queue_clocks(user, concerns: list) -> None:
    """Give each restricted concern on a queue page this person coordinates its next clock
    (`disclosure_clock`): two queries when the page has any, none otherwise. The queue
    lists only concerns this person may open (permissions.hr_concerns), so a restricted
    row there is theirs to coordinate; asking can_manage_disclosure again per row would
    read each one's conflicts (a query a row)."""
    organisation = user.organisation
    if not permissions.may_see_restricted(user, organisation):
        return
    mine = [c for c in concerns if c.restricted and c.disposed_at is None and c.submitted_at]
    if not mine:
        return
    periods, _ = services.policy_of(organisation)
    found = {
        row.concern_id: row
        for row in DisclosureAssessment.objects.filter(concern__in=[c.pk for c in mine])
    }
    today = timezone.localdate()
    for concern in mine:
        assessment = found.get(concern.pk) or DisclosureAssessment(
            concern=concern, received_on=services.received_on_default(concern)
        )
        concern.disclosure_clock = next_clock(
            services.clocks_of(
                concern, assessment, periods, today, state=organisation.holiday_state
            )
        )


# The steps in the order the page offers them, each with what is recorded once it is done.
STEP_FIELDS = {
    "assessment": ("assessed_on", "assessment_document"),
    "ibac": ("ibac_notified_on", "ibac_document"),
    "advice": ("discloser_advised_on", "advice_document"),
    "opt-out": ("opted_out_on", "opt_out_document"),
}


def _initial(key: str, assessment: DisclosureAssessment) -> dict:
    today = timezone.localdate()
    date_field, document_field = STEP_FIELDS[key]
    initial = {"document": getattr(assessment, f"{document_field}_id")}
    if key == "assessment":
        initial.update(
            received_on=assessment.received_on,
            assessment=assessment.assessment or PidAssessment.MAY_BE,
            assessed_on=assessment.assessed_on or today,
        )
    elif key == "opt-out":  # an exception, never offered as if it had happened today
        initial["received_on"] = assessment.opted_out_on
    else:
        name = {"ibac": "notified_on", "advice": "advised_on"}[key]
        initial[name] = getattr(assessment, date_field) or today
    return initial


def disclosure_page_context(concern, *, bound: dict | None = None, error: str = "") -> dict:
    """The disclosure page: the clocks, each step (done or its form) and welfare contacts."""
    bound = bound or {}
    periods, note = services.policy_of(concern.organisation)
    assessment = services.assessment_of(concern)
    steps = []
    for key, form_class in STEP_FORMS.items():
        date_field, document_field = STEP_FIELDS[key]
        form = bound.get(key) or form_class(concern=concern, initial=_initial(key, assessment))
        steps.append(
            {
                "key": key,
                "title": form_class.title,
                "form": form,
                "done_on": getattr(assessment, date_field),
                "document": getattr(assessment, document_field),
                "url": reverse("incidents:disclosure_step", args=[concern.pk, key]),
                "open": key in bound,
                # The opt-out is the discloser's, recorded only when their letter arrives.
                "expanded": key in bound
                or (key != "opt-out" and not getattr(assessment, date_field)),
                "error": error if key in bound else "",
            }
        )
    welfare_form = bound.get("welfare") or WelfareContactForm(concern=concern)
    return {
        "concern": concern,
        "note": note,
        "periods": periods,
        "assessment": assessment,
        "clocks": services.clocks_of(concern, assessment, periods),
        "steps": steps,
        "welfare_contacts": list(
            WelfareContact.objects.filter(concern=concern).select_related("contact", "named_by")
        ),
        "welfare_form": welfare_form,
        "welfare_open": "welfare" in bound,
        "welfare_error": error if "welfare" in bound else "",
    }
