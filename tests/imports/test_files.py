"""Reading files: CSV with or without BOM, XLSX, the templates, and every malformed file
answered with a 4xx and a message next to the file field, never a 500."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imports import parsing
from imports.columns import COLUMNS
from imports.models import ImportBatch

from .conftest import HEADINGS, csv_bytes, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _refused(response, message: str) -> None:
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file was not accepted." in html
    assert message in html
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("bom", [True, False])
def test_a_utf8_csv_is_read_with_or_without_a_bom(importing, bom):
    content = csv_bytes([row(employee_name="Zoë Ngữ")], bom=bom)

    response = upload(importing, content)

    assert response.status_code == 302
    assert ImportBatch.objects.get().valid_rows == 1


def test_the_protective_marking_line_above_the_headings_is_skipped(importing):
    upload(importing, xlsx_bytes([row(description="")], marking=True), "marked.xlsx")
    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content

    assert b'<th scope="row">3</th>' in html  # numbered as the spreadsheet shows it


def test_a_latin1_csv_is_refused_with_a_way_out(importing):
    content = csv_bytes([row(employee_name="Zoë Brontë")], bom=False, encoding="latin-1")

    _refused(upload(importing, content), "is not saved as UTF-8 text")


def test_binary_junk_is_refused(importing):
    _refused(
        upload(importing, bytes(range(256)) * 20, "junk.csv"),
        "This file is not a spreadsheet",
    )


def test_a_picture_named_xlsx_is_refused(importing):
    from tests.factories import png_upload

    _refused(
        upload(importing, png_upload().read(), "concerns.xlsx"), "This file is not a spreadsheet"
    )


def test_a_zip_that_is_not_a_workbook_is_refused(importing):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    _refused(upload(importing, buffer.getvalue(), "concerns.xlsx"), "is not an Excel workbook")


def test_a_damaged_workbook_is_refused(importing):
    content = xlsx_bytes([row()])
    _refused(
        upload(importing, content[: len(content) // 2], "cut.xlsx"),
        "could not be opened",
    )


def test_a_workbook_with_macros_is_refused(importing):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([row()])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            archive.writestr(info, source.read(info))
        archive.writestr("xl/vbaProject.bin", b"\x00macro")
    _refused(upload(importing, buffer.getvalue(), "concerns.xlsm"), "contains macros")


def test_an_old_excel_file_is_refused(importing):
    _refused(
        upload(importing, parsing.OLE_MAGIC + b"\x00" * 600, "concerns.xls"),
        "old-style Excel file (.xls)",
    )


def test_an_empty_file_is_refused(importing):
    _refused(upload(importing, b"", "empty.csv"), "The file is empty.")


def test_headings_only_is_refused(importing):
    _refused(upload(importing, csv_bytes([])), "no rows of concerns under them")


def test_too_many_rows_are_refused(importing, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)

    _refused(upload(importing, csv_bytes([row()] * 4)), "more than 3 rows")


def test_a_file_over_the_size_limit_is_refused(importing, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_BYTES", 100)
    monkeypatch.setattr("imports.forms.MAX_BYTES", 100)

    _refused(upload(importing, csv_bytes([row()])), "the limit is 100")


def test_an_unknown_column_is_refused_by_name(importing):
    content = b"Reported date,Occurred date,Favourite colour\n2025-01-01,2025-01-01,red\n"

    _refused(
        upload(importing, content), "columns the import does not know: &quot;Favourite colour&quot;"
    )


def test_a_missing_required_column_is_refused_by_name(importing):
    headings = [heading for heading in HEADINGS if heading != "Description"]
    content = (",".join(headings) + "\n").encode() + b"x\n"

    _refused(upload(importing, content), "no column for &quot;Description&quot;")


def test_a_file_without_headings_is_refused(importing):
    _refused(upload(importing, b"a,b,c\n1,2,3\n"), "No row of column headings")


def test_a_stray_quote_does_not_break_the_page(importing):
    response = upload(importing, csv_bytes([row()]) + b'"unterminated,\n')
    assert response.status_code in (302, 400)


def test_no_file_is_refused_on_the_form(importing):
    response = importing.post(reverse("imports:upload"), {})
    assert response.status_code == 400
    assert b"Choose a CSV or XLSX file to check." in response.content


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_hold_the_headings_and_an_example_that_checks_clean(importing, fmt):
    response = importing.get(reverse("imports:template", args=[fmt]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="concerns-import-template.{fmt}"'
    )
    table = parsing.read_table(response.content)
    assert len(table.rows) == 1
    assert set(table.rows[0].values) == {column.key for column in COLUMNS}


def test_the_xlsx_template_explains_each_column(importing):
    response = importing.get(reverse("imports:template", args=["xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))

    notes = [row[0] for row in workbook["Notes"].iter_rows(values_only=True)]
    assert all(column.heading in notes for column in COLUMNS)
    assert "Not imported" in notes


def test_the_upload_page_explains_each_column(importing):
    html = importing.get(reverse("imports:upload")).content.decode()
    assert all(column.heading in html for column in COLUMNS)
    assert "Social networking sites" in html


def test_dates_in_iso_and_australian_forms():
    import datetime as dt

    assert parsing.cell_date("2024-02-29") == dt.date(2024, 2, 29)
    assert parsing.cell_date("29/02/2024") == dt.date(2024, 2, 29)
    assert parsing.cell_date("31/02/2024") is None
    assert parsing.cell_date("02/29/2024") is None
    assert parsing.cell_date(45000) is None
