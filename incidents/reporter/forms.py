"""The reporter's forms after submitting, and HR's question form."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError

from config.formfields import ConfirmField
from incidents.casework.forms import CaseForm, VersionedForm
from incidents.intake.forms import EvidenceForm, show_limit

from .services import MAX_TEXT

TOO_LONG = {
    "max_length": "Please keep this under %(limit_value)d characters (it is %(show_value)d)."
}


class AdditionForm(EvidenceForm):
    """Further information after submitting: a note, a file with its capture details, or
    both. The file passes the same checks as at intake, and a good file is kept while the
    rest is corrected."""

    note = forms.CharField(
        label="What would you like to add?",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=TOO_LONG,
        help_text="Something you found or remembered later. What you sent first stays as it "
        f"was. Up to {MAX_TEXT:,} characters.",
    )
    field_order = [
        "note",
        "file",
        "captured_url",
        "captured_at",
        "post_deleted",
        "private_account",
        "relevance",
        "staged",
    ]
    STAGING_SALT = "incidents.reporter.addition.staged"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_addition_%s")
        super().__init__(*args, **kwargs)
        self.fields["file"].label = "A file to add (optional)"
        show_limit(self.fields["note"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "note",
            "file",
            HTML(
                "{% if addition_form.staged_name %}"
                '<p class="alert alert-info py-2 small" role="status">We kept the file '
                "<strong>{{ addition_form.staged_name }}</strong>: you don't need to choose "
                "it again.</p>{% endif %}"
            ),
            "captured_url",
            "captured_at",
            "post_deleted",
            *self.private_layout(),
            "staged",
            Submit("add", "Add to my concern", css_class="btn-primary"),
        )

    def clean_file(self):
        if not self.files.get(self.add_prefix("file")) and not self.data.get(
            self.add_prefix("staged")
        ):
            return None
        return super().clean_file()

    def is_private(self) -> bool:
        # Only a file is material collected from an account; a note alone needs no reason.
        return bool(self.cleaned_data.get("file")) and super().is_private()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("note", "").strip() and not cleaned.get("file"):
            raise ValidationError("Write a note or choose a file to add.")
        return cleaned


class AnswerForm(CaseForm):
    key = "answer"
    answer = forms.CharField(
        label="Your answer",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**TOO_LONG, "required": "Write your answer before sending it."},
        help_text=f"Up to {MAX_TEXT:,} characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_limit(self.fields["answer"])


class QuestionForm(CaseForm):
    key = "question"
    text = forms.CharField(
        label="Your question for the person who logged it",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**TOO_LONG, "required": "Write the question before sending it."},
        help_text="They see it, and their answer, on their page for this concern. The email "
        f"they get says only that there is a question. Keep it neutral. Up to {MAX_TEXT:,} "
        "characters.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        show_limit(self.fields["text"])


class DiscardForm(VersionedForm):
    key = "discard"
    confirmation = (
        "This throws the draft away with everything in it, files included. It cannot be "
        "undone. Only a record that a draft was discarded remains."
    )
    confirm = ConfirmField()
