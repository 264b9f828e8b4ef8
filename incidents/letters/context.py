"""What a letter's placeholders are filled with: plain strings made here from the concern
and what HR gave when drafting. Nothing else reaches the template text."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format

from incidents.models import Concern, LetterKind


def long_date(value: dt.date | None) -> str | None:
    return date_format(value, "j F Y") if value else None


def letter_values(
    concern: Concern,
    kind: str,
    *,
    facts: str = "",
    response_due_on: dt.date | None = None,
    message: str = "",
) -> dict[str, str | None]:
    """The values for this kind of letter only: a placeholder another kind may use (the
    employee's name in a message to the reporter) has no value here, whatever the text."""
    values: dict[str, str | None] = {
        "organisation_name": concern.organisation.name,
        "reference": concern.reference or None,
    }
    if kind in (LetterKind.ALLEGATION_NOTICE, LetterKind.OUTCOME):
        subject = concern.subject
        platform = concern.platform_name or ""
        if concern.platform_category_id:
            category = str(concern.platform_category)
            platform = f"{platform} ({category.lower()})" if platform else category
        values.update(
            employee_name=subject.full_name if subject else None,
            employee_position=subject.position if subject else None,
            conduct_date=long_date(concern.occurred_on),
            platform=platform or None,
        )
    findings = list(concern.findings.select_related("section"))
    if kind == LetterKind.ALLEGATION_NOTICE:
        values.update(
            sections="\n".join(f"{row.section.code} {row.section.title}" for row in findings)
            or None,
            facts=facts.strip() or None,
            response_date=long_date(response_due_on),
        )
    elif kind == LetterKind.OUTCOME:
        complete = bool(findings) and all(row.finding for row in findings)
        values.update(
            findings="\n".join(
                f"{row.section.code} {row.section.title}: {row.get_finding_display()}"
                for row in findings
            )
            if complete
            else None,
            action_taken=concern.get_action_taken_display().lower()
            if concern.action_taken
            else None,
            outcome_summary=concern.outcome_summary or None,
            review_by=long_date(_review_due_on(concern)),
            rights_considered=_rights_considered(concern),
        )
    elif kind == LetterKind.REPORTER_CLOSURE:
        reporter = concern.reporter
        values.update(
            reporter_name=reporter.display_name if reporter else None,
            message=message.strip() or None,
        )
    return values


def _review_due_on(concern: Concern) -> dt.date | None:
    """The last day to ask for a review of the outcome issued at the concern's closure."""
    from incidents.models import OutcomeReview

    return (
        OutcomeReview.objects.filter(concern_id=concern.pk, issued_at=concern.closed_at)
        .values_list("review_due_on", flat=True)
        .first()
    )


def _rights_considered(concern: Concern) -> str:
    """The current Charter records (s 38), one paragraph per decision, in the employee's
    terms; a plain line when no decision needed one."""
    from incidents import charter

    rows = [row for row in charter.records(concern) if row.current]
    if not rows:
        return (
            "No decision in this matter limited your rights in a way that needed a separate"
            " record of how they were considered."
        )
    return "\n\n".join(
        f"{row.get_step_display()}. Freedom of expression: {row.expression} Privacy and"
        f" reputation: {row.privacy} Why the response is reasonable and proportionate:"
        f" {row.proportionality}"
        for row in rows
    )


def letters_context(user, concern: Concern) -> dict:
    """The concern page's link to its letters: a boolean, no query."""
    from incidents import permissions

    return {"letters_link": permissions.can_see_letters_link(user, concern)}
