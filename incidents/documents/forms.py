"""The form HR attach a case document with. A file that passed its checks is kept if
another field is wrong, so nothing attached is lost (as with evidence at intake)."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms

from incidents.evidence.checks import check_document_upload
from incidents.evidence.staging import StagedUploadMixin
from incidents.models import DocumentKind

ACCEPT = (
    "application/pdf,image/png,image/jpeg,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class CaseDocumentForm(StagedUploadMixin, forms.Form):
    file = forms.FileField(
        label="Document",
        required=False,
        help_text="PDF, Word (DOCX), PNG or JPEG.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[("", "Choose one"), *DocumentKind.choices],
        error_messages={"required": "Choose what kind of document this is."},
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="For example: Letter to the employee setting out the allegations.",
    )
    staged = forms.CharField(widget=forms.HiddenInput, required=False)

    check_file = staticmethod(check_document_upload)
    STAGING_SALT = "incidents.documents.staged"

    def __init__(self, *args, user, **kwargs):
        self.user = user
        self.staged_name = ""
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "file",
            HTML('{% include "incidents/partials/staged_document.html" %}'),
            "kind",
            "title",
            "staged",
        )
