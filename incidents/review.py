"""Review of an outcome: the period to seek one, the request, and the reviewer's result.

The outcome is issued when the concern is closed: an `OutcomeReview` row keeps it as
issued (findings and action) with the last day a review may be sought (the
organisation's period, 14 days by default, in calendar days). The employee's request is
recorded by a case manager with the `request_review` action (closed -> outcome under
review), naming a reviewer who neither investigated the concern nor issued the outcome
(`incidents.permissions.review_refusal`). The reviewer confirms, varies or sets aside the
outcome (back to closed). A varied outcome replaces the findings and action on the
concern; a set-aside one clears them: what the trend figures count from then on. The
row keeps the outcome as issued beside the reviewed one.

The workflow runs these as effects of its actions (`incidents.workflow.ON_ACTION`), in
the status change's transaction, so every path (pages, API) goes through them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused

from . import charter
from .models import ActionTaken, Concern, ConfirmedSection, Finding, OutcomeReview, ReviewResult

RESULT_OF_ACTION = {
    "confirm_on_review": ReviewResult.CONFIRMED,
    "vary_on_review": ReviewResult.VARIED,
    "set_aside_on_review": ReviewResult.SET_ASIDE,
}


def latest(concern: Concern) -> OutcomeReview | None:
    """The concern's latest issued outcome with its review, if it was ever closed: one
    query, once per object; none before a decision could have been issued."""
    if "_outcome_review" not in concern.__dict__:
        row = None
        if concern.pk is not None and concern.status in ("closed", "review", "triage"):
            row = (
                OutcomeReview.objects.filter(concern_id=concern.pk)
                .select_related("reviewer", "issued_by")
                .order_by("-issued_at", "-pk")
                .first()
            )
        concern.__dict__["_outcome_review"] = row
    return concern.__dict__["_outcome_review"]


def current(concern: Concern) -> OutcomeReview | None:
    """The review of the outcome the concern has now (closed or under review), or None."""
    row = latest(concern)
    if row is None or concern.closed_at is None or row.issued_at != concern.closed_at:
        return None
    return row


def forget(concern: Concern) -> None:
    concern.__dict__.pop("_outcome_review", None)


def may_be_requested(concern: Concern) -> bool:
    """The outcome stands, was issued at closure, and no review of it is recorded yet."""
    row = current(concern)
    return concern.status == "closed" and row is not None and not row.is_requested


def outcome_of(concern: Concern) -> tuple[dict[str, str], str]:
    """The concern's findings by section code, and its action taken."""
    findings = {
        row.section.code: row.finding
        for row in ConfirmedSection.objects.filter(concern_id=concern.pk).select_related("section")
    }
    return findings, concern.action_taken


# --- Effects of the workflow's actions -------------------------------------------------


def issue_outcome(change) -> None:
    """Closing a concern after its decision issues the outcome, and starts the period in
    which the employee may seek a review of it."""
    concern = change.concern
    if change.before == "review":  # the review's result, not a new outcome
        return
    findings, action = outcome_of(concern)
    issued_on = timezone.localdate(change.at)
    due = issued_on + dt.timedelta(days=charter.review_days(concern.organisation))
    OutcomeReview.objects.create(
        concern=concern,
        issued_at=change.at,
        issued_by=change.actor if getattr(change.actor, "pk", None) else None,
        review_due_on=due,
        original_findings=findings,
        original_action_taken=action,
    )
    forget(concern)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=change.actor,
        kind=EventKind.OUTCOME_ISSUED,
        at=change.at,
        after={"review_due_on": due.isoformat(), "findings": findings, "action_taken": action},
    )


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise Refused("Give the date the employee asked for the review, as YYYY-MM-DD.") from None


def review_requested(change, inputs: dict[str, str]) -> None:
    """The employee asked for a review: record when, and who reviews it."""
    from django.contrib.auth import get_user_model

    from . import permissions

    concern = change.concern
    row = (
        OutcomeReview.objects.select_for_update()
        .filter(concern_id=concern.pk, issued_at=concern.closed_at)
        .first()
    )
    if row is None or row.is_requested:
        raise Refused("This outcome has already been reviewed, or was never issued at closure.")
    requested_on = _parse_date(inputs.get("requested_on", ""))
    if requested_on > timezone.localdate(change.at):
        raise Refused("The date the employee asked for the review can't be in the future.")
    if requested_on < timezone.localdate(row.issued_at):
        raise Refused("The employee can't have asked for a review before the outcome was issued.")
    if requested_on > row.review_due_on:
        raise Refused(
            f"The period to seek a review of this outcome ended on "
            f"{row.review_due_on:%-d %B %Y}: a request made after then cannot be recorded."
        )
    try:
        reviewer = get_user_model().objects.get(pk=int(inputs.get("reviewer", "")))
    except (ValueError, TypeError, get_user_model().DoesNotExist):
        raise Refused("Choose the reviewer from the people offered.") from None
    reason = permissions.review_refusal(reviewer, concern, review=row)
    if reason:
        raise Refused(reason)
    row.requested_on, row.reviewer = requested_on, reviewer
    row.save(update_fields=["requested_on", "reviewer"])
    forget(concern)


def review_decided(change, inputs: dict[str, str]) -> None:
    """The reviewer's result: the outcome confirmed, varied (the varied findings and action
    were staged on the review by `outcome_review_decide`) or set aside."""
    concern = change.concern
    result = RESULT_OF_ACTION[change.rule.name]
    row = (
        OutcomeReview.objects.select_for_update()
        .filter(concern_id=concern.pk, issued_at=concern.closed_at)
        .first()
    )
    if row is None or not row.is_requested or row.is_decided:
        raise Refused("There is no review of this outcome waiting for its result.")
    before_findings, before_action = outcome_of(concern)
    rows = {r.section.code: r for r in concern.findings.select_related("section")}
    if result == ReviewResult.CONFIRMED:
        findings, action = before_findings, before_action
    elif result == ReviewResult.SET_ASIDE:
        findings, action = dict.fromkeys(before_findings, ""), ""
    else:
        staged = row.reviewed_findings or {}
        if not staged or set(staged) != set(rows):
            raise Refused(
                "Give the varied outcome with the review form: a finding for every confirmed "
                "section, and the action."
            )
        findings, action = staged, row.reviewed_action_taken
        valid = {value for value, _ in Finding.choices}
        if not all(value in valid for value in findings.values()) or (
            action and action not in ActionTaken.values
        ):
            raise Refused("The varied outcome has a finding or action that does not exist.")
        if findings == before_findings and action == before_action:
            raise Refused("The varied outcome is the same as the one issued: confirm it instead.")
    for code, value in findings.items():
        if rows[code].finding != value:
            rows[code].finding = value
            rows[code].save(update_fields=["finding"])
    Concern.objects.filter(pk=concern.pk).update(action_taken=action)
    concern.action_taken = action
    row.result = result
    row.reasons = inputs.get("reason", "")
    row.decided_at = change.at
    row.reviewed_findings, row.reviewed_action_taken = findings, action
    row.save(
        update_fields=[
            "result",
            "reasons",
            "decided_at",
            "reviewed_findings",
            "reviewed_action_taken",
        ]
    )
    forget(concern)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=change.actor,
        kind=EventKind.OUTCOME_REVIEWED,
        at=change.at,
        before={"findings": before_findings, "action_taken": before_action},
        after={"result": result, "findings": findings, "action_taken": action},
    )
