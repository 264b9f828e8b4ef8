"""Hostile content in a file: shown escaped, never run; the pages keep to the CSP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.forms import ImportUploadForm
from imports.models import ImportBatch
from tests.security.test_headers import _inline_problems

from .conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db


def test_the_upload_form_takes_the_file_alone():
    assert list(ImportUploadForm().fields) == ["file"]


def test_hostile_cells_are_shown_escaped_in_the_dry_run(importing):
    rows = [
        row(employee_name="<script>alert(1)</script>"),
        row(business_unit="<img src=x onerror=alert(2)>"),
    ]
    upload(importing, csv_bytes(rows))

    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content

    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert b"<img src=x" not in html
    assert b"&lt;img src=x onerror=alert(2)&gt;" in html


def test_a_hostile_file_name_is_shown_escaped(importing):
    upload(importing, csv_bytes([row()]), '<b onmouseover="x">.csv')

    batch = ImportBatch.objects.get()
    for url in (reverse("imports:list"), reverse("imports:batch", args=[batch.pk])):
        html = importing.get(url).content
        assert b"<b onmouseover" not in html
        assert b"&lt;b onmouseover=&quot;x&quot;&gt;.csv" in html


@pytest.mark.parametrize("state", ["checked", "running", "done", "failed"])
def test_the_import_pages_have_no_inline_script_or_style(importing, hr_manager, state):
    upload(importing, csv_bytes([row(), row(description="")]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(state=state, confirmed_by=hr_manager)

    for url in (
        reverse("imports:list"),
        reverse("imports:upload"),
        reverse("imports:batch", args=[batch.pk]),
    ):
        assert _inline_problems(importing.get(url)).problems == [], url
