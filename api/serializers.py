"""What the API reads and writes. Explicit field lists only; rules live in the apps.

Input serializers only document the request bodies in the schema: nothing is validated
with them. The API binds the web page's own form to the body (api/formdata.py) and
refuses with that form's messages, so it accepts exactly what a page accepts;
tests/api/test_request_documentation.py keeps each documented body's fields equal to
its form's. (Tokens, which have no such form, are still read by their serializer.)
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from guidance.models import CodeSection, PlatformCategory, UseContext
from incidents.intake.context_helper import QUESTIONS
from incidents.intake.forms import YES_NO_UNSURE
from incidents.models import (
    ActionTaken,
    Concern,
    Evidence,
    Finding,
    GraduatedResponse,
    Note,
    PidAnswer,
    RiskRating,
    Status,
    YesNoUnsure,
)

from .models import STATES, ApiToken

# --- Errors -------------------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable machine-readable code, e.g. not_found.")
    message = serializers.CharField(help_text="What went wrong, in words a person can act on.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Input name to what is wrong with it; non_field_errors for the whole request.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


# --- Reference data --------------------------------------------------------------------


class CodeSectionSerializer(serializers.ModelSerializer):
    edition = serializers.CharField(source="edition.code", read_only=True)

    class Meta:
        model = CodeSection
        fields = ["id", "code", "title", "summary", "edition", "named_in_guidance"]
        read_only_fields = fields


class PlatformCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = PlatformCategory
        fields = ["id", "code", "name", "examples", "description"]
        read_only_fields = fields


# --- Concerns: output --------------------------------------------------------------------


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")


class NamedRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


NULLABLE = {"default": None, "allow_null": True}


class ConcernListItemSerializer(serializers.ModelSerializer):
    """A row of HR's work queue."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    employee = serializers.CharField(source="subject.full_name", **NULLABLE)
    business_unit = serializers.CharField(source="business_unit.name", **NULLABLE)
    platform = serializers.CharField(source="platform_category.name", **NULLABLE)
    assignee = serializers.CharField(source="assignee.display_name", **NULLABLE)
    risk_rating = serializers.ChoiceField(choices=[("", "Not set"), *RiskRating.choices])

    class Meta:
        model = Concern
        fields = [
            "id",
            "reference",
            "status",
            "status_label",
            "submitted_at",
            "due_on",
            "employee",
            "business_unit",
            "platform",
            "platform_name",
            "risk_rating",
            "assignee",
            "restricted",
        ]
        read_only_fields = fields


STATUS_HELP = (
    "For HR handling the concern, its stage (draft, submitted, triage, investigation, "
    "decision, closed, dismissed, referred, withdrawn). For its reporter, the status meant "
    "for them, never a stage name: draft, received, looked_at, investigated, finished or "
    "withdrawn."
)


def _plain(concern):
    from incidents.reporter.selectors import plain_status

    return plain_status(concern)


class MyConcernSerializer(serializers.ModelSerializer):
    """A row of the reporter's own list: its status in words meant for them."""

    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    status_label = serializers.SerializerMethodField()

    class Meta:
        model = Concern
        fields = ["id", "reference", "status", "status_label", "created_at", "submitted_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, concern) -> str:
        return _plain(concern).key

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, concern) -> str:
        return _plain(concern).label


class ConcernContentSerializer(serializers.ModelSerializer):
    """What the reporter wrote: HR see it; the reporter sees it while it is a draft."""

    links = serializers.SerializerMethodField()
    sections = serializers.SerializerMethodField()
    subject_name = serializers.CharField(source="subject.full_name", default="")
    subject_position = serializers.CharField(source="subject.position", default="")
    subject_business_unit = serializers.IntegerField(
        source="subject.business_unit_id", default=None, allow_null=True
    )

    class Meta:
        model = Concern
        fields = [
            "occurred_on",
            "description",
            "platform_category",
            "platform_name",
            "use_context",
            "links",
            "subject_name",
            "subject_position",
            "subject_business_unit",
            "subject_not_known",
            "sections",
            "possible_pid",
        ]
        read_only_fields = fields

    def get_links(self, concern) -> list[str]:
        return [link.url for link in concern.links.all()]

    def get_sections(self, concern) -> list[int]:
        return [section.pk for section in concern.reported_sections.all()]


class ConfirmedSectionSerializer(serializers.Serializer):
    section = serializers.IntegerField(source="section_id")
    code = serializers.CharField(source="section.code")
    finding = serializers.ChoiceField(choices=[("", "None yet"), *Finding.choices])


class EvidenceSerializer(serializers.ModelSerializer):
    captured_url = serializers.CharField(help_text="Where it was captured; empty if not given.")
    has_viewing_copy = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "captured_url",
            "captured_at",
            "post_deleted",
            "uploaded_at",
            "has_viewing_copy",
        ]
        read_only_fields = fields

    def get_has_viewing_copy(self, evidence) -> bool:
        return bool(evidence.derived)


def _or_blank(choices, blank: str = "Not set"):
    return serializers.ChoiceField(choices=[("", blank), *choices])


class CaseRecordSerializer(serializers.ModelSerializer):
    """HR's part of the record."""

    risk_rating = _or_blank(RiskRating.choices)
    graduated_response = _or_blank(GraduatedResponse.choices)
    action_taken = _or_blank(ActionTaken.choices)

    reporter = PersonRefSerializer(allow_null=True)
    assignee = PersonRefSerializer(allow_null=True)
    business_unit = NamedRefSerializer(allow_null=True)
    employee_id = serializers.IntegerField(source="subject_id", allow_null=True)
    confirmed_sections = ConfirmedSectionSerializer(source="findings", many=True)
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = Concern
        fields = [
            "reporter",
            "assignee",
            "business_unit",
            "employee_id",
            "restricted",
            "risk_rating",
            "graduated_response",
            "confirmed_sections",
            "due_on",
            "triaged_at",
            "allegation_notified_on",
            "response_due_on",
            "response_received_on",
            "action_taken",
            "outcome_summary",
            "referred_to",
            "status_reason",
            "reporter_message",
            "evidence",
        ]
        read_only_fields = fields


class ConcernSerializer(serializers.ModelSerializer):
    """One concern as this person may see it.

    `content` is null for a reporter once the concern is submitted; `case` is null for
    anyone who is not HR handling it. `actions` lists the workflow actions this person may
    take now (POST to /actions/<name>/).
    """

    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    status_label = serializers.SerializerMethodField()
    message_from_hr = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField()

    class Meta:
        model = Concern
        fields = [
            "id",
            "reference",
            "status",
            "status_label",
            "version",
            "created_at",
            "submitted_at",
            "closed_at",
            "message_from_hr",
            "actions",
            "content",
            "case",
        ]
        read_only_fields = fields

    def _for_reporter(self) -> bool:
        """Anyone who does not handle it in HR reads it as its reporter does."""
        return not self.context.get("case_record")

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, concern) -> str:
        return _plain(concern).key if self._for_reporter() else concern.status

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, concern) -> str:
        return _plain(concern).label if self._for_reporter() else concern.get_status_display()

    def get_message_from_hr(self, concern) -> str:
        return concern.reporter_message if concern.closed_at else ""

    def get_actions(self, concern) -> list[str]:
        return [rule.name for rule in self.context.get("actions", [])]

    @extend_schema_field(ConcernContentSerializer(allow_null=True))
    def get_content(self, concern):
        if not (self.context.get("case_record") or self.context.get("draft")):
            return None
        return ConcernContentSerializer(concern).data

    @extend_schema_field(CaseRecordSerializer(allow_null=True))
    def get_case(self, concern):
        if not self.context.get("case_record"):
            return None
        return CaseRecordSerializer(concern).data


class ActionInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    target = serializers.ChoiceField(choices=Status.choices)
    inputs = serializers.ListField(child=serializers.CharField())
    optional_inputs = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(
        child=serializers.CharField(), help_text="What the concern still needs first."
    )


# --- Concerns: input ---------------------------------------------------------------------


class ConcernCreateSerializer(serializers.Serializer):
    """A new draft. Everything is optional for a draft; submitting checks completeness.

    The q_* answers are the intake page's official-or-private questions.
    """

    occurred_on = serializers.DateField(required=False, allow_null=True)
    description = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, trim_whitespace=False
    )
    platform_category = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    platform_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    use_context = serializers.ChoiceField(
        choices=UseContext.choices, required=False, default=UseContext.UNCLEAR
    )
    links = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=10, default=list
    )
    subject_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subject_position = serializers.CharField(required=False, allow_blank=True, max_length=200)
    subject_business_unit = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    subject_not_known = serializers.BooleanField(required=False, default=False)
    sections = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list
    )
    possible_pid = serializers.ChoiceField(
        choices=PidAnswer.choices, required=False, default=PidAnswer.NO
    )
    intake_token = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="Send the same value when retrying: the draft is then made only once.",
    )

    def get_fields(self):
        fields = super().get_fields()
        for key, question in QUESTIONS:
            fields[f"q_{key}"] = serializers.ChoiceField(
                choices=YES_NO_UNSURE, required=False, allow_blank=True, help_text=question
            )
        return fields


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The concern's version you last read (optimistic locking)."
    )


class ActionInputSerializer(VersionSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    referred_to = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reporter_message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    # Issue 19: the Charter consideration an action needs (Charter s 38), and the review
    rights_expression = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rights_privacy = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rights_proportionality = serializers.CharField(
        required=False, allow_blank=True, max_length=5000
    )
    requested_on = serializers.DateField(required=False)
    reviewer = serializers.IntegerField(required=False, min_value=1)


class TriageInputSerializer(VersionSerializer):
    graduated_response = serializers.ChoiceField(choices=GraduatedResponse.choices)
    risk_rating = serializers.ChoiceField(choices=RiskRating.choices)
    sections = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)


class AssignInputSerializer(VersionSerializer):
    assignee = serializers.IntegerField(min_value=1, help_text="The user id of the investigator.")


class FairnessInputSerializer(VersionSerializer):
    allegation_notified_on = serializers.DateField(required=False, allow_null=True)
    response_due_on = serializers.DateField(required=False, allow_null=True)
    response_received_on = serializers.DateField(required=False, allow_null=True)


class FindingInputSerializer(serializers.Serializer):
    section = serializers.IntegerField(min_value=1)
    finding = serializers.ChoiceField(choices=[("", "None yet"), *Finding.choices])


class FindingsInputSerializer(VersionSerializer):
    findings = serializers.ListField(child=FindingInputSerializer(), required=False)
    action_taken = serializers.ChoiceField(
        choices=[("", "Not decided"), *ActionTaken.choices], required=False, default=""
    )
    outcome_summary = serializers.CharField(
        required=False, allow_blank=True, max_length=10_000, default=""
    )
    rights_expression = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rights_privacy = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    rights_proportionality = serializers.CharField(
        required=False, allow_blank=True, max_length=5000
    )


# --- Notes and evidence -------------------------------------------------------------------


class NoteSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer()

    class Meta:
        model = Note
        fields = ["id", "author", "text", "created_at"]
        read_only_fields = fields


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10_000)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG, JPEG or PDF; the type is read from the content.")
    captured_url = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    captured_at = serializers.DateTimeField(required=False, allow_null=True)
    post_deleted = serializers.ChoiceField(
        choices=YesNoUnsure.choices, required=False, default=YesNoUnsure.UNSURE
    )
    private_account = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The file comes from the employee's private account.",
    )
    relevance = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text="Why material from a private account is relevant: needed when "
        "private_account is true or the concern is about private use.",
    )


# --- Reports -----------------------------------------------------------------------------


class CellSerializer(serializers.Serializer):
    label = serializers.CharField(help_text='What to show: a number, or "<5" when hidden.')
    value = serializers.FloatField(
        allow_null=True, help_text="The number; null when it is hidden or not a number."
    )
    hidden = serializers.BooleanField(help_text="Suppressed to protect small groups.")


class ReportRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    cells = CellSerializer(many=True)


class PanelSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = ReportRowSerializer(many=True)
    total = CellSerializer(many=True)
    note = serializers.CharField(allow_blank=True)


class PeriodSerializer(serializers.Serializer):
    asked_from = serializers.DateField(allow_null=True, help_text="The start date asked for.")
    asked_to = serializers.DateField(allow_null=True, help_text="The end date asked for.")
    date_from = serializers.DateField(
        allow_null=True, help_text="The first day counted: the first day of a month."
    )
    date_to = serializers.DateField(
        allow_null=True, help_text="The last day counted: the last day of a month."
    )
    description = serializers.CharField(help_text="The period in one plain sentence.")


class ReportPanelSerializer(PanelSerializer):
    period = PeriodSerializer(help_text="Reports cover whole calendar months.")


class ReportSerializer(serializers.Serializer):
    threshold = serializers.IntegerField(help_text="Counts below this are hidden.")
    sector = serializers.BooleanField(help_text="True when the figures cover every organisation.")
    period = PeriodSerializer(help_text="Reports cover whole calendar months.")
    panels = PanelSerializer(many=True)


# --- Tokens ------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    user = PersonRefSerializer(help_text="Whom it acts for: its maker, or a service identity.")
    created_by = PersonRefSerializer(allow_null=True)
    service_identity = serializers.BooleanField(
        source="user.is_service_identity",
        help_text="The token is for a service identity, made by created_by.",
    )
    prefix = serializers.CharField(source="display_prefix")
    state = serializers.ChoiceField(choices=STATES)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "user",
            "service_identity",
            "created_by",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "state",
        ]
        read_only_fields = fields


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.SerializerMethodField(
        help_text="The token itself. It is shown only now: store it safely."
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_token(self, token) -> str:
        return self.context["plaintext"]


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=ApiToken.Scope.choices)
    expires_at = serializers.DateTimeField(help_text="Required; at most API_TOKEN_MAX_DAYS ahead.")
    service_identity = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text=(
            "A service identity of your organisation to make the token for (HR managers "
            "holding every role it has). Without it, the token is your personal token."
        ),
    )

    def validate(self, attrs):
        if "user" in self.initial_data:
            raise serializers.ValidationError(
                {
                    "user": [
                        "Tokens are no longer made for other people. A personal token is "
                        "always yours; for a system, give service_identity instead."
                    ]
                }
            )
        return attrs
