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
        )
    elif kind == LetterKind.REPORTER_CLOSURE:
        reporter = concern.reporter
        values.update(
            reporter_name=reporter.display_name if reporter else None,
            message=message.strip() or None,
        )
    return values


def letters_context(user, concern: Concern) -> dict:
    """The concern page's link to its letters: a boolean, no query."""
    from incidents import permissions

    return {"letters_link": permissions.can_see_letters_link(user, concern)}
