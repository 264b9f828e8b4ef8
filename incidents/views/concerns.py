"""Reading concerns: the reporter's list, HR's work queue, a concern's page, evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from audit.models import AccessRecord

from .. import handling, permissions, selectors, services, workflow
from .. import person_export as person_exports
from ..case_forms import ActionForm, BulkAssignForm, QueueFilterForm
from ..evidence import download_response
from .case import render_case

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
    """HR's work queue: unassigned, mine, overdue, all; filters, search, sort, pages."""
    if not permissions.can_see_hr_list(request.user):
        raise PermissionDenied("This list is for HR.")
    filters = QueueFilterForm(request.GET or None, organisation=request.user.organisation)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    page = selectors.CappedPaginator(
        selectors.work_queue(request.user, cleaned), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    can_bulk_assign = permissions.can_bulk_assign(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "can_bulk_assign": can_bulk_assign,
        "staff": permissions.hr_staff(request.user.organisation_id) if can_bulk_assign else [],
    }
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    return render(request, "incidents/concern_list.html", context, status=status)


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    if not permissions.can_bulk_assign(request.user):
        raise PermissionDenied("Only HR managers assign concerns.")
    form = BulkAssignForm(
        request.POST,
        concerns=permissions.hr_concerns(request.user),
        staff=permissions.hr_staff(request.user.organisation_id),
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("incidents:list")
    result = handling.concerns_assign_many(
        concerns=form.cleaned_data["concerns"],
        actor=request.user,
        assignee=form.cleaned_data["assignee"],
    )
    if result.assigned:
        messages.success(request, "Assigned: " + ", ".join(result.assigned) + ".")
    for reference, reason in result.refused:
        messages.error(request, f"{reference} was not assigned. {reason}")
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("incidents:list")


@login_required
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk)
    services.access_record(concern=concern, user=request.user, action=AccessRecord.Action.VIEWED)
    if permissions.can_view_case_record(request.user, concern):
        return render_case(request, concern)
    withdraw = workflow.BY_NAME["withdraw"]
    can_withdraw = concern.status != "draft" and permissions.can_apply_transition(
        request.user, concern, withdraw
    )
    return render(
        request,
        "incidents/concern_status.html",
        {
            "concern": concern,
            "can_edit": permissions.can_edit_draft(request.user, concern),
            "withdraw_form": ActionForm(initial={"version": concern.version}, rule=withdraw)
            if can_withdraw
            else None,
        },
    )


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Serve evidence as a download only, after checking it is the file that was attached.

    Images are served as the clean re-encoded copy unless `?original=1` asks for the
    file exactly as it was uploaded.
    """
    evidence = permissions.get_evidence_for_user(request.user, pk, evidence_pk)
    if not services.evidence_verify(evidence=evidence, actor=request.user):
        return render(
            request,
            "incidents/evidence_refused.html",
            {"concern_pk": pk},
            status=409,
        )
    return download_response(
        evidence=evidence, user=request.user, original=request.GET.get("original") == "1"
    )


@login_required
@require_GET
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who opened this concern and its files. Reading it is recorded too."""
    concern = permissions.get_concern_for_user(request.user, pk)
    if not permissions.can_view_case_record(request.user, concern):
        raise Http404("No such concern.")
    if not permissions.can_view_access_log(request.user, concern):
        raise PermissionDenied("The access log is for HR managers.")
    services.access_record(concern=concern, user=request.user, action=AccessRecord.Action.LOG_READ)
    page = Paginator(selectors.access_log(concern), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/access_log.html", {"concern": concern, "page": page})


@login_required
@require_GET
def person_export(request: HttpRequest, person_pk: int) -> HttpResponse:
    """Everything held about one employee, for an access request (HR managers)."""
    person = permissions.get_person_for_export(request.user, person_pk)
    content = person_exports.person_export(user=request.user, person=person)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="access-request-{person.pk}-{stamp}.json"'
    )
    response["Cache-Control"] = "private, no-store"
    return response
