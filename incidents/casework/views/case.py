"""HR's page for one concern and the small POST views for each action on it.

Every view fetches through the permission-checked getter, checks the one rule it
needs, validates a form, calls one service, and redirects. When a form is wrong
or someone else got there first, the page comes back with the form as typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.access import access_record
from audit.models import AccessRecord
from config.errors import Refused
from incidents import permissions, workflow
from incidents.casework import selectors
from incidents.casework import services as casework
from incidents.casework.forms import (
    ActionForm,
    AssignForm,
    FairnessForm,
    FindingsForm,
    NoteForm,
    ReportingLineForm,
    RestrictForm,
    StepAsideForm,
    TriageForm,
)
from incidents.casework.related import related_context
from incidents.documents.context import documents_context
from incidents.models import Concern, Status
from incidents.selectors import concern_record
from records import permissions as retention_permissions
from records import selectors as retention_selectors
from records.forms import LegalHoldForm, ReleaseHoldForm

TRIAGE_STAGES = (Status.SUBMITTED, Status.TRIAGE)


def _hr_concern(request: HttpRequest, pk: int) -> Concern:
    return permissions.get_concern_for_user(request.user, pk, full_record=True)


def render_case(
    request: HttpRequest,
    concern: Concern,
    *,
    bound: dict | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    """The concern page; `bound` replaces one form with the user's submission."""
    bound = bound or {}
    user = request.user
    concern = concern_record(concern)
    version = {"version": concern.version}
    findings = list(concern.findings.all())
    can_work = permissions.can_work_on(user, concern)
    actions = []
    for rule in workflow.allowed_transitions(user, concern):
        form = bound.get(f"action:{rule.name}") or ActionForm(initial=version, rule=rule)
        actions.append(
            {
                "rule": rule,
                "form": form,
                "missing": [
                    workflow.REQUIRED_LABELS[name]
                    for name in workflow.missing_fields(concern, rule)
                ],
            }
        )
    forms = {}
    if can_work and concern.status in TRIAGE_STAGES:
        forms["triage"] = bound.get("triage") or TriageForm(
            initial={
                **version,
                "graduated_response": concern.graduated_response,
                "risk_rating": concern.risk_rating,
                "sections": [row.section_id for row in findings]
                or [s.pk for s in concern.reported_sections.all()],
            }
        )
    staff = None
    if permissions.can_assign(user, concern):
        staff = list(permissions.hr_staff(concern.organisation_id).prefetch_related("role_grants"))
        forms["assign"] = bound.get("assign") or AssignForm(
            initial={**version, "assignee": concern.assignee_id},
            candidates=permissions.assignable_staff(concern, staff=staff),
        )
    if permissions.can_step_aside(user, concern):
        forms["step_aside"] = bound.get("step_aside") or StepAsideForm()
    if permissions.can_edit_reporting_line(user, concern):
        forms["reporting_line"] = bound.get("reporting_line") or ReportingLineForm(
            organisation=concern.organisation, current=concern.subject.reporting_line.all()
        )
    if permissions.can_edit_investigation(user, concern):
        forms["fairness"] = bound.get("fairness") or FairnessForm(
            initial={
                **version,
                "allegation_notified_on": concern.allegation_notified_on,
                "response_due_on": concern.response_due_on,
                "response_received_on": concern.response_received_on,
            }
        )
        forms["findings"] = bound.get("findings") or FindingsForm(
            initial={
                **version,
                "action_taken": concern.action_taken,
                "outcome_summary": concern.outcome_summary,
            },
            findings=findings,
        )
    if permissions.can_add_note(user, concern):
        forms["note"] = bound.get("note") or NoteForm()
    if permissions.can_flag_pid(user, concern):
        forms["restrict"] = bound.get("restrict") or RestrictForm()
    withheld = workflow.withheld_transitions(user, concern)
    no_approver = (
        "assign" in forms or any(rule.actor == "decision_maker" for rule, _ in withheld)
    ) and not permissions.eligible_approvers(concern, staff=staff)
    context = {
        "concern": concern,
        "withheld": withheld,
        "no_approver": permissions.NO_APPROVER if no_approver else "",
        "evidence": list(concern.evidence.all()),
        "findings": findings,
        "timeline": list(selectors.timeline(concern)),
        "notes": list(selectors.notes(concern)),
        "actions": actions,
        "forms": forms,
        "error": error,
        "fairness_met": workflow.fairness_met(concern),
        "investigation_locked": (
            permissions.INVESTIGATION_LOCKED
            if can_work and concern.status == Status.DECISION
            else ""
        ),
        "can_view_access_log": permissions.can_view_access_log(user, concern),
        "can_export_person": permissions.can_export_person(user, concern),
        **_retention_context(user, concern, bound),
        **related_context(user, concern, bound),
        **documents_context(user, concern, bound),
    }
    return render(request, "incidents/concern_record.html", context, status=status)


def _retention_context(user, concern: Concern, bound: dict) -> dict:
    """The records panel: retention class and date, legal holds, and the hold forms."""
    if not retention_permissions.can_view_retention(user, concern):
        return {}
    holds = retention_selectors.holds_of(concern)
    context = {
        "show_retention": True,
        "retention": retention_selectors.retention_of(concern),
        "holds": holds,
        "hold_form": None,
    }
    if retention_permissions.can_place_legal_hold(user, concern):
        if any(hold.is_active for hold in holds):
            context["hold_form"] = bound.get("hold_release") or ReleaseHoldForm()
            context["hold_action"] = "release"
        else:
            context["hold_form"] = bound.get("hold_place") or LegalHoldForm()
            context["hold_action"] = "place"
    return context


def _refused(request, concern, exc, *, bound: dict) -> HttpResponse:
    return render_case(request, concern, bound=bound, status=409, error=str(exc))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk)
    rule = workflow.BY_NAME.get(action)
    if rule is None or rule.name == "submit":
        raise Http404("No such action.")
    if not permissions.can_apply_transition(request.user, concern, rule):
        raise PermissionDenied("You cannot do that to this concern.")
    form = ActionForm(request.POST, rule=rule)
    key = f"action:{rule.name}"
    if not form.is_valid():
        return _render_after_action(request, concern, form, key, status=400)
    try:
        concern = casework.concern_act(
            concern=concern,
            actor=request.user,
            action=rule.name,
            expected_version=form.cleaned_data["version"],
            inputs=form.inputs(),
        )
    except Refused as exc:
        return _render_after_action(request, concern, form, key, status=409, error=str(exc))
    messages.success(request, f"{concern.reference or 'The draft'} {rule.done}.")
    if permissions.can_view_case_record(request.user, concern):
        return redirect("incidents:detail", pk=concern.pk)
    return redirect("incidents:mine" if rule.actor == "author" else "incidents:list")


def _render_after_action(request, concern, form, key, *, status, error=None):
    if permissions.can_view_case_record(request.user, concern):
        return render_case(request, concern, bound={key: form}, status=status, error=error)
    messages.error(request, error or "Please check the form: " + form.errors.as_text())
    return render(
        request,
        "incidents/concern_status.html",
        {"concern": concern, "withdraw_form": form, "status_error": error},
        status=status,
    )


def _post_form(request, concern, key, form, call, success: str) -> HttpResponse:
    """Shared recipe: validate, call the service, redirect; or re-render with the form."""
    if not form.is_valid():
        return render_case(request, concern, bound={key: form}, status=400)
    try:
        call(form)
    except Refused as exc:
        return _refused(request, concern, exc, bound={key: form})
    messages.success(request, success)
    if permissions.can_view_case_record(request.user, Concern.objects.get(pk=concern.pk)):
        return redirect("incidents:detail", pk=concern.pk)
    return redirect("incidents:list")


@login_required
@require_POST
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_work_on(request.user, concern):
        raise PermissionDenied
    form = TriageForm(request.POST)
    return _post_form(
        request,
        concern,
        "triage",
        form,
        lambda f: casework.concern_record_triage(
            concern=concern,
            actor=request.user,
            data=casework.TriageData(
                graduated_response=f.cleaned_data["graduated_response"],
                risk_rating=f.cleaned_data["risk_rating"],
                sections=list(f.cleaned_data["sections"]),
            ),
            expected_version=f.cleaned_data["version"],
        ),
        "Triage recorded.",
    )


@login_required
@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_assign(request.user, concern):
        raise PermissionDenied
    form = AssignForm(request.POST, candidates=permissions.assignable_staff(concern))
    return _post_form(
        request,
        concern,
        "assign",
        form,
        lambda f: _assign_and_warn(request, concern, f),
        "Assigned.",
    )


def _assign_and_warn(request: HttpRequest, concern: Concern, form: AssignForm) -> None:
    assigned = casework.concern_assign(
        concern=concern,
        actor=request.user,
        assignee=form.cleaned_data["assignee"],
        expected_version=form.cleaned_data["version"],
    )
    if not permissions.eligible_approvers(assigned):
        messages.warning(request, permissions.NO_APPROVER)


@login_required
@require_POST
def step_aside(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_step_aside(request.user, concern):
        raise PermissionDenied
    form = StepAsideForm(request.POST)
    return _post_form(
        request,
        concern,
        "step_aside",
        form,
        lambda f: casework.concern_step_aside(
            concern=concern, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        "You have stepped aside. The HR manager will reassign the concern.",
    )


@login_required
@require_POST
def reporting_line(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_edit_reporting_line(request.user, concern):
        raise PermissionDenied
    form = ReportingLineForm(
        request.POST,
        organisation=concern.organisation,
        current=concern.subject.reporting_line.all(),
    )
    return _post_form(
        request,
        concern,
        "reporting_line",
        form,
        lambda f: casework.person_set_reporting_line(
            concern=concern, actor=request.user, managers=f.managers()
        ),
        "Reporting line recorded.",
    )


@login_required
@require_POST
def fairness(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_work_on(request.user, concern):
        raise PermissionDenied
    form = FairnessForm(request.POST)
    return _post_form(
        request,
        concern,
        "fairness",
        form,
        lambda f: casework.concern_record_fairness(
            concern=concern,
            actor=request.user,
            data=casework.FairnessData(
                allegation_notified_on=f.cleaned_data["allegation_notified_on"],
                response_due_on=f.cleaned_data["response_due_on"],
                response_received_on=f.cleaned_data["response_received_on"],
            ),
            expected_version=f.cleaned_data["version"],
        ),
        "Procedural fairness steps recorded.",
    )


@login_required
@require_POST
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_work_on(request.user, concern):
        raise PermissionDenied
    form = FindingsForm(request.POST, findings=list(concern.findings.select_related("section")))
    return _post_form(
        request,
        concern,
        "findings",
        form,
        lambda f: casework.concern_record_findings(
            concern=concern,
            actor=request.user,
            data=casework.FindingsData(
                findings=f.findings(),
                action_taken=f.cleaned_data["action_taken"],
                outcome_summary=f.cleaned_data["outcome_summary"].strip(),
            ),
            expected_version=f.cleaned_data["version"],
        ),
        "Findings recorded.",
    )


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_add_note(request.user, concern):
        raise PermissionDenied
    form = NoteForm(request.POST)
    return _post_form(
        request,
        concern,
        "note",
        form,
        lambda f: casework.note_add(
            concern=concern, actor=request.user, text=f.cleaned_data["text"]
        ),
        "Note added.",
    )


@login_required
@require_POST
def restrict(request: HttpRequest, pk: int) -> HttpResponse:
    concern = _hr_concern(request, pk)
    if not permissions.can_flag_pid(request.user, concern):
        raise PermissionDenied
    form = RestrictForm(request.POST)
    return _post_form(
        request,
        concern,
        "restrict",
        form,
        lambda f: casework.concern_restrict(
            concern=concern, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        "Restricted as a possible public interest disclosure. Only the coordinator can see it now.",
    )


@login_required
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk)
    access_record(concern=concern, user=request.user, action=AccessRecord.Action.VIEWED)
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
def access_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who opened this concern and its files. Reading it is recorded too."""
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_view_access_log(request.user, concern):
        raise PermissionDenied("The access log is for HR managers.")
    access_record(concern=concern, user=request.user, action=AccessRecord.Action.LOG_READ)
    page = Paginator(selectors.access_log(concern), 50).get_page(request.GET.get("page"))
    return render(request, "incidents/access_log.html", {"concern": concern, "page": page})
