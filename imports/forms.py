from __future__ import annotations

from django import forms

from .parsing import MAX_BYTES, too_big


class ImportUploadForm(forms.Form):
    """The spreadsheet to check. The service reads it; its refusals land on this field."""

    file = forms.FileField(
        label="Spreadsheet (CSV or XLSX)",
        help_text="Use the template's columns. Up to 5,000 rows and 5 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Choose a CSV or XLSX file to check.",
            "empty": "The file is empty.",
            "invalid": "Choose a CSV or XLSX file to check.",
        },
    )

    class Meta:
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise too_big(upload.size)
        return upload
