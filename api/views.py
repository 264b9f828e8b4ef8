"""API views: each fetches through the permission module, validates once with the web
page's own form (the request body translated by api/formdata.py), calls one service, and
answers with an explicit serializer. The input serializers only document the bodies.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.access import access_record
from audit.chain import record_event
from audit.models import AccessRecord, EventKind
from config.errors import Refused
from guidance.selectors import active_platform_categories, current_sections
from incidents import charter, permissions, workflow
from incidents.casework import selectors
from incidents.casework import services as casework
from incidents.casework.forms import (
    ActionForm,
    AssignForm,
    FairnessForm,
    FindingsForm,
    NoteForm,
    QueueFilterForm,
    TriageForm,
)
from incidents.evidence.storage import download_response, evidence_verify
from incidents.intake import selectors as intake_selectors
from incidents.intake import services as intake
from incidents.intake.forms import ConcernForm, EvidenceForm
from incidents.models import Concern, Status, UseContext
from incidents.selectors import concern_record
from reporting import dashboard
from reporting import permissions as report_permissions
from reporting.forms import ReportFilterForm
from reporting.queries import ReportScope
from reporting.suppression import Cell

from . import serializers as s
from .formdata import bind, body_object
from .pagination import WorkQueuePagination

# --- Shared helpers ----------------------------------------------------------------------


def form_or_400(form, *, names: dict[str, str] | None = None):
    """Run the web form's rules; refuse with its messages, field by field.

    `names` gives the API's name for a form field where they differ (a finding). An
    unbound form (a list asked for without filters) is simply returned.
    """
    if form.is_bound and not form.is_valid():
        names = {"__all__": "non_field_errors", **(names or {})}
        fields: dict[str, list[str]] = {}
        for name, messages in form.errors.items():
            fields.setdefault(names.get(name, name), []).extend(str(m) for m in messages)
        raise drf_serializers.ValidationError(fields)
    return form


def concern_response(request, concern: Concern, *, code: int = 200) -> Response:
    user = request.user
    case_record = permissions.can_view_case_record(user, concern)
    if case_record:
        concern = concern_record(concern)
    draft = permissions.can_edit_draft(user, concern)
    if draft and not case_record:
        concern = concern_record(concern)
    context = {
        "case_record": case_record,
        "draft": draft,
        "actions": workflow.allowed_transitions(user, concern),
    }
    return Response(s.ConcernSerializer(concern, context=context).data, status=code)


CONCERN_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


# --- Reference data ------------------------------------------------------------------------


class SectionList(GenericAPIView):
    """The Code of Conduct sections a concern can be tagged with (the current edition)."""

    serializer_class = s.CodeSectionSerializer
    pagination_class = None

    @extend_schema(operation_id="sections_list", responses=s.CodeSectionSerializer(many=True))
    def get(self, request):
        return Response(self.get_serializer(current_sections(), many=True).data)


class PlatformList(GenericAPIView):
    """The kinds of platform (social networking, forums, ...)."""

    serializer_class = s.PlatformCategorySerializer
    pagination_class = None

    @extend_schema(operation_id="platforms_list", responses=s.PlatformCategorySerializer(many=True))
    def get(self, request):
        return Response(self.get_serializer(active_platform_categories(), many=True).data)


# --- Concerns ------------------------------------------------------------------------------

QUEUE_PARAMETERS = [
    OpenApiParameter("queue", str, enum=["all", "unassigned", "mine", "overdue"]),
    OpenApiParameter("q", str, description="Reference, employee name or platform name."),
    OpenApiParameter("status", str, enum=[c for c in Status.values if c != Status.DRAFT]),
    OpenApiParameter("section", int, description="A Code section id."),
    OpenApiParameter("platform", int, description="A platform category id."),
    OpenApiParameter("unit", int, description="A business unit id."),
    OpenApiParameter("risk", str, enum=["low", "medium", "high", "critical"]),
    OpenApiParameter("submitted_from", OpenApiTypes.DATE),
    OpenApiParameter("submitted_to", OpenApiTypes.DATE),
    OpenApiParameter("sort", str, enum=list(selectors.SORTS)),
]


class ConcernList(GenericAPIView):
    serializer_class = s.ConcernListItemSerializer
    pagination_class = WorkQueuePagination

    @extend_schema(
        operation_id="concerns_list",
        parameters=QUEUE_PARAMETERS,
        responses=s.ConcernListItemSerializer(many=True),
        description="HR's work queue, with the same filters as the web page.",
    )
    def get(self, request):
        if not permissions.can_see_hr_list(request.user):
            raise PermissionDenied("The concern list is for HR staff.")
        form = form_or_400(
            QueueFilterForm(request.query_params or None, organisation=request.user.organisation)
        )
        cleaned = form.cleaned_data if form.is_bound else {}
        page = self.paginate_queryset(selectors.work_queue(request.user, cleaned))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="concerns_create",
        request=s.ConcernCreateSerializer,
        responses={201: s.ConcernSerializer},
        description="Save a new draft as the reporter. Submit it with the submit action.",
    )
    def post(self, request):
        if not permissions.can_log_concern(request.user):
            raise PermissionDenied("Only people with the reporter role log concerns.")
        body = body_object(request.data)
        # The API's list of links is the page's one link per line (repeated in multipart).
        if isinstance(body, QueryDict):
            body = body.copy()
            body.setlist("links", ["\n".join(body.getlist("links"))] if "links" in body else [])
        elif isinstance(body.get("links"), list):
            body = {**body, "links": "\n".join(str(link) for link in body["links"])}
        form = form_or_400(bind(ConcernForm, body, organisation=request.user.organisation))
        concern = intake.concern_create_draft(
            reporter=request.user,
            data=form.to_data(),
            intake_token=form.cleaned_data.get("intake_token"),
        )
        return concern_response(request, concern, code=status.HTTP_201_CREATED)


class MyConcernList(GenericAPIView):
    serializer_class = s.MyConcernSerializer

    @extend_schema(operation_id="concerns_mine", responses=s.MyConcernSerializer(many=True))
    def get(self, request):
        """The concerns you logged, with their status."""
        if not permissions.can_log_concern(request.user):
            raise PermissionDenied("Only people with the reporter role log concerns.")
        page = self.paginate_queryset(intake_selectors.my_concerns(request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class ConcernDetail(APIView):
    @extend_schema(operation_id="concerns_retrieve", responses=s.ConcernSerializer)
    def get(self, request, pk: int):
        """One concern as you may see it. Opening it is recorded in its access log."""
        concern = permissions.get_concern_for_user(request.user, pk)
        access_record(concern=concern, user=request.user, action=AccessRecord.Action.VIEWED)
        return concern_response(request, concern)


class ConcernActions(APIView):
    @extend_schema(
        operation_id="concerns_actions_list", responses=s.ActionInfoSerializer(many=True)
    )
    def get(self, request, pk: int):
        """The workflow actions you may take on this concern now, and what each still needs."""
        concern = permissions.get_concern_for_user(request.user, pk)
        rows = [
            {
                "name": rule.name,
                "label": rule.label,
                "target": rule.target,
                "inputs": [
                    *rule.inputs,
                    *(charter.FIELDS if charter.steps_to_record(concern, rule.charter) else ()),
                ],
                "optional_inputs": [n for n in rule.inputs if n in workflow.OPTIONAL_INPUTS],
                "missing": [
                    workflow.REQUIRED_LABELS.get(n, n)
                    for n in workflow.missing_fields(concern, rule)
                ],
            }
            for rule in workflow.allowed_transitions(request.user, concern)
        ]
        return Response(s.ActionInfoSerializer(rows, many=True).data)


class ConcernAct(APIView):
    @extend_schema(
        operation_id="concerns_act",
        parameters=[
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=[r.name for r in workflow.TRANSITIONS]
            )
        ],
        request=s.ActionInputSerializer,
        responses={
            200: s.ConcernSerializer,
            204: OpenApiResponse(description="Done; the concern is no longer yours to see."),
        },
        description=(
            "Apply a workflow action (submit, withdraw, start_triage, start_investigation, "
            "dismiss, refer, propose_decision, return_to_investigation, close, reopen). "
            "The same transition table as the web pages decides who may, and what is needed."
        ),
    )
    def post(self, request, pk: int, action: str):
        concern = permissions.get_concern_for_user(request.user, pk)
        rule = workflow.BY_NAME.get(action)
        if rule is None:
            raise Http404("No such action.")
        if not permissions.can_apply_transition(request.user, concern, rule):
            raise PermissionDenied("You cannot do that to this concern now.")
        form = form_or_400(bind(ActionForm, request.data, rule=rule, concern=concern))
        version = form.cleaned_data["version"]
        if rule.name == "submit":
            concern = intake.concern_submit(
                concern=concern, actor=request.user, expected_version=version
            )
        else:
            concern = casework.concern_act(
                concern=concern,
                actor=request.user,
                action=rule.name,
                expected_version=version,
                inputs=form.inputs(),
            )
        if not permissions.can_view_concern(request.user, concern):
            # For example a concern restricted as a possible disclosure on submission.
            return Response(status=status.HTTP_204_NO_CONTENT)
        return concern_response(request, concern)


class ConcernTriage(APIView):
    @extend_schema(
        operation_id="concerns_triage",
        request=s.TriageInputSerializer,
        responses=s.ConcernSerializer,
    )
    def post(self, request, pk: int):
        """Record triage: the response chosen, the risk rating and HR's confirmed sections."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        if not permissions.can_work_on(request.user, concern):
            raise PermissionDenied("You cannot record triage on this concern.")
        form = form_or_400(bind(TriageForm, request.data))
        concern = casework.concern_record_triage(
            concern=concern,
            actor=request.user,
            data=casework.TriageData(
                graduated_response=form.cleaned_data["graduated_response"],
                risk_rating=form.cleaned_data["risk_rating"],
                sections=list(form.cleaned_data["sections"]),
            ),
            expected_version=form.cleaned_data["version"],
        )
        return concern_response(request, concern)


class ConcernAssign(APIView):
    @extend_schema(
        operation_id="concerns_assign",
        request=s.AssignInputSerializer,
        responses=s.ConcernSerializer,
    )
    def post(self, request, pk: int):
        """Give the concern to an investigator (HR managers)."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        if not permissions.can_assign(request.user, concern):
            raise PermissionDenied("Only the HR manager assigns this concern.")
        form = form_or_400(
            bind(AssignForm, request.data, candidates=permissions.assignable_staff(concern))
        )
        concern = casework.concern_assign(
            concern=concern,
            actor=request.user,
            assignee=form.cleaned_data["assignee"],
            expected_version=form.cleaned_data["version"],
        )
        return concern_response(request, concern)


class ConcernFairness(APIView):
    @extend_schema(
        operation_id="concerns_fairness",
        request=s.FairnessInputSerializer,
        responses=s.ConcernSerializer,
    )
    def post(self, request, pk: int):
        """Record when the employee was told of the allegations and their response."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        if not permissions.can_work_on(request.user, concern):
            raise PermissionDenied("You cannot record these steps on this concern.")
        form = form_or_400(bind(FairnessForm, request.data))
        concern = casework.concern_record_fairness(
            concern=concern,
            actor=request.user,
            data=casework.FairnessData(
                allegation_notified_on=form.cleaned_data["allegation_notified_on"],
                response_due_on=form.cleaned_data["response_due_on"],
                response_received_on=form.cleaned_data["response_received_on"],
            ),
            expected_version=form.cleaned_data["version"],
        )
        return concern_response(request, concern)


NOT_FINDINGS = "Give findings as a list of objects, each with a section and a finding."
UNKNOWN_SECTION = "Give findings only for the concern's confirmed sections."


def _is_finding(item) -> bool:
    """An object with its `finding`: a Finding value, or "" or null for none yet."""
    return isinstance(item, dict) and "finding" in item and isinstance(item["finding"], str | None)


def findings_as_fields(data, fields: dict[int, str]) -> dict:
    """The API's `findings` list as the findings form's one field per confirmed section.

    A confirmed section left out of the list is given no finding, as before.
    """
    body = body_object(data).copy()
    for name in fields.values():  # only through `findings`, as documented
        body.pop(name, None)
    items = body.pop("findings", None)
    items = [] if items is None else items
    if not isinstance(items, list) or not all(map(_is_finding, items)):
        raise drf_serializers.ValidationError({"findings": [NOT_FINDINGS]})
    by_text = {str(pk): name for pk, name in fields.items()}
    for item in items:
        name = by_text.get(str(item.get("section")))
        if name is None:
            raise drf_serializers.ValidationError({"findings": [UNKNOWN_SECTION]})
        body[name] = item.get("finding")
    return body


class ConcernFindings(APIView):
    @extend_schema(
        operation_id="concerns_findings",
        request=s.FindingsInputSerializer,
        responses=s.ConcernSerializer,
    )
    def post(self, request, pk: int):
        """Record a finding per confirmed section, the action taken and the outcome."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        if not permissions.can_work_on(request.user, concern):
            raise PermissionDenied("You cannot record findings on this concern.")
        rows = list(concern.findings.select_related("section"))
        fields = dict(FindingsForm(findings=rows).finding_fields)  # section id -> field
        form = form_or_400(
            bind(
                FindingsForm,
                findings_as_fields(request.data, fields),
                findings=rows,
                organisation=concern.organisation,
                concern=concern,
            ),
            names=dict.fromkeys(fields.values(), "findings"),
        )
        concern = casework.concern_record_findings(
            concern=concern,
            actor=request.user,
            data=casework.FindingsData(
                findings=form.findings(),
                action_taken=form.cleaned_data["action_taken"],
                outcome_summary=form.cleaned_data["outcome_summary"].strip(),
                rights=form.rights(),
            ),
            expected_version=form.cleaned_data["version"],
        )
        return concern_response(request, concern)


# --- Notes ------------------------------------------------------------------------------------


class ConcernNotes(APIView):
    @extend_schema(operation_id="concerns_notes_list", responses=s.NoteSerializer(many=True))
    def get(self, request, pk: int):
        """HR's internal notes on the concern (never shown to the reporter)."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        return Response(s.NoteSerializer(selectors.notes(concern), many=True).data)

    @extend_schema(
        operation_id="concerns_notes_create",
        request=s.NoteInputSerializer,
        responses={201: s.NoteSerializer},
    )
    def post(self, request, pk: int):
        """Add an internal note (the assignee and the case managers)."""
        concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
        if not permissions.can_add_note(request.user, concern):
            raise PermissionDenied("Only the assignee and the HR manager add notes.")
        form = form_or_400(bind(NoteForm, request.data))
        note = casework.note_add(
            concern=concern, actor=request.user, text=form.cleaned_data["text"]
        )
        return Response(s.NoteSerializer(note).data, status=status.HTTP_201_CREATED)


# --- Evidence ---------------------------------------------------------------------------------


class ApiEvidenceForm(EvidenceForm):
    """The web form's checks, without keeping a refused upload for a later retry (an API
    client sends the file again; there is no `staged` field to send it back in)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["staged"]

    def _staged_file(self):
        return None

    def _stage(self, upload) -> None:
        return None


class ConcernEvidence(APIView):
    @extend_schema(operation_id="concerns_evidence_list", responses=s.EvidenceSerializer(many=True))
    def get(self, request, pk: int):
        """The files attached to the concern (HR, or the reporter while it is a draft)."""
        concern = permissions.get_concern_for_user(request.user, pk)
        if not (
            permissions.can_view_case_record(request.user, concern)
            or permissions.can_edit_draft(request.user, concern)
        ):
            raise Http404("No such concern.")
        evidence = concern.evidence.order_by("uploaded_at", "pk")
        return Response(s.EvidenceSerializer(evidence, many=True).data)

    @extend_schema(
        operation_id="concerns_evidence_create",
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer},
    )
    def post(self, request, pk: int):
        """Attach a file to your draft (multipart form data; PNG, JPEG or PDF). A file from
        the employee's private account (`private_account`, or any file of a concern about
        private use) needs `relevance`: why it matters to their work or the Code."""
        concern = permissions.get_concern_for_user(request.user, pk, for_write=True)
        form = form_or_400(
            bind(
                ApiEvidenceForm,
                request.data,
                files=request.FILES,
                user=request.user,
                # As on the page: for a concern about private use, why each file is relevant.
                private_use=concern.use_context == UseContext.PRIVATE,
            )
        )
        evidence = intake.evidence_add(
            concern=concern,
            actor=request.user,
            upload=form.cleaned_data["file"],
            captured_url=form.cleaned_data["captured_url"],
            captured_at=form.cleaned_data["captured_at"],
            post_deleted=form.cleaned_data["post_deleted"],
            **form.private_details(),
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


class EvidenceDownload(APIView):
    @extend_schema(
        operation_id="concerns_evidence_download",
        parameters=[
            OpenApiParameter(
                "original",
                OpenApiTypes.BOOL,
                description="The file exactly as uploaded, not the clean viewing copy of an image.",
            )
        ],
        responses={
            (200, content_type): OpenApiResponse(
                OpenApiTypes.BINARY, description="The file, as a download."
            )
            for content_type in ("image/png", "image/jpeg", "application/pdf")
        },
    )
    def get(self, request, pk: int, evidence_pk: int):
        """Download a file. Its SHA-256 is checked first; the download is recorded."""
        evidence = permissions.get_evidence_for_user(request.user, pk, evidence_pk)
        if not evidence_verify(evidence=evidence, actor=request.user):
            raise Refused(
                "This file no longer matches the one that was attached, so it is not served. "
                "The mismatch has been recorded; tell the HR manager."
            )
        return download_response(
            evidence=evidence,
            user=request.user,
            original=request.query_params.get("original") in ("1", "true"),
            via=" (API)",
        )


# --- Reports ----------------------------------------------------------------------------------

REPORT_PARAMETERS = [
    OpenApiParameter(
        "date_from",
        OpenApiTypes.DATE,
        description="Submitted on or after; widened to the first day of its month.",
    ),
    OpenApiParameter(
        "date_to",
        OpenApiTypes.DATE,
        description="Submitted on or before; widened to the last day of its month.",
    ),
    OpenApiParameter("unit", int, description="A business unit id."),
    OpenApiParameter("section", int, description="A Code section id."),
    OpenApiParameter("platform", int, description="A platform category id."),
    OpenApiParameter(
        "organisation", int, description="Sector analysts: one organisation instead of all."
    ),
]


def _cell(cell: Cell | str) -> dict:
    """A published figure; a hidden one carries its label ("<5") and never its value."""
    label = str(cell)
    if isinstance(cell, Cell):
        return {"label": label, "value": cell.shown, "hidden": cell.hidden}
    hidden = label.startswith("<")
    value = None
    if not hidden:
        try:
            value = float(label)
        except ValueError:
            value = None
    return {"label": label, "value": value, "hidden": hidden}


def _panel(panel: dashboard.Panel) -> dict:
    return {
        "key": panel.key,
        "title": panel.title,
        "header": list(panel.header),
        "rows": [
            {"label": row.label, "cells": [_cell(cell) for cell in row.cells]} for row in panel.rows
        ],
        "total": [_cell(c) for c in panel.total],
        "note": panel.export_note,  # with how matters are counted, as the exports say
    }


def _period(form: ReportFilterForm) -> dict:
    asked_from, asked_to, used_from, used_to = form.period()
    return {
        "asked_from": asked_from,
        "asked_to": asked_to,
        "date_from": used_from,
        "date_to": used_to,
        "description": form.period_sentence(),
    }


def report_panels(request) -> tuple[ReportScope, list[dashboard.Panel], dict]:
    user = request.user
    if not report_permissions.can_view_reports(user):
        raise PermissionDenied("Reports are for executives, HR managers and sector analysts.")
    sector = report_permissions.is_sector_analyst(user)
    own = None if sector else (user.organisation_id,)
    form = form_or_400(
        ReportFilterForm(
            request.query_params or None,
            organisation_ids=own,
            sector=sector,
            group_filters=report_permissions.can_filter_within(user),
        )
    )
    organisations = report_permissions.report_organisations(user, form.organisation_id())
    scope = ReportScope(organisation_ids=organisations, filters=form.report_filters())
    return scope, dashboard.cached_panels(scope), _period(form)


def _record_report_read(request, key: str) -> None:
    if request.user.organisation_id is None:
        return
    record_event(
        organisation_id=request.user.organisation_id,
        actor=request.user,
        kind=EventKind.REPORT_EXPORTED,
        after={"table": key, "format": "api", "filters": request.query_params.dict()},
    )


class ReportList(APIView):
    @extend_schema(
        operation_id="reports_retrieve", parameters=REPORT_PARAMETERS, responses=s.ReportSerializer
    )
    def get(self, request):
        """Every trend table, with small cells hidden exactly as on the dashboard."""
        scope, panels, period = report_panels(request)
        _record_report_read(request, "all")
        return Response(
            {
                "threshold": dashboard.threshold(),
                "sector": scope.organisation_ids is None,
                "period": period,
                "panels": [_panel(panel) for panel in panels],
            }
        )


class ReportPanel(APIView):
    @extend_schema(
        operation_id="reports_panel_retrieve",
        parameters=[
            *REPORT_PARAMETERS,
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description="months, sections, platforms, use, units (or organisations), "
                "findings, responses, durations, ageing, due, repeat.",
            ),
        ],
        responses=s.ReportPanelSerializer,
    )
    def get(self, request, key: str):
        """One trend table, e.g. `months` for concerns by month."""
        _, panels, period = report_panels(request)
        for panel in panels:
            if panel.key == key:
                _record_report_read(request, key)
                return Response({**_panel(panel), "period": period})
        raise Http404("No such report table.")
