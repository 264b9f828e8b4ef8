"""CSV and XLSX files built from plain tables, safe to open in a spreadsheet.

Every cell passes through `safe_cell`, which neutralises formula injection: a text
cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return, possibly after spaces or invisible characters such
as a byte-order mark or a zero-width space) gets a leading apostrophe, so it is shown
as text and never evaluated. In XLSX, text cells are also written with the string
type, so nothing is ever stored as a formula. Every spreadsheet the product writes
(these exports and the import templates) goes through `safe_cell`.

Each file carries its protective marking: the first line of a CSV, and the first
row, the page header and the page footer of every XLSX sheet.

The module knows nothing about concerns or the database: callers (report views,
the monthly summary job) build `ExportTable` rows and get bytes back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DEFAULT_MARKING = "OFFICIAL: Sensitive"
CREATOR = "Social Media Conduct Tracker"

# Text a spreadsheet may run as a formula (OWASP CSV injection): it starts with a tab
# or a carriage return, or with = + - @ (or their full-width forms) once everything a
# reader cannot see is skipped: spaces of every kind, control characters, format
# characters (a byte-order mark, zero-width spaces and joiners, direction marks) and
# the blank "filler" letters that render as nothing.
_FORMULA_TRIGGERS = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
_INVISIBLE_OTHERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")

EXCEL_MAX_CELL_CHARS = 32_767
SHEET_NAME_MAX = 31
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_BOLD = Font(bold=True)
# Values openpyxl writes natively; anything else is written as its text.
_NATIVE = (bool, int, float, Decimal, dt.date, dt.time, dt.timedelta)


@dataclass(frozen=True)
class ExportTable:
    """One table of an export: a title line, a header row and data rows.

    `note` (for example how small counts are shown) follows the rows.
    """

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""
    sheet: str = ""  # a short sheet name (Excel allows 31 characters); the title if empty


def safe_cell(value: Any) -> Any:
    """Return `value`, with text a spreadsheet would run as a formula made inert.

    Numbers, dates and None are returned unchanged: -5 stays a number, "-5" becomes
    "'-5".
    """
    if not isinstance(value, str) or not value:
        return value
    return "'" + value if _looks_like_formula(value) else value


def _looks_like_formula(text: str) -> bool:
    if text[0] in "\t\r":
        return True
    for char in text:
        if char in _FORMULA_TRIGGERS:
            return True
        if char not in _INVISIBLE_OTHERS and unicodedata.category(char) not in (
            _INVISIBLE_CATEGORIES
        ):
            return False
    return False


# --- CSV ---------------------------------------------------------------------------


def to_csv(
    table: ExportTable,
    *,
    marking: str = DEFAULT_MARKING,
    about: Sequence[tuple[str, str]] = (),
) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark so Excel reads the encoding.

    Line 1 is the marking; then the `about` lines (label, value) and a blank line when
    there are any; then the title, the header, the rows and the note.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(marking)])
    for label, value in about:
        writer.writerow([safe_cell(label), safe_cell(value)])
    if about:
        writer.writerow([])
    writer.writerow([safe_cell(table.title)])
    writer.writerow([safe_cell(value) for value in table.header])
    for row in table.rows:
        writer.writerow([safe_cell(value) for value in row])
    if table.note:
        writer.writerow([safe_cell(table.note)])
    return buffer.getvalue().encode("utf-8-sig")


# --- XLSX --------------------------------------------------------------------------


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Names Excel accepts, one per title: at most 31 characters, none of []:*?/\\,
    not blank, not starting or ending with an apostrophe, unique ignoring case."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = _SHEET_NAME_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", title))
        base = " ".join(base.split()).strip("'").strip()[:SHEET_NAME_MAX].strip() or "Sheet"
        if base.casefold() == "history":  # reserved by Excel
            base = "History data"
        name, number = base, 1
        while name.casefold() in taken:
            number += 1
            suffix = f" ({number})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        taken.add(name.casefold())
        names.append(name)
    return names


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones: keep the wall-clock time of the zone it came in.
        return value.replace(tzinfo=None)
    if not isinstance(value, _NATIVE):
        value = str(value)
    if isinstance(value, str):
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))[:EXCEL_MAX_CELL_CHARS]
    return value


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a formatting code in headers and footers


def _write_row(
    ws: Worksheet, row_number: int, values: Sequence[Any], *, bold: bool = False
) -> None:
    for column, raw in enumerate(values, start=1):
        value = _xlsx_value(raw)
        cell = ws.cell(row=row_number, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula or an error code, whatever the text
        if bold:
            cell.font = _BOLD


ABOUT_SHEET = "About this export"


def to_xlsx(
    tables: Sequence[ExportTable],
    *,
    marking: str = DEFAULT_MARKING,
    title: str = "Social media conduct report",
    about: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A workbook with one sheet per table, each carrying the marking.

    Row 1 is the marking (bold), row 2 the table title, row 3 the header (bold), then
    the rows and the note. With no tables, one sheet holds the marking and `title`.
    With `about` lines, the first sheet ("About this export") holds them, one a row.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = CREATOR
    workbook.properties.lastModifiedBy = CREATOR
    workbook.properties.title = title
    tables = list(tables) or [ExportTable(title=title, header=(), rows=())]
    if about:
        tables.insert(
            0,
            ExportTable(title=title, header=("About", ""), rows=tuple(about), sheet=ABOUT_SHEET),
        )
    names = sheet_names(t.sheet or t.title for t in tables)
    for name, table in zip(names, tables, strict=True):
        ws = workbook.create_sheet(title=name)
        ws.oddHeader.center.text = _header_footer_text(marking)
        ws.oddFooter.center.text = _header_footer_text(marking)
        _write_row(ws, 1, [marking], bold=True)
        _write_row(ws, 2, [table.title], bold=True)
        _write_row(ws, 3, table.header, bold=True)
        row_number = 4
        for row in table.rows:
            _write_row(ws, row_number, row)
            row_number += 1
        if table.note:
            _write_row(ws, row_number + 1, [table.note])
        if table.header:
            ws.freeze_panes = "A4"
        for column, heading in enumerate(table.header, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(
                max(len(str(heading)) + 2, 12), 60
            )
        if table.sheet == ABOUT_SHEET:
            ws.column_dimensions["A"].width = 20
            ws.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
