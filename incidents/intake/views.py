"""Logging a concern: the form, the review page, submission and the live helpers."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.collection_notice import collection_notice_for
from config.errors import Refused
from guidance.models import PlatformCategory, UseContext
from guidance.selectors import current_sections
from incidents import permissions
from incidents.intake import context_helper, learning, selectors
from incidents.intake import services as intake
from incidents.intake.forms import ConcernForm, EvidenceForm
from incidents.intake.suggestions import SuggestionContext
from incidents.selectors import concern_record
from incidents.workflow import REQUIRED_LABELS, allowed_transitions, missing_fields

SUGGESTION_TEXT_LIMIT = 20_000


def _require_reporter(request: HttpRequest) -> None:
    if not permissions.can_log_concern(request.user):
        raise PermissionDenied("Only people with the reporter role can log concerns.")


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request: HttpRequest) -> HttpResponse:
    _require_reporter(request)
    form = ConcernForm(
        request.POST or None,
        organisation=request.user.organisation,
        initial={"intake_token": uuid.uuid4()},
    )
    if request.method == "POST" and form.is_valid():
        concern = intake.concern_create_draft(
            reporter=request.user,
            data=form.to_data(),
            intake_token=form.cleaned_data.get("intake_token"),
        )
        messages.success(request, "Draft saved. Check it, attach any screenshots, then submit.")
        return redirect("incidents:review", pk=concern.pk)
    status = 400 if form.is_bound else 200
    context = {"form": form, "collection_notice": collection_notice_for(request.user.organisation)}
    return render(request, "incidents/concern_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def concern_edit(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, for_write=True)
    concern = concern_record(concern)
    form = ConcernForm(
        request.POST or None,
        organisation=concern.organisation,
        initial=ConcernForm.initial_from(concern),
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            intake.concern_update_draft(
                concern=concern, actor=request.user, data=form.to_data(), expected_version=expected
            )
        except Refused as exc:
            conflict = str(exc)
            concern = concern_record(concern)
        else:
            messages.success(request, "Draft saved.")
            return redirect("incidents:review", pk=concern.pk)
    context = {
        "form": form,
        "concern": concern,
        "conflict": conflict,
        "collection_notice": collection_notice_for(concern.organisation),
    }
    status = 409 if conflict else 400 if form.is_bound else 200
    return render(request, "incidents/concern_form.html", context, status=status)


@login_required
@require_GET
def concern_review(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, for_write=True)
    return _render_review(request, concern, _evidence_form(request, concern))


def _evidence_form(request: HttpRequest, concern, *args) -> EvidenceForm:
    """The attach form; for a concern about private use it asks why each file is relevant."""
    return EvidenceForm(
        *args, user=request.user, private_use=concern.use_context == UseContext.PRIVATE
    )


def _render_review(
    request: HttpRequest, concern, evidence_form: EvidenceForm, *, status: int = 200
) -> HttpResponse:
    concern = concern_record(concern)
    submit = next(iter(allowed_transitions(request.user, concern)), None)
    suggested = learning.suggest_for(
        concern.organisation_id,
        concern.description[:SUGGESTION_TEXT_LIMIT],
        context=SuggestionContext(
            use_context=concern.use_context,
            platform=getattr(concern.platform_category, "code", ""),
            answers=concern.context_answers or {},
        ),
    )
    context = {
        "concern": concern,
        "evidence_form": evidence_form,
        "evidence": list(concern.evidence.all()),
        "missing": [
            {"name": name, "label": REQUIRED_LABELS.get(name, name)}
            for name in (missing_fields(concern, submit) if submit else [])
        ],
        "can_submit": submit is not None,
        "duplicates": selectors.possible_duplicates(concern, request.user),
        "suggestions": suggested,
        "assessment": context_helper.assess(
            concern.context_answers, serious_sections={s.code for s in suggested}
        ),
    }
    return render(request, "incidents/concern_review.html", context, status=status)


@login_required
@require_POST
def concern_submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        # The permission-checked read is also the lock the submission takes: one query.
        with transaction.atomic():
            concern = permissions.get_concern_for_user(request.user, pk, for_write=True, lock=True)
            concern = intake.concern_submit(
                concern=concern, actor=request.user, expected_version=expected, locked=True
            )
    except Refused as exc:
        messages.error(request, str(exc))
        # As it is now: perhaps submitted meanwhile, from another tab.
        concern = permissions.get_concern_for_user(request.user, pk)
        return _render_review(request, concern, _evidence_form(request, concern), status=409)
    messages.success(
        request,
        f"Thank you. Your concern has been logged as {concern.reference}. "
        "HR will look at it; you can follow its status under My concerns.",
    )
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, for_write=True)
    form = _evidence_form(request, concern, request.POST, request.FILES)
    if not form.is_valid():
        return _render_review(request, concern, form, status=400)
    evidence = intake.evidence_add(
        concern=concern,
        actor=request.user,
        upload=form.cleaned_data["file"],
        captured_url=form.cleaned_data["captured_url"],
        captured_at=form.cleaned_data["captured_at"],
        post_deleted=form.cleaned_data["post_deleted"],
        **form.private_details(),
    )
    form.discard_staged()
    messages.success(request, f"Attached {evidence.original_name}.")
    return redirect("incidents:review", pk=concern.pk)


def _posted_context(data) -> SuggestionContext:
    """The structured answers on the form so far, as evidence for the suggestions."""
    platform = data.get("platform_category", "")
    code = ""
    if platform.isdigit():
        code = (
            PlatformCategory.objects.filter(pk=int(platform)).values_list("code", flat=True).first()
        ) or ""
    answers = {
        key: data.get(f"q_{key}")
        for key, _ in context_helper.QUESTIONS
        if data.get(f"q_{key}") in ("yes", "no", "unsure")
    }
    return SuggestionContext(
        use_context=data.get("use_context", ""), platform=code, answers=answers
    )


@login_required
@require_POST
def suggest_sections(request: HttpRequest) -> HttpResponse:
    """Live section suggestions while the reporter types (htmx). Nothing is ticked for them."""
    _require_reporter(request)
    text = request.POST.get("description", "")[:SUGGESTION_TEXT_LIMIT]
    found = learning.suggest_for(
        request.user.organisation_id, text, context=_posted_context(request.POST)
    )
    titles = {s.code: s for s in current_sections()}
    return render(
        request,
        "incidents/partials/section_suggestions.html",
        {"suggestions": [s for s in found if s.code in titles]},
    )


@login_required
@require_POST
def use_context_helper(request: HttpRequest) -> HttpResponse:
    """Suggest official, private or unclear use from the helper questions (htmx)."""
    _require_reporter(request)
    answers = {
        key: request.POST.get(f"q_{key}", "")
        for key, _ in context_helper.QUESTIONS
        if request.POST.get(f"q_{key}") in ("yes", "no", "unsure")
    }
    text = request.POST.get("description", "")[:SUGGESTION_TEXT_LIMIT]
    serious = {s.code for s in learning.suggest_for(request.user.organisation_id, text)}
    return render(
        request,
        "incidents/partials/context_suggestion.html",
        {"assessment": context_helper.assess(answers, serious_sections=serious)},
    )
