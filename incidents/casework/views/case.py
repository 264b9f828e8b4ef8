"""HR's page for one concern and the small POST views for each action on it.

Every view fetches through the permission-checked getter, checks the one rule it
needs, validates a form, calls one service, and redirects. When a form is wrong
or someone else got there first, the page comes back with the form as typed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from audit.access import access_record
from audit.models import AccessRecord, EventKind
from config.errors import Refused
from incidents import permissions, workflow
from incidents.casefile.context import case_file_context
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
from incidents.casework.interim_context import PANEL_KEYS as INTERIM_PANEL_KEYS
from incidents.casework.interim_context import interim_context
from incidents.casework.related import related_context
from incidents.casework.views.review import REVIEW_PANEL_KEYS, charter_review_context, review_panels
from incidents.disclosures.context import disclosure_context
from incidents.documents.context import documents_context
from incidents.letters.context import letters_context
from incidents.models import Concern, Status
from incidents.reporter import views as reporter_views
from incidents.reporter.context import reporter_exchange_context
from incidents.selectors import concern_record
from records import permissions as retention_permissions
from records import selectors as retention_selectors
from records.forms import LegalHoldForm, ReleaseHoldForm

TRIAGE_STAGES = (Status.SUBMITTED, Status.TRIAGE)
# Where the page says that nobody could approve the outcome (see case_panels).
APPROVAL_AHEAD = (Status.INVESTIGATION, Status.DECISION)
TIMELINE_LATEST = 50  # events on the concern page; the rest on the paged timeline

# The workflow's stages as the step indicator shows them, and where each outcome that
# leaves that path sits on it (a dismissal or referral ends triage or the investigation).
MAIN_PATH = (Status.SUBMITTED, Status.TRIAGE, Status.INVESTIGATION, Status.DECISION, Status.CLOSED)
LEAVES_PATH_AFTER = {
    Status.WITHDRAWN: Status.SUBMITTED,
    Status.DISMISSED: Status.TRIAGE,
    Status.REFERRED: Status.TRIAGE,
}


@dataclass
class Panel:
    """One action's small form on the concern page: a button that opens it (a dialog, or
    a panel without JavaScript), or a plain button when the action needs no input."""

    key: str
    label: str  # the button that opens it
    form: forms.Form
    url: str
    title: str = ""  # the dialog's heading
    submit: str = ""  # the button that sends the form
    style: str = "secondary"
    direct: bool = False  # nothing to type or confirm: one button
    missing: list[str] = field(default_factory=list)
    open: bool = False  # it failed: it comes back open, its errors at the top
    error: str = ""
    rule: workflow.Transition | None = None  # the workflow action it applies, if one
    page_url: str = ""  # its form alone: a page without JavaScript, the dialog's content with it
    multipart: bool = False  # the form sends a file
    helper: bool = False  # the form has its own crispy layout

    @property
    def slug(self) -> str:
        return slugify(self.key)

    @property
    def lazy(self) -> bool:
        """Only the button is on the concern page; the form is fetched when it is opened.
        A form that failed is on the page, open, as the user typed it."""
        return not (self.open or self.direct or self.missing)


# The related-concerns section's two actions: (panel key, URL name, label, submit button).
MATTER_PANELS = (
    ("matter_link", "link_matter", "Link as the same matter", "Link them"),
    ("matter_unlink", "unlink_matter", "Unlink from the matter", "Unlink"),
)


# Every form the concern page can offer, by the slug of its URL (incidents:panel).
PANEL_SLUGS = frozenset(
    {slugify(f"action:{name}") for name in workflow.BY_NAME}
    | {
        "triage",
        "assign",
        "step_aside",
        "restrict",
        "reporting_line",
        "fairness",
        "findings",
        "document",
        "hold_place",
        "hold_release",
        *(key for key, *_ in MATTER_PANELS),
        *REVIEW_PANEL_KEYS,
        *INTERIM_PANEL_KEYS,
    }
)


def case_steps(concern: Concern, *, left_from: str | None = None) -> list[dict]:
    """The step indicator: each stage done, current or to come; an outcome off the main
    path (dismissed, referred, withdrawn) follows the stage it ended: `left_from`, the
    status it was in before (from the timeline), or else where that outcome usually
    comes from (a referral can also end an investigation)."""
    status = concern.status
    path = list(MAIN_PATH)
    if status in LEAVES_PATH_AFTER:
        ended = left_from if left_from in MAIN_PATH else LEAVES_PATH_AFTER[status]
        path = [*path[: path.index(ended) + 1], status]
    elif status == Status.REVIEW:  # issue 19: closed, its outcome now under review
        path = [*path, status]
    current = path.index(status) if status in path else -1
    return [
        {
            "label": Status(stage).label,
            "state": "done" if index < current else "current" if index == current else "todo",
        }
        for index, stage in enumerate(path)
    ]


def _hr_concern(request: HttpRequest, pk: int) -> Concern:
    return permissions.get_concern_for_user(request.user, pk, full_record=True)


def case_panels(
    user, concern: Concern, *, bound: dict | None = None, error: str | None = None
) -> dict:
    """Every action this person may take on `concern`, as panels, with what the page says
    about the actions withheld; `concern` comes from concern_record. No form is rendered
    here: the page shows each panel's button, and its form is fetched when it is opened.
    The larger forms are built only if they are shown (SimpleLazyObject)."""
    bound = bound or {}
    version = {"version": concern.version}
    findings = list(concern.findings.all())
    can_work = permissions.can_work_on(user, concern)
    pk = concern.pk

    def panel(key: str, form, url: str, **options) -> Panel:
        failed = key in bound
        return Panel(
            key,
            form=form,
            url=url,
            open=failed,
            error=(error or "") if failed else "",
            page_url=reverse("incidents:panel", args=[pk, slugify(key)]),
            **options,
        )

    actions = []
    for rule in workflow.allowed_transitions(user, concern):
        if rule.own_panel:  # the review's: its own form, below
            continue
        key = f"action:{rule.name}"
        form = bound.get(key) or ActionForm(
            initial=version, rule=rule, on_page=True, concern=concern
        )
        actions.append(
            panel(
                key,
                form,
                reverse("incidents:act", args=[pk, rule.name]),
                label=rule.label,
                title=rule.label,
                submit=rule.label,
                style=rule.style,
                rule=rule,
                direct=not form.asks_for_input and not form.confirmation,
                missing=[
                    workflow.REQUIRED_LABELS[name]
                    for name in workflow.missing_fields(concern, rule)
                ],
            )
        )
    panels: dict[str, Panel] = {}
    if can_work and concern.status in TRIAGE_STAGES:
        form = bound.get("triage") or SimpleLazyObject(
            lambda: TriageForm(
                initial={
                    **version,
                    "graduated_response": concern.graduated_response,
                    "risk_rating": concern.risk_rating,
                    "sections": [row.section_id for row in findings]
                    or [s.pk for s in concern.reported_sections.all()],
                }
            )
        )
        panels["triage"] = panel(
            "triage",
            form,
            reverse("incidents:triage", args=[pk]),
            label="Record triage",
            title="Record triage",
            submit="Save triage",
            style="primary" if not findings else "outline-primary",
        )
    # The organisation's HR staff, read once and only if something asks.
    staff = functools.cache(lambda: list(permissions.hr_staff(concern.organisation_id)))

    if permissions.can_assign(user, concern):
        # Built only when the form is shown (it failed, or its panel was opened).
        form = bound.get("assign") or SimpleLazyObject(
            lambda: AssignForm(
                initial={**version, "assignee": concern.assignee_id},
                candidates=permissions.assignable_staff(concern, staff=staff()),
            )
        )
        panels["assign"] = panel(
            "assign",
            form,
            reverse("incidents:assign", args=[pk]),
            label="Reassign" if concern.assignee_id else "Assign",
            title="Assign an investigator",
            submit="Assign",
            style="outline-secondary",
        )
    if permissions.can_step_aside(user, concern):
        panels["step_aside"] = panel(
            "step_aside",
            bound.get("step_aside") or StepAsideForm(),
            reverse("incidents:step_aside", args=[pk]),
            label="Step aside",
            title="Step aside (conflict of interest)",
            submit="Step aside",
            style="outline-danger",
        )
    if permissions.can_flag_pid(user, concern):
        panels["restrict"] = panel(
            "restrict",
            bound.get("restrict") or RestrictForm(),
            reverse("incidents:restrict", args=[pk]),
            label="Restrict as a possible disclosure",
            title="Restrict as a possible public interest disclosure",
            submit="Restrict now",
            style="outline-danger",
        )
    if permissions.can_edit_reporting_line(user, concern):
        panels["reporting_line"] = panel(
            "reporting_line",
            bound.get("reporting_line")
            or SimpleLazyObject(
                lambda: ReportingLineForm(
                    organisation=concern.organisation,
                    current=concern.subject.reporting_line.all(),
                )
            ),
            reverse("incidents:reporting_line", args=[pk]),
            label="Edit the reporting line",
            title="The employee's reporting line",
            submit="Save the reporting line",
            style="outline-secondary btn-sm",
        )
    if permissions.can_edit_investigation(user, concern):
        form = bound.get("fairness") or SimpleLazyObject(
            lambda: FairnessForm(
                initial={
                    **version,
                    "allegation_notified_on": concern.allegation_notified_on,
                    "response_due_on": concern.response_due_on,
                    "response_received_on": concern.response_received_on,
                }
            )
        )
        panels["fairness"] = panel(
            "fairness",
            form,
            reverse("incidents:fairness", args=[pk]),
            label="Record fairness steps",
            title="Procedural fairness",
            submit="Save fairness steps",
            style="outline-primary",
        )
        form = bound.get("findings") or SimpleLazyObject(
            lambda: FindingsForm(
                initial={
                    **version,
                    "action_taken": concern.action_taken,
                    "outcome_summary": concern.outcome_summary,
                },
                findings=findings,
                organisation=concern.organisation,
            )
        )
        panels["findings"] = panel(
            "findings",
            form,
            reverse("incidents:findings", args=[pk]),
            label="Record findings and outcome",
            title="Findings and outcome",
            submit="Save findings",
            style="outline-primary",
        )
    withheld = workflow.withheld_transitions(user, concern)
    # Whether anyone could approve the outcome is asked where it can still be acted on:
    # once someone investigates (an assignment also warns as it is made), and where the
    # approval itself is withheld from this person.
    no_approver = (
        ("assign" in panels and concern.status in APPROVAL_AHEAD)
        or any(rule.actor == "decision_maker" for rule, _ in withheld)
    ) and not permissions.eligible_approvers(concern, staff=staff())
    related = related_context(user, concern, bound)
    for key, url_name, label, submit in MATTER_PANELS:
        form = related.pop(f"{key}_form")
        if form is not None:
            panels[key] = panel(
                key,
                form,
                reverse(f"incidents:{url_name}", args=[pk]),
                label=label,
                title=label,
                submit=submit,
                style="outline-secondary",
            )
    documents = documents_context(user, concern, bound)
    document_form = documents.pop("document_form", None)
    if document_form is not None:
        panels["document"] = panel(
            "document",
            document_form,
            reverse("incidents:document_add", args=[pk]),
            label="Attach a document",
            title="Attach a case document",
            submit="Attach document",
            style="outline-secondary",
            multipart=True,
            helper=True,
        )
    panels.update(review_panels(user, concern, bound, panel))
    interim = interim_context(user, concern, bound, error)
    panels.update(interim.pop("interim_panels"))
    records = _retention_context(user, concern, bound, error)
    hold = records.get("hold_panel")
    if hold is not None:
        hold.page_url = reverse("incidents:panel", args=[pk, hold.slug])
        panels[hold.key] = hold
    return {
        "findings": findings,
        "can_work": can_work,
        "actions": actions,
        "panels": panels,
        "withheld": withheld,
        "no_approver": permissions.NO_APPROVER if no_approver else "",
        "records": records,
        "related": related,
        "documents": documents,
        "interim": interim,
    }


def render_case(
    request: HttpRequest,
    concern: Concern,
    *,
    bound: dict | None = None,
    status: int = 200,
    error: str | None = None,
) -> HttpResponse:
    """The concern page; `bound` replaces one form with the user's submission, which comes
    back open with its errors (or the refusal) at its top."""
    user = request.user
    concern = concern_record(concern)
    built = case_panels(user, concern, bound=bound, error=error)
    actions, panels, records = built["actions"], built["panels"], built["records"]
    note_form = None
    if permissions.can_add_note(user, concern):
        note_form = (bound or {}).get("note") or NoteForm()
    timeline = list(selectors.timeline_newest_first(concern)[: TIMELINE_LATEST + 1])
    left_from = next(
        (
            event.before.get("status")
            for event in timeline
            if event.kind == EventKind.STATUS_CHANGED
            and (event.after or {}).get("status") == concern.status
            and isinstance(event.before, dict)
        ),
        None,
    )
    opened = any(item.open and not item.direct for item in (*actions, *panels.values()))
    context = {
        "concern": concern,
        "steps": case_steps(concern, left_from=left_from),
        "withheld": built["withheld"],
        "no_approver": built["no_approver"],
        "evidence": list(concern.evidence.all()),
        "findings": built["findings"],
        "timeline": timeline[:TIMELINE_LATEST],
        "timeline_has_earlier": len(timeline) > TIMELINE_LATEST,
        "notes": list(selectors.notes(concern)),
        "actions": actions,
        "panels": panels,
        "note_form": note_form,
        "note_failed": "note" in (bound or {}),
        "error": error if not opened else None,
        "fairness_met": workflow.fairness_met(concern),
        "investigation_locked": (
            permissions.INVESTIGATION_LOCKED
            if built["can_work"] and concern.status == Status.DECISION
            else ""
        ),
        "can_view_access_log": permissions.can_view_access_log(user, concern),
        "can_export_person": permissions.can_export_person(user, concern),
        **records,
        **built["related"],
        **built["documents"],
        **built["interim"],
        **reporter_exchange_context(user, concern, bound or {}),
        **case_file_context(user, concern),
        **disclosure_context(user, concern),
        **charter_review_context(user, concern),
        **letters_context(user, concern),
    }
    context["has_aside"] = bool(
        records
        or context["can_view_access_log"]
        or context["can_export_person"]
        or context["can_produce_case_file"]
    )
    return render(request, "incidents/concern_record.html", context, status=status)


@login_required
@require_GET
def concern_panel(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One action's form alone: the content of its dialog on the concern page (asked for
    by static/js/case.js), or, without JavaScript, a page of its own. Only what the
    concern page would offer this person; anything else answers 404. Reading it is
    recorded like opening the concern, since the form shows the record's current values."""
    concern = concern_record(
        permissions.get_concern_for_user(request.user, pk, full_record=True, with_record=True)
    )
    built = case_panels(request.user, concern)
    panel = next(
        (
            item
            for item in (*built["actions"], *built["panels"].values())
            if item.slug == slug and item.lazy
        ),
        None,
    )
    if panel is None:
        if slug not in PANEL_SLUGS:
            raise Http404("No such form.")
        raise PermissionDenied("That action is not offered to you on this concern.")
    access_record(
        concern=concern, user=request.user, action=AccessRecord.Action.VIEWED, detail="form"
    )
    fragment = request.headers.get("X-Case-Panel") == "fragment"
    response = render(
        request,
        "partials/action_panel_fragment.html" if fragment else "incidents/concern_panel.html",
        {"concern": concern, "panel": panel},
    )
    patch_vary_headers(response, ["X-Case-Panel"])
    return response


def _retention_context(user, concern: Concern, bound: dict, error: str | None = None) -> dict:
    """The records panel: retention class and date, legal holds, and the hold form."""
    if not retention_permissions.can_view_retention(user, concern):
        return {}
    holds = retention_selectors.holds_of(concern)
    on_hold = any(hold.is_active for hold in holds)
    context = {
        "show_retention": True,
        "retention": retention_selectors.retention_of(concern),
        "holds": holds,
        "on_hold": on_hold,
        "hold_panel": None,
    }
    if retention_permissions.can_place_legal_hold(user, concern):
        key = "hold_release" if on_hold else "hold_place"
        failed = key in bound
        if on_hold:
            form, label, url = (
                bound.get(key) or ReleaseHoldForm(),
                "Release the hold",
                reverse("records:hold_release", args=[concern.pk]),
            )
        else:
            form, label, url = (
                bound.get(key) or LegalHoldForm(),
                "Place a legal hold",
                reverse("records:hold_place", args=[concern.pk]),
            )
        context["hold_panel"] = Panel(
            key,
            label=label,
            form=form,
            url=url,
            title=label,
            submit=label,
            style="outline-secondary btn-sm" if on_hold else "outline-danger btn-sm",
            open=failed,
            error=(error or "") if failed else "",
        )
    return context


def _refused(request, concern, exc, *, bound: dict) -> HttpResponse:
    return render_case(request, concern, bound=bound, status=409, error=str(exc))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk)
    rule = workflow.BY_NAME.get(action)
    if rule is None or rule.name == "submit" or rule.own_panel:
        raise Http404("No such action.")
    if not permissions.can_apply_transition(request.user, concern, rule):
        raise PermissionDenied("You cannot do that to this concern.")
    form = ActionForm(request.POST, rule=rule, on_page=True, concern=concern)
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
    return reporter_views.render_concern(
        request, concern, bound={key: form}, status=status, error=error
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
    form = FindingsForm(
        request.POST,
        findings=list(concern.findings.select_related("section")),
        organisation=concern.organisation,
        concern=concern,
    )
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
                rights=f.rights(),
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
    # HR's page reads the whole record, loaded with the concern itself; the reporter's reads
    # its own share (incidents.reporter).
    concern = permissions.get_concern_for_user(
        request.user, pk, with_record=permissions.can_see_hr_list(request.user)
    )
    access_record(concern=concern, user=request.user, action=AccessRecord.Action.VIEWED)
    if permissions.can_view_case_record(request.user, concern):
        return render_case(request, concern)
    return reporter_views.render_concern(request, concern)


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


TIMELINE_PAGE = 100


@login_required
@require_GET
def concern_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole timeline, the latest first, in pages (the concern page shows the latest
    events only). Reading it is recorded like opening the concern."""
    concern = _hr_concern(request, pk)
    access_record(
        concern=concern, user=request.user, action=AccessRecord.Action.VIEWED, detail="timeline"
    )
    page = Paginator(selectors.timeline_newest_first(concern), TIMELINE_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "incidents/concern_timeline.html", {"concern": concern, "page": page})
