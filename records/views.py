"""Retention pages: the disposal list and approval, the register, legal holds."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from config.errors import Refused
from incidents.casework.views.case import render_case
from incidents.models import Concern
from incidents.permissions import get_concern_for_user

from . import permissions, selectors, services
from .forms import DisposalApprovalForm, LegalHoldForm, ReleaseHoldForm

LIST_LIMIT = 200


def _require_records_manager(request: HttpRequest) -> None:
    if not permissions.can_manage_records(request.user):
        raise PermissionDenied


def _approvable(user):
    """Concerns on the list that can be approved now: not on hold, not yet approved."""
    candidates = selectors.disposal_candidates(user).filter(on_hold=False, approved_at=None)
    return Concern.objects.filter(pk__in=candidates.values("concern_id")).order_by("reference")


def _render_disposal_list(request, form=None, *, status=200, error=None) -> HttpResponse:
    user = request.user
    form = form or DisposalApprovalForm(candidates=_approvable(user))
    candidates = selectors.disposal_candidates(user)
    context = {
        "candidates": list(candidates[:LIST_LIMIT]),
        "total": candidates.count(),
        "holds": list(selectors.held_concerns(user)[:200]),
        "form": form,
        "chosen": {str(value) for value in (form["concerns"].value() or [])},
        "error": error,
    }
    return render(request, "records/disposal_list.html", context, status=status)


@login_required
def disposal_list(request: HttpRequest) -> HttpResponse:
    _require_records_manager(request)
    return _render_disposal_list(request)


@login_required
@require_POST
def disposal_approve(request: HttpRequest) -> HttpResponse:
    _require_records_manager(request)
    form = DisposalApprovalForm(request.POST, candidates=_approvable(request.user))
    if not form.is_valid():
        return _render_disposal_list(request, form, status=400)
    try:
        approved = services.disposal_approve(
            actor=request.user,
            concern_ids=[concern.pk for concern in form.cleaned_data["concerns"]],
            note=form.cleaned_data["note"],
        )
    except Refused as exc:
        return _render_disposal_list(request, form, status=409, error=str(exc))
    messages.success(
        request,
        f"Disposal approved for {len(approved)} concern(s). "
        "Each is recorded in the disposal register once it is done.",
    )
    return redirect("records:disposal")


@login_required
def disposal_register(request: HttpRequest) -> HttpResponse:
    _require_records_manager(request)
    page = Paginator(selectors.disposal_register(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "records/register.html", {"page": page})


def _held_concern(request: HttpRequest, pk: int) -> Concern:
    concern = get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_place_legal_hold(request.user, concern):
        raise PermissionDenied
    return concern


@login_required
@require_POST
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _held_concern(request, pk)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        return render_case(request, concern, bound={"hold_place": form}, status=400)
    try:
        services.legal_hold_place(
            concern=concern, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except Refused as exc:
        return render_case(request, concern, bound={"hold_place": form}, status=409, error=str(exc))
    messages.success(
        request, "Legal hold placed. The concern cannot be disposed of while it stands."
    )
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _held_concern(request, pk)
    form = ReleaseHoldForm(request.POST)
    if not form.is_valid():
        return render_case(request, concern, bound={"hold_release": form}, status=400)
    try:
        services.legal_hold_release(
            concern=concern, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except Refused as exc:
        return render_case(
            request, concern, bound={"hold_release": form}, status=409, error=str(exc)
        )
    messages.success(request, "Legal hold released.")
    return redirect("incidents:detail", pk=concern.pk)
