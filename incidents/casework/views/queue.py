"""Reading concerns: the reporter's list, HR's work queue, a concern's page, evidence."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from incidents import permissions
from incidents.casework import selectors
from incidents.casework import services as casework
from incidents.casework.forms import QUEUES, BulkAssignForm, QueueFilterForm
from incidents.disclosures.context import mark_queue_clocks

PAGE_SIZE = 25


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
    mark_queue_clocks(request.user, page.object_list)
    can_bulk_assign = permissions.can_bulk_assign(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "tabs": _queue_tabs(query, current=request.GET.get("queue") or "all"),
        "query": query.urlencode(),
        "can_bulk_assign": can_bulk_assign,
        "staff": permissions.hr_staff(request.user.organisation_id) if can_bulk_assign else [],
    }
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    return render(request, "incidents/concern_list.html", context, status=status)


def _queue_tabs(query, *, current: str) -> list[dict]:
    """Each queue's link, keeping the search, filters and sort applied (a new queue
    starts at its first page)."""
    tabs = []
    for value, label in QUEUES:
        params = query.copy()
        params["queue"] = value
        tabs.append({"label": label, "url": "?" + params.urlencode(), "active": value == current})
    return tabs


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
    result = casework.concerns_assign_many(
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
