"""The downloadable templates: the column headings, one example row and what each means.

The first row carries the protective marking (a filled-in template is sensitive);
the parser skips it. The XLSX has a second sheet explaining each column.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from guidance.selectors import active_platform_categories, current_sections
from reporting.exports import safe_cell

from .columns import COLUMNS, NOT_IMPORTED

MARKING = "OFFICIAL: Sensitive"


def _safe(values) -> list:
    """Each value as the exports write it: text a spreadsheet would run is made inert."""
    return [safe_cell(value) for value in values]


def template_csv() -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(_safe([MARKING]))
    writer.writerow(_safe(column.heading for column in COLUMNS))
    writer.writerow(_safe(column.example for column in COLUMNS))
    # A BOM, so that Excel opens the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Concerns"
    sheet.append(_safe([MARKING]))
    sheet.append(_safe(column.heading for column in COLUMNS))
    sheet.append(_safe(column.example for column in COLUMNS))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, column in enumerate(COLUMNS, start=1):
        letter = sheet.cell(row=2, column=index).column_letter
        sheet.column_dimensions[letter].width = max(14, len(column.heading) + 2)
        # Text columns: dates typed as text are read as written, and section numbers
        # such as 3.10 are not turned into the number 3.1.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.cell(row=3, column=index).number_format = "@"
    for cell in sheet[3]:
        cell.data_type = "s"  # the example row is text, never a formula
    notes = workbook.create_sheet("Notes")
    notes.append(_safe([MARKING]))
    notes.append(_safe(["Column", "Must be filled in", "What to write"]))
    for cell in notes[2]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        notes.append(
            _safe([column.heading, "Yes" if column.required else "No", column.explanation])
        )
    notes.append([])
    notes.append(
        _safe(["Platform categories", "", "; ".join(c.name for c in active_platform_categories())])
    )
    notes.append(_safe(["Code sections", "", "; ".join(s.code for s in current_sections())]))
    notes.append(_safe(["Not imported", "", NOT_IMPORTED]))
    notes.column_dimensions["A"].width = 36
    notes.column_dimensions["C"].width = 100
    workbook.properties.creator = "Social Media Conduct Tracker"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
