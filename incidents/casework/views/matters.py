"""Linking a concern with another as the same matter, and unlinking it: one small POST
view each, on the concern's page (the panel is incidents/casework/related.py)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from config.errors import Refused
from incidents import permissions
from incidents.casework import matters
from incidents.casework.forms import MatterLinkForm, MatterUnlinkForm

from .case import render_case

NOT_FOUND = (
    "No concern with that reference that you can open. Check the reference on the other "
    "concern's page."
)


def _hr_concern_to_link(request: HttpRequest, pk: int):
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_link_matter(request.user, concern):
        raise PermissionDenied("Linking is for the concern's investigator or an HR manager.")
    return concern


@login_required
@require_POST
def link_matter(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern_to_link(request, pk)
    form = MatterLinkForm(request.POST)
    other = None
    if form.is_valid():
        other = permissions.find_concern_for_user(
            request.user, form.cleaned_data["other_reference"]
        )
        if other is None:
            form.add_error("other_reference", NOT_FOUND)
    if not form.is_valid():
        return render_case(request, concern, bound={"matter_link": form}, status=400)
    try:
        matters.matter_link(
            concern=concern,
            other=other,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except Refused as exc:
        return render_case(
            request, concern, bound={"matter_link": form}, status=exc.status, error=str(exc)
        )
    messages.success(request, f"Linked with {other.reference} as the same matter.")
    return redirect("incidents:detail", pk=concern.pk)


@login_required
@require_POST
def unlink_matter(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern_to_link(request, pk)
    form = MatterUnlinkForm(request.POST)
    if not form.is_valid():
        return render_case(request, concern, bound={"matter_unlink": form}, status=400)
    try:
        matters.matter_unlink(
            concern=concern,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except Refused as exc:
        return render_case(
            request, concern, bound={"matter_unlink": form}, status=exc.status, error=str(exc)
        )
    messages.success(request, "Unlinked from the matter. It now counts in trends on its own.")
    return redirect("incidents:detail", pk=concern.pk)
