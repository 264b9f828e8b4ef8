"""Recording and ending interim measures from the concern page (HR handling it)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import Refused
from incidents import permissions
from incidents.casework import interim
from incidents.casework.interim_forms import InterimEndForm, InterimMeasureForm
from incidents.models import InterimMeasure

from .case import render_case

BACK = "#interim-heading"


@login_required
@require_POST
def interim_record(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_record_interim_measure(request.user, concern):
        raise PermissionDenied("You cannot record interim measures on this concern.")
    form = InterimMeasureForm(request.POST)
    if not form.is_valid():
        return render_case(request, concern, bound={"interim": form}, status=400)
    data = form.cleaned_data
    try:
        interim.interim_measure_record(
            concern=concern,
            actor=request.user,
            data=interim.InterimData(
                kind=data["kind"],
                other=data["other"],
                reason=data["reason"],
                starts_on=data["starts_on"],
                review_on=data["review_on"],
            ),
        )
    except Refused as exc:
        return render_case(request, concern, bound={"interim": form}, status=409, error=str(exc))
    messages.success(request, "Interim measure recorded.")
    return redirect(reverse("incidents:detail", args=[pk]) + BACK)


@login_required
@require_POST
def interim_end(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_record_interim_measure(request.user, concern):
        raise PermissionDenied("You cannot end interim measures on this concern.")
    active = list(InterimMeasure.objects.filter(concern_id=concern.pk, ended_on__isnull=True))
    form = InterimEndForm(request.POST, active=active)
    if not form.is_valid():
        return render_case(request, concern, bound={"interim_end": form}, status=400)
    try:
        interim.interim_measure_end(
            concern=concern,
            actor=request.user,
            measure_id=form.cleaned_data["measure"],
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["end_reason"],
        )
    except Refused as exc:
        return render_case(
            request, concern, bound={"interim_end": form}, status=409, error=str(exc)
        )
    messages.success(request, "Interim measure ended.")
    return redirect(reverse("incidents:detail", args=[pk]) + BACK)
