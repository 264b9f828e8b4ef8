"""The coordinator's page for a possible public interest disclosure, and its two POSTs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.access import access_record
from audit.models import AccessRecord
from config.errors import Refused
from incidents import permissions

from . import services
from .context import disclosure_page_context
from .forms import STEP_FORMS, WelfareContactForm

TEMPLATE = "incidents/disclosure.html"


def _disclosure_concern(request: HttpRequest, pk: int):
    """A restricted concern this person coordinates; else 404, as for a missing one."""
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_manage_disclosure(request.user, concern):
        raise Http404("No such disclosure.")
    return concern


def _again(request, concern, key: str, form, *, status: int, error: str = "") -> HttpResponse:
    context = disclosure_page_context(concern, bound={key: form}, error=error)
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_GET
def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _disclosure_concern(request, pk)
    access_record(
        concern=concern, user=request.user, action=AccessRecord.Action.VIEWED, detail="disclosure"
    )
    return render(request, TEMPLATE, disclosure_page_context(concern))


_SERVICES = {
    "assessment": lambda concern, user, data: services.disclosure_record_assessment(
        concern=concern,
        actor=user,
        received_on=data["received_on"],
        assessment=data["assessment"],
        assessed_on=data["assessed_on"],
        document=data["document"],
    ),
    "ibac": lambda concern, user, data: services.disclosure_record_ibac_notification(
        concern=concern, actor=user, notified_on=data["notified_on"], document=data["document"]
    ),
    "advice": lambda concern, user, data: services.disclosure_record_advice(
        concern=concern, actor=user, advised_on=data["advised_on"], document=data["document"]
    ),
    "opt-out": lambda concern, user, data: services.disclosure_record_opt_out(
        concern=concern, actor=user, received_on=data["received_on"], document=data["document"]
    ),
}


@login_required
@require_POST
def disclosure_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Record one step (the assessment, IBAC's notification, the advice, the opt-out)."""
    concern = _disclosure_concern(request, pk)
    form_class = STEP_FORMS.get(step)
    if form_class is None:
        raise Http404("No such step.")
    form = form_class(request.POST, concern=concern)
    if not form.is_valid():
        return _again(request, concern, step, form, status=400)
    try:
        _SERVICES[step](concern, request.user, form.cleaned_data)
    except Refused as exc:
        return _again(request, concern, step, form, status=409, error=str(exc))
    messages.success(request, f"{form_class.title.removeprefix('Record ').capitalize()}: saved.")
    return redirect("incidents:disclosure", pk=concern.pk)


@login_required
@require_POST
def welfare_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _disclosure_concern(request, pk)
    form = WelfareContactForm(request.POST, concern=concern)
    if not form.is_valid():
        return _again(request, concern, "welfare", form, status=400)
    try:
        services.welfare_contact_name(
            concern=concern,
            actor=request.user,
            for_whom=form.cleaned_data["for_whom"],
            contact=form.cleaned_data["contact"],
        )
    except Refused as exc:
        return _again(request, concern, "welfare", form, status=409, error=str(exc))
    messages.success(request, "Welfare contact named. They have no access to this concern.")
    return redirect("incidents:disclosure", pk=concern.pk)
