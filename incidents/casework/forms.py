"""Forms HR uses on a concern's page and in the work queue."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import lazy

from accounts.models import BusinessUnit
from config.formfields import (
    ConfirmField,
    DateInput,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
    add_bootstrap_classes,
)
from guidance.models import CodeSection, PlatformCategory
from guidance.selectors import current_sections
from incidents import charter
from incidents.casework.selectors import RELEVANCE, SORTS
from incidents.models import ActionTaken, Finding, GraduatedResponse, RiskRating, Status
from incidents.workflow import CONFIRMATIONS, INPUT_LABELS, OPTIONAL_INPUTS, Transition


class CaseForm(forms.Form):
    """A form on the concern page. Several share field names (a reason, the version), so
    each form's ids carry its own key (`id_<key>_<field>`): every label points at its own
    field, and an error summary's links reach the right one."""

    key = ""
    confirmation = ""  # what an action that cannot be taken back will do, if it is one

    def __init__(self, *args, **kwargs):
        if self.key:
            kwargs.setdefault("auto_id", f"id_{self.key}_%s")
        super().__init__(*args, **kwargs)


class VersionedForm(CaseForm):
    """Carries the version the user saw, for optimistic locking."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TriageForm(VersionedForm):
    key = "triage"
    graduated_response = forms.ChoiceField(
        label="Response chosen", choices=[("", "Choose…"), *GraduatedResponse.choices]
    )
    risk_rating = forms.ChoiceField(
        label="Risk rating", choices=[("", "Choose…"), *RiskRating.choices]
    )
    sections = IdModelMultipleChoiceField(
        label="Confirmed Code sections",
        queryset=CodeSection.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="HR's confirmed set, kept apart from the reporter's choice.",
        error_messages={"required": "Confirm at least one section."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].queryset = current_sections()


class AssignForm(VersionedForm):
    key = "assign"
    assignee = IdModelChoiceField(label="Investigator", queryset=get_user_model().objects.none())

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = get_user_model().objects.filter(
            pk__in=[person.pk for person in candidates]
        )
        field.label_from_instance = lambda user: user.display_name
        # The page already holds the candidates: list them without asking the database
        # again (a submission is still checked against the queryset).
        field.widget.choices = [
            ("", field.empty_label),
            *((person.pk, person.display_name) for person in candidates),
        ]


class StepAsideForm(CaseForm):
    key = "step_aside"
    confirmation = (
        "You stop being this concern's investigator and lose access to it at once. The HR "
        "manager is told, so they can reassign it. You cannot undo this yourself."
    )
    reason = forms.CharField(
        label="Why are you stepping aside?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    confirm = ConfirmField()


class ReportingLineForm(CaseForm):
    """The employee's reporting line: keep or remove who is recorded, add people by address.

    Only the people already recorded are listed; others are named by work email address
    or username, so the page stays the same size however many staff the organisation has.
    """

    key = "reporting_line"
    MAX_ADDED = 20

    keep = IdModelMultipleChoiceField(
        label="Recorded now (untick to remove)",
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    add = forms.CharField(
        label="Add people",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=(
            "Their work email addresses or usernames, separated by commas or new lines. "
            "People in the reporting line cannot see or handle this concern."
        ),
    )

    def __init__(self, *args, organisation, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        current_ids = [user.pk for user in current]
        if current_ids:
            field = self.fields["keep"]
            field.queryset = (
                get_user_model()
                .objects.filter(pk__in=current_ids)
                .order_by("first_name", "last_name")
            )
            field.label_from_instance = lambda user: user.display_name
            field.initial = current_ids
        else:
            del self.fields["keep"]

    def clean_add(self) -> list:
        wanted = [part for part in re.split(r"[\s,;]+", self.cleaned_data["add"]) if part]
        if len(wanted) > self.MAX_ADDED:
            raise ValidationError(f"Add at most {self.MAX_ADDED} people at a time.")
        if not wanted:
            return []
        lowered = {part.lower() for part in wanted}
        found = list(
            get_user_model()
            .objects.annotate(email_lower=Lower("email"), username_lower=Lower("username"))
            .filter(organisation=self.organisation, is_active=True)
            .filter(Q(email_lower__in=lowered) | Q(username_lower__in=lowered))
        )
        known = {user.email.lower() for user in found} | {user.username.lower() for user in found}
        unknown = [part for part in wanted if part.lower() not in known]
        if unknown:
            raise ValidationError(
                "No active user of this organisation has the address or username: %(names)s.",
                params={"names": ", ".join(unknown)},
                code="unknown",
            )
        return found

    def managers(self) -> list:
        """Everyone in the reporting line after the change, each once."""
        people = {user.pk: user for user in self.cleaned_data.get("keep", [])}
        people.update((user.pk, user) for user in self.cleaned_data.get("add", []))
        return list(people.values())


class FairnessForm(VersionedForm):
    key = "fairness"
    allegation_notified_on = forms.DateField(
        label="Employee told of the allegations on",
        required=False,
        widget=DateInput(),
    )
    response_due_on = forms.DateField(
        label="Their response is due by",
        required=False,
        widget=DateInput(),
    )
    response_received_on = forms.DateField(
        label="Their response was received on",
        required=False,
        widget=DateInput(),
    )

    def clean(self):
        cleaned = super().clean()
        told = cleaned.get("allegation_notified_on")
        due = cleaned.get("response_due_on")
        received = cleaned.get("response_received_on")
        today = timezone.localdate()
        if told and told > today:
            self.add_error("allegation_notified_on", "This date can't be in the future.")
        if received and received > today:
            self.add_error("response_received_on", "This date can't be in the future.")
        if (due or received) and not told:
            self.add_error(
                "allegation_notified_on", "Record when the employee was told of the allegations."
            )
        if told and due and due < told:
            self.add_error("response_due_on", "The response date must be after they were told.")
        if told and received and received < told:
            self.add_error("response_received_on", "The response can't come before they were told.")
        return cleaned


class FindingsForm(VersionedForm):
    key = "findings"
    action_taken = forms.ChoiceField(
        label="Action taken",
        choices=[("", "Not decided yet"), *ActionTaken.choices],
        required=False,
    )
    outcome_summary = forms.CharField(
        label="Outcome summary (HR only)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10_000,
    )

    def __init__(self, *args, findings=(), organisation=None, concern=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.concern = concern
        self.finding_fields = []
        for row in findings:
            name = f"finding_{row.section_id}"
            self.fields[name] = forms.ChoiceField(
                label=f"{row.section.code} {row.section.title}",
                choices=[("", "No finding yet"), *Finding.choices],
                required=False,
                initial=row.finding,
            )
            self.finding_fields.append((row.section_id, name))
        # Asked with the findings; the service requires them only for an adverse finding or
        # a disciplinary action not considered yet (incidents.charter).
        add_charter_fields(self, organisation, required=False)
        self.charter_note = charter.FINDINGS_HINT

    def findings(self) -> dict[int, str]:
        return {pk: self.cleaned_data.get(name, "") for pk, name in self.finding_fields}

    def clean(self):
        cleaned = super().clean()
        # The fairness rule refuses an adverse finding first (the service says why).
        if self.concern is not None and not self.errors and self._fair_to_find():
            needed = charter.steps_to_record(
                self.concern,
                (charter.STEP.FINDING, charter.STEP.ACTION),
                findings={
                    **{r.section_id: r.finding for r in self.concern.findings.all()},
                    **self.findings(),
                },
                action_taken=cleaned.get("action_taken", ""),
            )
            if needed and charter.Answers.of(cleaned) is None:
                for name in charter.FIELDS:
                    if not (cleaned.get(name) or "").strip():
                        self.add_error(name, charter.FIELD_NEEDED)
        return cleaned

    def _fair_to_find(self) -> bool:
        concern = self.concern
        if concern.allegation_notified_on is None:
            return False
        return concern.response_received_on is not None or (
            concern.response_due_on is not None and concern.response_due_on < timezone.localdate()
        )

    def rights(self) -> charter.Answers | None:
        return charter.Answers.of(self.cleaned_data)


_lazy_prompt = lazy(charter.prompt, str)


def add_charter_fields(form: forms.Form, organisation, *, required: bool) -> None:
    """The three Charter questions (incidents.charter), each with its organisation's prompt
    (read only when the form is shown)."""
    for name in charter.FIELDS:
        form.fields[name] = forms.CharField(
            label=charter.LABELS[name],
            required=required,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=(
                _lazy_prompt(organisation, name)
                if organisation is not None
                else charter.DEFAULT_PROMPTS[name]
            ),
        )


class NoteForm(CaseForm):
    key = "note"
    text = forms.CharField(
        label="Add an internal note",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=10_000,
        help_text="Seen only by HR staff handling this concern, never by the reporter.",
    )


class RestrictForm(CaseForm):
    key = "restrict"
    confirmation = (
        "From now on only the organisation's public interest disclosure coordinator (or, "
        "if none is named, its HR managers) can see this concern: it leaves everyone else's "
        "lists and notifications at once. A restriction cannot be lifted."
    )
    reason = forms.CharField(
        label="Why may this be a public interest disclosure?",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    confirm = ConfirmField()


class ActionForm(VersionedForm):
    """The inputs a workflow action needs, built from the transition table.

    On a page (`on_page=True`) an action listed in CONFIRMATIONS also needs its tick-box:
    the person has read what it will do. The API's clients state their intent by calling.
    """

    def __init__(self, *args, rule: Transition, on_page: bool = False, concern=None, **kwargs):
        kwargs.setdefault("auto_id", f"id_{rule.name}_%s")
        super().__init__(*args, **kwargs)
        self.rule = rule
        for name in rule.inputs:
            widget = forms.TextInput if name == "referred_to" else forms.Textarea(attrs={"rows": 2})
            self.fields[name] = forms.CharField(
                label=INPUT_LABELS[name],
                required=name not in OPTIONAL_INPUTS,
                max_length=2000,
                widget=widget,
            )
        # The Charter questions the action needs answered now (for `concern`; without one,
        # offered as optional: transition() says whether they were needed).
        self.charter_steps = (
            charter.steps_to_record(concern, rule.charter)
            if concern is not None
            else list(rule.charter)
        )
        self.charter_note = ""
        if self.charter_steps:
            self.charter_note = charter.ACTION_HINT
            add_charter_fields(
                self,
                concern.organisation if concern is not None else None,
                required=concern is not None,
            )
        self.confirmation = CONFIRMATIONS.get(rule.name, "") if on_page else ""
        if self.confirmation:
            self.fields["confirm"] = ConfirmField()

    @property
    def asks_for_input(self) -> bool:
        return bool(self.rule.inputs or self.charter_steps)

    def inputs(self) -> dict[str, str]:
        given = {name: self.cleaned_data.get(name, "") for name in self.rule.inputs}
        if self.charter_steps:
            given.update({name: self.cleaned_data.get(name) or "" for name in charter.FIELDS})
        return given


# --- Work queue --------------------------------------------------------------------------

QUEUES = (
    ("all", "All"),
    ("unassigned", "Unassigned"),
    ("mine", "Mine"),
    ("overdue", "Overdue"),
)


class QueueFilterForm(forms.Form):
    queue = forms.ChoiceField(choices=QUEUES, required=False)
    q = forms.CharField(label="Search", required=False, max_length=200)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *[c for c in Status.choices if c[0] != Status.DRAFT]],
        required=False,
    )
    section = IdModelChoiceField(
        queryset=CodeSection.objects.none(), required=False, empty_label="Any section"
    )
    platform = IdModelChoiceField(
        queryset=PlatformCategory.objects.none(), required=False, empty_label="Any platform"
    )
    unit = IdModelChoiceField(
        queryset=BusinessUnit.objects.none(), required=False, empty_label="Any business unit"
    )
    risk = forms.ChoiceField(choices=[("", "Any risk"), *RiskRating.choices], required=False)
    submitted_from = forms.DateField(label="Submitted from", required=False, widget=DateInput())
    submitted_to = forms.DateField(label="Submitted to", required=False, widget=DateInput())
    sort = forms.ChoiceField(
        choices=[(RELEVANCE, "Best match"), *[(key, key.title()) for key in SORTS]],
        required=False,
        initial=RELEVANCE,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = current_sections()
        self.fields["platform"].queryset = PlatformCategory.objects.filter(is_active=True)
        self.fields["unit"].queryset = BusinessUnit.objects.filter(organisation=organisation)
        add_bootstrap_classes(self)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("submitted_from"), cleaned.get("submitted_to")
        if start and end and start > end:
            raise ValidationError("The start date is after the end date.")
        return cleaned


class BulkAssignForm(forms.Form):
    concerns = IdModelMultipleChoiceField(
        queryset=None, error_messages={"required": "Tick at least one concern."}
    )
    assignee = IdModelChoiceField(
        queryset=None, error_messages={"required": "Choose who to assign them to."}
    )

    def __init__(self, *args, concerns, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].queryset = concerns
        self.fields["assignee"].queryset = staff
        self.fields["assignee"].label_from_instance = lambda user: user.display_name


class MatterLinkForm(VersionedForm):
    other_reference = forms.CharField(
        label="Reference of the other concern",
        max_length=20,
        help_text="For example SMC-2026-00042. Only a concern you can open can be linked.",
        error_messages={"required": "Enter the other concern's reference."},
    )
    reason = forms.CharField(
        label="Why they are the same matter",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Please say why these concerns are the same matter."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "matter-link-%s")  # unique ids beside the page's other forms
        super().__init__(*args, **kwargs)

    def clean_other_reference(self) -> str:
        return self.cleaned_data["other_reference"].strip().upper()

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Please say why these concerns are the same matter.")
        return reason


class MatterUnlinkForm(VersionedForm):
    reason = forms.CharField(
        label="Why this concern is not part of the matter",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "Please say why this concern is not part of the matter."},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "matter-unlink-%s")
        super().__init__(*args, **kwargs)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError("Please say why this concern is not part of the matter.")
        return reason


# --- Review of an outcome (issue 19) -------------------------------------------------------


class ReviewRequestForm(VersionedForm):
    key = "review_request"
    requested_on = forms.DateField(
        label="The employee asked for the review on",
        widget=DateInput(),
        error_messages={"required": "Give the date the employee asked for the review."},
    )
    reviewer = IdModelChoiceField(
        label="Reviewer",
        queryset=get_user_model().objects.none(),
        help_text="Only HR managers who took no part in the investigation and did not issue "
        "the outcome are offered.",
        error_messages={"required": "Choose who reviews the outcome."},
    )

    def __init__(self, *args, candidates=(), review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        field = self.fields["reviewer"]
        field.queryset = get_user_model().objects.filter(pk__in=[p.pk for p in candidates])
        field.label_from_instance = lambda user: user.display_name
        field.widget.choices = [
            ("", "Choose…"),
            *((person.pk, person.display_name) for person in candidates),
        ]

    def clean_requested_on(self):
        value = self.cleaned_data["requested_on"]
        if value > timezone.localdate():
            raise ValidationError("This date can't be in the future.")
        if self.review is not None:
            if value < timezone.localdate(self.review.issued_at):
                raise ValidationError("This is before the outcome was issued.")
            if value > self.review.review_due_on:
                raise ValidationError(
                    "The period to seek a review ended on "
                    f"{self.review.review_due_on:%-d %B %Y}: this request came too late."
                )
        return value


class ReviewDecisionForm(VersionedForm):
    """The reviewer's result; for a variation, the outcome as varied."""

    key = "review_decision"
    result = forms.ChoiceField(
        label="Result of the review",
        choices=[
            ("confirm_on_review", "Confirm the outcome"),
            ("vary_on_review", "Vary the outcome"),
            ("set_aside_on_review", "Set the outcome aside"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the result of the review."},
    )
    reason = forms.CharField(
        label="Reasons for the result",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Give the reasons for the result."},
    )
    action_taken = forms.ChoiceField(
        label="Action, as varied",
        choices=[("", "No action"), *ActionTaken.choices],
        required=False,
        help_text="Only for a variation.",
    )

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.finding_fields = []
        for row in findings:
            name = f"finding_{row.section.code}"
            self.fields[name] = forms.ChoiceField(
                label=f"Finding, as varied: {row.section.code} {row.section.title}",
                choices=[("", "No finding"), *Finding.choices],
                required=False,
                initial=row.finding,
                help_text="Only for a variation.",
            )
            self.finding_fields.append((row.section.code, name))
        self.fields["action_taken"] = self.fields.pop("action_taken")  # after the findings

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == "vary_on_review":
            for _code, name in self.finding_fields:
                if not cleaned.get(name):
                    self.add_error(name, "Give the finding as varied.")
        return cleaned

    def varied(self) -> tuple[dict[str, str], str]:
        findings = {code: self.cleaned_data.get(name, "") for code, name in self.finding_fields}
        return findings, self.cleaned_data.get("action_taken", "")
