from __future__ import annotations

import datetime as dt

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.urls import reverse
from django.utils import timezone

from accounts.models import BusinessUnit
from config.formfields import (
    DateInput,
    DateTimeLocalInput,
    IdModelChoiceField,
    IdModelMultipleChoiceField,
)
from guidance.models import CodeSection, PlatformCategory, UseContext
from guidance.selectors import active_platform_categories, current_sections
from incidents.evidence.checks import check_upload
from incidents.evidence.staging import StagedUploadMixin
from incidents.intake.context_helper import QUESTIONS
from incidents.intake.services import ConcernData
from incidents.models import Concern, PidAnswer, YesNoUnsure

MAX_LINKS = 10
MAX_DESCRIPTION = 10_000
MAX_RELEVANCE = 2_000
YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]
NEEDED = " (needed to submit)"


def show_limit(field: forms.CharField) -> None:
    """A text box's limit shown with a live counter (static/js/char_counter.js) instead of
    the browser's maxlength, which would cut a pasted text without a word; the form then
    refuses a longer text with a message and keeps it as typed."""
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs["data-char-limit"] = str(field.max_length)


# Before social media: a capture time this early is a typing slip.
EARLIEST_CAPTURE_YEAR = 1990


class SectionChoiceField(IdModelMultipleChoiceField):
    def label_from_instance(self, obj: CodeSection) -> str:
        return f"{obj.code} {obj.title}"


class ConcernForm(forms.Form):
    """The intake form. Everything is optional for a draft; the submit step checks completeness."""

    # What happened
    occurred_on = forms.DateField(
        label="When did it happen?" + NEEDED,
        required=False,
        widget=DateInput(),
        help_text="The date of the post or message, as near as you know.",
        error_messages={"invalid": "Enter a date, for example 14/03/2026."},
    )
    description = forms.CharField(
        label="What did you see?" + NEEDED,
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Describe the post or message in your own words: what it said or showed, "
        f"and why it concerns you. Stick to what you saw. Up to {MAX_DESCRIPTION:,} characters.",
        error_messages={
            "max_length": "Please keep the description under %(limit_value)d characters "
            "(it is %(show_value)d). Attach longer material as a PDF."
        },
    )

    # Where
    platform_category = IdModelChoiceField(
        label="Kind of platform" + NEEDED,
        queryset=PlatformCategory.objects.none(),
        required=False,
        empty_label="Choose…",
        error_messages={"invalid_choice": "Choose one of the listed kinds of platform."},
    )
    platform_name = forms.CharField(
        label="Platform name",
        max_length=100,
        required=False,
        help_text="For example Facebook, LinkedIn, X, Reddit, a group chat.",
    )
    links = forms.CharField(
        label="Links to the content",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"One web address per line, up to {MAX_LINKS}. Leave empty if there is none; "
        "you can attach screenshots on the next page.",
    )
    use_context = forms.ChoiceField(
        label="Was this official or private use?",
        choices=UseContext.choices,
        initial=UseContext.UNCLEAR,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose official, private or not clear yet."},
    )

    # Who
    subject_name = forms.CharField(
        label="Name of the employee concerned", max_length=200, required=False
    )
    subject_position = forms.CharField(label="Their position", max_length=200, required=False)
    subject_business_unit = IdModelChoiceField(
        label="Their business unit",
        queryset=BusinessUnit.objects.none(),
        required=False,
        empty_label="Not sure",
    )
    subject_not_known = forms.BooleanField(label="I don't know who posted it", required=False)

    # Which parts of the Code
    sections = SectionChoiceField(
        label="Which parts of the Code of Conduct may apply?",
        queryset=CodeSection.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick any that seem to fit. HR will confirm the final set.",
    )
    intake_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    possible_pid = forms.ChoiceField(
        label="Could this be a public interest disclosure?",
        choices=PidAnswer.choices,
        initial=PidAnswer.NO,
        widget=forms.RadioSelect,
        help_text="That is, a report of improper conduct or corruption by a public body or "
        "officer. If yes or not sure, HR will handle it under restricted access.",
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        show_limit(self.fields["description"])
        for key, question in QUESTIONS:
            self.fields[f"q_{key}"] = forms.ChoiceField(
                label=question,
                choices=YES_NO_UNSURE,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "context-question"}),
            )
        self.fields["platform_category"].queryset = active_platform_categories()
        self.fields["subject_business_unit"].queryset = BusinessUnit.objects.filter(
            organisation=organisation, is_active=True
        )
        self.fields["sections"].queryset = current_sections()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(
                "What happened",
                "occurred_on",
                Field(
                    "description",
                    **{
                        "hx-post": reverse("incidents:suggest_sections"),
                        "hx-trigger": "load, input changed delay:800ms, change from:closest form",
                        "hx-target": "#section-suggestions",
                    },
                ),
            ),
            Fieldset(
                "Where",
                "platform_category",
                "platform_name",
                "links",
                Div(
                    HTML('{% include "incidents/partials/context_intro.html" %}'),
                    *[InlineRadios(f"q_{key}") for key, _ in QUESTIONS],
                    Div(css_id="context-suggestion", aria_live="polite"),
                    css_class="border rounded p-3 mb-3",
                    **{
                        "hx-post": reverse("incidents:use_context"),
                        "hx-trigger": "change, load",
                        "hx-target": "#context-suggestion",
                        "hx-include": "closest form",
                    },
                ),
                "use_context",
            ),
            Fieldset(
                "Who",
                "subject_name",
                "subject_position",
                "subject_business_unit",
                "subject_not_known",
            ),
            Fieldset(
                "Which parts of the Code",
                Div(css_id="section-suggestions", aria_live="polite"),
                Field("sections", template="incidents/partials/section_choices.html"),
                "possible_pid",
            ),
            "intake_token",
            Submit("save", "Save and review", css_class="mt-3"),
        )

    def clean_occurred_on(self):
        value = self.cleaned_data.get("occurred_on")
        if value and value > timezone.localdate():
            raise ValidationError("The date can't be in the future.")
        if value and value < dt.date(2000, 1, 1):
            raise ValidationError("Check the year: dates before 2000 are not accepted.")
        return value

    def clean_links(self) -> list[str]:
        raw = self.cleaned_data.get("links", "")
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(f"Please give at most {MAX_LINKS} links (you gave {len(lines)}).")
        validate = URLValidator(schemes=["http", "https"])
        for number, line in enumerate(lines, start=1):
            if len(line) > 2000:
                raise ValidationError(f"Link {number} is longer than 2000 characters.")
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    f"Link {number} is not a web address starting with http:// or https://. "
                    "Copy it from the browser's address bar."
                ) from None
        return lines

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("subject_not_known") and (cleaned.get("subject_name") or "").strip():
            self.add_error(
                "subject_not_known",
                "You gave a name and also ticked that you don't know who it is. Untick this, "
                "or clear the name.",
            )
        return cleaned

    def context_answers(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"q_{key}"]
            for key, _ in QUESTIONS
            if self.cleaned_data.get(f"q_{key}")
        }

    def to_data(self) -> ConcernData:
        c = self.cleaned_data
        return ConcernData(
            occurred_on=c.get("occurred_on"),
            description=(c.get("description") or "").strip(),
            platform_category=c.get("platform_category"),
            platform_name=(c.get("platform_name") or "").strip(),
            use_context=c.get("use_context") or UseContext.UNCLEAR,
            context_answers=self.context_answers(),
            links=c.get("links") or [],
            subject_name=(c.get("subject_name") or "").strip(),
            subject_position=(c.get("subject_position") or "").strip(),
            subject_business_unit=c.get("subject_business_unit"),
            subject_not_known=bool(c.get("subject_not_known")),
            sections=list(c.get("sections") or []),
            possible_pid=c.get("possible_pid") or PidAnswer.NO,
        )

    @staticmethod
    def initial_from(concern: Concern) -> dict:
        initial = {
            "occurred_on": concern.occurred_on,
            "description": concern.description,
            "platform_category": concern.platform_category_id,
            "platform_name": concern.platform_name,
            "links": "\n".join(link.url for link in concern.links.all()),
            "use_context": concern.use_context,
            "subject_not_known": concern.subject_not_known,
            "sections": [section.pk for section in concern.reported_sections.all()],
            "possible_pid": concern.possible_pid,
        }
        if concern.subject is not None:
            initial.update(
                subject_name=concern.subject.full_name,
                subject_position=concern.subject.position,
                subject_business_unit=concern.subject.business_unit_id,
            )
        for key, value in (concern.context_answers or {}).items():
            initial[f"q_{key}"] = value
        return initial


class EvidenceForm(StagedUploadMixin, forms.Form):
    """One file with its capture details.

    If the file is fine but another field is not, the file is kept in a staging
    area and the form comes back saying so, so nothing attached is lost.
    """

    file = forms.FileField(
        label="Screenshot or document",
        required=False,
        help_text="PNG, JPEG or PDF.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,application/pdf"}),
    )
    captured_url = forms.URLField(
        label="Where was it captured?",
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text="The web address of the page, if you have it.",
        error_messages={"invalid": "Enter a web address starting with http:// or https://."},
    )
    captured_at = forms.DateTimeField(
        label="When was it captured?",  # from EARLIEST_CAPTURE_YEAR to now
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d"],
        error_messages={"invalid": "Enter a date and time, for example 14/03/2026 09:30."},
    )
    post_deleted = forms.ChoiceField(
        label="Has the post since been deleted?",
        choices=YesNoUnsure.choices,
        initial=YesNoUnsure.UNSURE,
        widget=forms.RadioSelect,
    )
    # Material from a private account (issue 19): why it is relevant, kept with the file.
    private_account = forms.BooleanField(
        label="This comes from the employee's private account",
        required=False,
        help_text="For example their own Facebook profile, a personal blog or a group chat.",
    )
    relevance = forms.CharField(
        label="If so, why is it relevant to their work or the Code of Conduct?",
        required=False,
        max_length=MAX_RELEVANCE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: it names the agency, a client or a colleague, or it was "
        f"shared with people from work. Up to {MAX_RELEVANCE:,} characters.",
        error_messages={
            "max_length": "Please keep this under %(limit_value)d characters "
            "(it is %(show_value)d)."
        },
    )
    staged = forms.CharField(widget=forms.HiddenInput, required=False)

    check_file = staticmethod(check_upload)
    STAGING_SALT = "incidents.evidence.staged"

    def __init__(self, *args, user, private_use: bool = False, **kwargs):
        self.user = user
        self.staged_name = ""
        # The concern is about private use: every file is taken as coming from a private
        # account, so the reason is needed whatever the box says.
        self.private_use = private_use
        super().__init__(*args, **kwargs)
        show_limit(self.fields["relevance"])
        if private_use:
            self.fields["private_account"].initial = True
            self.fields["relevance"].label = (
                "Why is it relevant to their work or the Code of Conduct? (needed: you said "
                "this was private use)"
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "file",
            HTML('{% include "incidents/partials/staged_file.html" %}'),
            "captured_url",
            "captured_at",
            "post_deleted",
            *self.private_layout(),
            "staged",
            Submit("upload", "Attach", css_class="btn-secondary"),
        )

    @staticmethod
    def private_layout() -> tuple:
        return (
            Div(
                HTML('{% include "incidents/partials/private_collection.html" %}'),
                "private_account",
                "relevance",
                css_class="border rounded p-3 mb-3 private-collection",
            ),
        )

    def is_private(self) -> bool:
        """Material from a private account: the concern is about private use, or the
        reporter ticked the box."""
        return self.private_use or bool(self.cleaned_data.get("private_account"))

    def clean(self):
        cleaned = super().clean()
        missing = not (cleaned.get("relevance") or "").strip()
        if self.is_private() and missing and "relevance" not in self.errors:
            self.add_error(
                "relevance",
                "Say why this material from a private account is relevant before attaching it.",
            )
        return cleaned

    def private_details(self) -> dict:
        """What is kept with the file about where it came from (for evidence_add)."""
        private = self.is_private()
        return {
            "private_account": private,
            "relevance": (self.cleaned_data.get("relevance") or "").strip() if private else "",
        }

    def clean_captured_at(self):
        value = self.cleaned_data.get("captured_at")
        if value:
            try:  # stored in UTC: the first hours of year 1 cannot be (a 500 until now)
                value.astimezone(dt.UTC)
            except OverflowError:
                invalid = self.fields["captured_at"].error_messages["invalid"]
                raise ValidationError(invalid) from None
        if value and value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError("The capture time can't be in the future.")
        if value and value.astimezone(dt.UTC).year < EARLIEST_CAPTURE_YEAR:
            # Older times are typing slips, and some cannot even be written back out as
            # a standard date-time in Victoria's time zone (its offset then was in seconds).
            raise ValidationError(
                f"The capture time can't be before {EARLIEST_CAPTURE_YEAR}: check the year."
            )
        return value
