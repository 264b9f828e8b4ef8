"""The case file's pages: choose what it is for and what to leave out, watch it being
prepared, download it. HR who may produce it only (permissions.can_produce_case_file)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from config.errors import Refused
from incidents import permissions
from incidents.models import CaseFileJob

from . import services
from .forms import CaseFileForm


@login_required
@require_http_methods(["GET", "POST"])
def case_file_new(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_produce_case_file(request.user, concern):
        raise PermissionDenied("Case files are produced by the concern's investigator or managers.")
    form = CaseFileForm(request.POST if request.method == "POST" else None, concern=concern)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                job = services.case_file_start(
                    concern=concern, actor=request.user, options=form.options()
                )
            except Refused as exc:
                form.add_error(None, str(exc))
                status = exc.status
            else:
                return redirect("incidents:case_file_job", pk=pk, job_pk=job.pk)
        else:
            status = 400
    return render(
        request,
        "incidents/casefile/new.html",
        {
            "concern": concern,
            "form": form,
            "keep_hours": f"{settings.CASE_FILE_KEEP_HOURS} hours",
        },
        status=status,
    )


@login_required
@require_GET
def case_file_job(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    job = services.case_file_current(
        permissions.get_case_file_job_for_user(request.user, pk, job_pk)
    )
    template = (
        "incidents/casefile/progress.html"
        if request.headers.get("HX-Request")
        else "incidents/casefile/job.html"
    )
    return render(
        request,
        template,
        {"concern": job.concern, "job": job, "expires_at": services.expires_at(job)},
    )


@login_required
@require_GET
def case_file_download(request: HttpRequest, pk: int, job_pk: int) -> HttpResponse:
    job = services.case_file_current(
        permissions.get_case_file_job_for_user(request.user, pk, job_pk)
    )
    if job.state != CaseFileJob.State.DONE or not job.file:
        raise Http404("The case file is not ready, or it has expired.")
    return services.case_file_download(job=job, user=request.user)
