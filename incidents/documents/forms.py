"""The form HR attach a case document with. A file that passed its checks is kept if
another field is wrong, so nothing attached is lost (as with evidence at intake)."""

from __future__ import annotations

import os
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Layout
from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage

from incidents.evidence.checks import check_document_upload
from incidents.evidence.storage import STAGING_DIR
from incidents.models import DocumentKind

ACCEPT = (
    "application/pdf,image/png,image/jpeg,"
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)


class CaseDocumentForm(forms.Form):
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

    def _staged_file(self):
        token = self.data.get(self.add_prefix("staged"))
        if not token:
            return None
        try:
            info = signing.loads(token, salt=self.STAGING_SALT, max_age=60 * 60 * 24)
        except signing.BadSignature:
            return None
        if info.get("user") != self.user.pk or not default_storage.exists(info["path"]):
            return None
        self.staged_name = info["name"]
        handle = default_storage.open(info["path"], "rb")
        upload = File(handle, name=info["name"])
        upload.size = default_storage.size(info["path"])
        upload.staged_path = info["path"]
        return upload

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        staged = self._staged_file()
        if upload is not None and staged is not None:
            staged.close()  # a new file replaces the one kept from the last attempt
            default_storage.delete(staged.staged_path)
            self.staged_name = ""
        upload = upload or staged
        if upload is None:
            raise ValidationError("Choose a file to attach.")
        check_document_upload(upload)
        return upload

    def full_clean(self):
        super().full_clean()
        upload = self.cleaned_data.get("file") if hasattr(self, "cleaned_data") else None
        if self.errors and upload is not None and not getattr(upload, "staged_path", None):
            self._stage(upload)

    def _stage(self, upload) -> None:
        path = default_storage.save(f"{STAGING_DIR}/{uuid.uuid4().hex}", upload)
        name = os.path.basename(upload.name or "")
        token = signing.dumps(
            {"user": self.user.pk, "path": path, "name": name}, salt=self.STAGING_SALT
        )
        self.staged_name = name
        self.data = self.data.copy()
        self.data[self.add_prefix("staged")] = token

    def discard_staged(self) -> None:
        upload = self.cleaned_data.get("file")
        path = getattr(upload, "staged_path", None)
        if path:
            upload.close()
            default_storage.delete(path)
