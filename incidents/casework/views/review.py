"""The concern page's Charter record and review of the outcome (issue 19): what the page
shows (`charter_review_context`), the review's two forms as lazy panels
(`review_panels`), and their POST views."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import Refused
from incidents import charter, permissions, workflow
from incidents import review as outcome_review
from incidents.casework import services as casework
from incidents.casework.forms import ReviewDecisionForm, ReviewRequestForm
from incidents.models import ActionTaken, Concern, Finding, Status

REVIEW_PANEL_KEYS = ("review_request", "review_decision")
_FINDING_LABELS = dict(Finding.choices)
_ACTION_LABELS = dict(ActionTaken.choices)


def _described(findings: dict, action: str) -> list[str]:
    lines = [
        f"{code}: {_FINDING_LABELS.get(value, 'no finding')}" for code, value in findings.items()
    ]
    lines.append(f"Action: {_ACTION_LABELS.get(action, 'none')}")
    return lines


def charter_review_context(user, concern: Concern) -> dict:
    """The Charter records and the outcome's review, for HR's concern page: read only past
    submission (charter.records) and once an outcome could have been issued (review.latest)."""
    review = outcome_review.current(concern)
    return {
        "rights_considerations": charter.records(concern),
        "outcome_review": review,
        "review_original": (
            _described(review.original_findings, review.original_action_taken) if review else []
        ),
        "review_reviewed": (
            _described(review.reviewed_findings, review.reviewed_action_taken)
            if review and review.is_decided
            else []
        ),
        "review_withheld": permissions.review_withheld_reason(user, concern),
    }


def _review_rule(user, concern: Concern, name: str):
    rule = workflow.BY_NAME[name]
    if concern.status in rule.sources and permissions.can_apply_transition(user, concern, rule):
        return rule
    return None


def review_panels(user, concern: Concern, bound: dict, panel) -> dict:
    """The review's forms this person may use now, as panels (`panel` is case_panels' own
    maker); none is rendered on the page."""
    panels = {}
    version = {"version": concern.version}
    if _review_rule(user, concern, "request_review"):
        review = outcome_review.current(concern)
        if outcome_review.may_be_requested(concern):
            form = bound.get("review_request") or ReviewRequestForm(
                initial=version,
                candidates=permissions.eligible_reviewers(concern),
                review=review,
            )
            panels["review_request"] = panel(
                "review_request",
                form,
                reverse("incidents:review_request", args=[concern.pk]),
                label="Record a request for review",
                title="The employee asks for a review of the outcome",
                submit="Record the request",
                style="outline-secondary",
            )
    if concern.status == Status.REVIEW and permissions.is_reviewer_of(user, concern):
        form = bound.get("review_decision") or ReviewDecisionForm(
            initial={**version, "action_taken": concern.action_taken},
            findings=list(concern.findings.all()),
        )
        panels["review_decision"] = panel(
            "review_decision",
            form,
            reverse("incidents:review_decide", args=[concern.pk]),
            label="Record the review's result",
            title="Result of the review",
            submit="Record the result",
            style="primary",
        )
    return panels


def _render(request, concern, key, form, *, status, error=None) -> HttpResponse:
    from incidents.casework.views.case import render_case

    return render_case(request, concern, bound={key: form}, status=status, error=error)


@login_required
@require_POST
def review_request(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not _review_rule(request.user, concern, "request_review"):
        raise PermissionDenied("You cannot record a request for review of this concern.")
    form = ReviewRequestForm(
        request.POST,
        candidates=permissions.eligible_reviewers(concern),
        review=outcome_review.current(concern),
    )
    if not form.is_valid():
        return _render(request, concern, "review_request", form, status=400)
    try:
        concern = casework.outcome_review_request(
            concern=concern,
            actor=request.user,
            requested_on=form.cleaned_data["requested_on"],
            reviewer=form.cleaned_data["reviewer"],
            expected_version=form.cleaned_data["version"],
        )
    except Refused as exc:
        return _render(request, concern, "review_request", form, status=409, error=str(exc))
    messages.success(request, f"{concern.reference} {workflow.BY_NAME['request_review'].done}.")
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.is_reviewer_of(request.user, concern):
        raise PermissionDenied(
            permissions.review_withheld_reason(request.user, concern)
            or "Only the outcome's reviewer records the result of its review."
        )
    form = ReviewDecisionForm(
        request.POST, findings=list(concern.findings.select_related("section"))
    )
    if not form.is_valid():
        return _render(request, concern, "review_decision", form, status=400)
    action = form.cleaned_data["result"]
    findings, action_taken = form.varied()
    try:
        concern = casework.outcome_review_decide(
            concern=concern,
            actor=request.user,
            action=action,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
            findings=findings if action == "vary_on_review" else None,
            action_taken=action_taken,
        )
    except Refused as exc:
        return _render(request, concern, "review_decision", form, status=409, error=str(exc))
    messages.success(request, f"{concern.reference} {workflow.BY_NAME[action].done}.")
    return redirect("incidents:detail", pk=concern.pk)
