"""Reading concerns: the reporter's list, HR's list, a concern's page, evidence download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import permissions, selectors, services

PAGE_SIZE = 25


@login_required
@require_GET
def my_concerns(request: HttpRequest) -> HttpResponse:
    if not permissions.can_log_concern(request.user):
        raise PermissionDenied("Only people with the reporter role log concerns.")
    page = Paginator(selectors.my_concerns(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/my_concerns.html", {"page": page})


@login_required
@require_GET
def concern_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_see_hr_list(request.user):
        raise PermissionDenied("This list is for HR.")
    page = Paginator(selectors.hr_concern_list(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/concern_list.html", {"page": page})


@login_required
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk)
    if permissions.can_view_case_record(request.user, concern):
        concern = selectors.concern_record(concern)
        return render(
            request,
            "incidents/concern_record.html",
            {"concern": concern, "evidence": list(concern.evidence.all())},
        )
    return render(
        request,
        "incidents/concern_status.html",
        {"concern": concern, "can_edit": permissions.can_edit_draft(request.user, concern)},
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    evidence = permissions.get_evidence_for_user(request.user, pk, evidence_pk)
    services.evidence_record_download(evidence=evidence, actor=request.user)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
