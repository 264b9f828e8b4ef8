"""Reading an uploaded CSV or XLSX file into rows, refusing anything else in plain words.

The format is read from the content, never from the name. Only values are read:
XLSX formulas are never evaluated (the value the spreadsheet last saved is used,
with `data_only=True`), and nothing is ever written back to a spreadsheet.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from .columns import BY_HEADING, COLUMNS, Column, normalise_heading

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
# An XLSX is a zip archive: refuse one that would unpack to far more than it weighs.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
HEADER_SEARCH_ROWS = 5  # the header may follow a protective marking line

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary Excel format (.xls)
SAVE_AS = "Save it from your spreadsheet as CSV UTF-8 or as an Excel workbook (.xlsx)."


@dataclass(frozen=True)
class RawRow:
    number: int  # the row's number in the file, as a spreadsheet shows it
    values: dict[str, Any]


@dataclass(frozen=True)
class Table:
    file_format: str  # "csv" or "xlsx"
    rows: list[RawRow]


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def too_big(size: int) -> ValidationError:
    return _refuse(
        f"The file is {filesizeformat(size)}; the limit is {filesizeformat(MAX_BYTES)}. "
        "Split it into smaller files.",
        "too_big",
    )


def read_table(content: bytes) -> Table:
    """Parse the file's bytes, or raise ValidationError with a message a person can act on."""
    if not content:
        raise _refuse("The file is empty.", "empty")
    if len(content) > MAX_BYTES:
        raise too_big(len(content))
    if content.startswith(ZIP_MAGIC):
        return Table("xlsx", _rows_from_matrix(_xlsx_matrix(content)))
    if content.startswith(OLE_MAGIC):
        raise _refuse(
            "This is an old-style Excel file (.xls), which cannot be read. " + SAVE_AS,
            "old_excel",
        )
    return Table("csv", _rows_from_matrix(_csv_matrix(content)))


# --- CSV ------------------------------------------------------------------------------


def _csv_matrix(content: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in content:
        raise _refuse(
            "This file is not a spreadsheet: it is neither a CSV text file nor an XLSX "
            "workbook. " + SAVE_AS,
            "not_spreadsheet",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(
            "This CSV file is not saved as UTF-8 text, so names with accents or other "
            "special characters would be garbled. In Excel choose Save As, then "
            "'CSV UTF-8 (Comma delimited)', and upload that file.",
            "encoding",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    matrix: list[tuple[int, list[Any]]] = []
    try:
        # Rows are numbered by record, as a spreadsheet shows them (a quoted cell may
        # span several lines of the file).
        for number, values in enumerate(reader, start=1):
            if not _is_empty(values):
                matrix.append((number, values))
                _check_row_count(matrix)
    except csv.Error:
        raise _refuse(
            f"This CSV file could not be read at row {len(matrix) + 1}. Check that row "
            "for a stray quotation mark or a very long cell.",
            "bad_csv",
        ) from None
    return matrix


# --- XLSX -----------------------------------------------------------------------------


def _check_archive(content: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise _refuse(
            "This file looks like an Excel workbook but could not be opened. It may be "
            "damaged. " + SAVE_AS,
            "damaged",
        ) from None
    with archive:
        names = {info.filename.lower() for info in archive.infolist()}
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise _refuse(
                "This workbook unpacks to far more data than an import can hold. "
                "Split it into smaller files.",
                "too_big",
            )
        if "[content_types].xml" not in names or not any(
            name.startswith("xl/worksheets/") for name in names
        ):
            raise _refuse(
                "This file is not an Excel workbook (.xlsx). " + SAVE_AS, "not_spreadsheet"
            )
        types_name = next(
            info.filename
            for info in archive.infolist()
            if info.filename.lower() == "[content_types].xml"
        )
        types = archive.read(types_name).lower()
        if any(name.endswith("vbaproject.bin") for name in names) or b"macroenabled" in types:
            raise _refuse(
                "This workbook contains macros (.xlsm), which are never opened here. Save "
                "it as an Excel workbook (.xlsx) or as CSV UTF-8 and upload that.",
                "macros",
            )


def _xlsx_matrix(content: bytes) -> list[tuple[int, list[Any]]]:
    _check_archive(content)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise _refuse(
            "This workbook could not be read. It may be damaged or protected with a "
            "password. " + SAVE_AS,
            "damaged",
        ) from None
    try:
        sheet = workbook.worksheets[0]
        matrix: list[tuple[int, list[Any]]] = []
        width = len(COLUMNS) + 20
        for number, values in enumerate(sheet.iter_rows(max_col=width, values_only=True), start=1):
            if not _is_empty(list(values)):
                matrix.append((number, list(values)))
                _check_row_count(matrix)
    except ValidationError:
        raise
    except Exception:
        raise _refuse(
            "This workbook's first sheet could not be read. It may be damaged. " + SAVE_AS,
            "damaged",
        ) from None
    finally:
        workbook.close()
    return matrix


# --- Header and rows ------------------------------------------------------------------


def _too_many_rows() -> ValidationError:
    return _refuse(
        f"The file has more than {MAX_ROWS:,} rows of concerns. Split it into smaller "
        "files and import them one after another.",
        "too_many_rows",
    )


def _check_row_count(matrix: list) -> None:
    """Stop reading once the file is surely too long (the rows above the data allowed for)."""
    if len(matrix) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows()


def _is_empty(values: list[Any]) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in values)


def _find_header(matrix: list[tuple[int, list[Any]]]) -> int:
    for index, (_, values) in enumerate(matrix[:HEADER_SEARCH_ROWS]):
        headings = {normalise_heading(str(value)) for value in values if value is not None}
        if headings & set(BY_HEADING):
            return index
    raise _refuse(
        "No row of column headings was found at the top of the file. Download the "
        "template and keep its first rows as they are.",
        "no_header",
    )


def _header_columns(values: list[Any]) -> list[Column | None]:
    columns: list[Column | None] = []
    unknown = []
    seen: set[str] = set()
    for value in values:
        text = "" if value is None else str(value)
        if not text.strip():
            columns.append(None)
            continue
        column = BY_HEADING.get(normalise_heading(text))
        if column is None:
            unknown.append(text.strip()[:60])
        elif column.key in seen:
            raise _refuse(f'The column "{column.heading}" appears twice.', "duplicate_column")
        else:
            seen.add(column.key)
        columns.append(column)
    if unknown:
        quoted = ", ".join(f'"{name}"' for name in unknown)
        raise _refuse(
            f"The file has columns the import does not know: {quoted}. Rename them to the "
            "template's headings, or remove them.",
            "unknown_column",
        )
    missing = [column.heading for column in COLUMNS if column.required and column.key not in seen]
    if missing:
        quoted = ", ".join(f'"{name}"' for name in missing)
        raise _refuse(
            f"The file has no column for {quoted}. Download the template to see every column.",
            "missing_column",
        )
    return columns


def _rows_from_matrix(matrix: list[tuple[int, list[Any]]]) -> list[RawRow]:
    if not matrix or all(_is_empty(values) for _, values in matrix):
        raise _refuse("The file has no rows.", "empty")
    header_index = _find_header(matrix)
    columns = _header_columns(matrix[header_index][1])
    rows = []
    for number, values in matrix[header_index + 1 :]:
        if _is_empty(values):
            continue
        extra = [value for value in values[len(columns) :] if value not in (None, "")]
        row = {column.key: None for column in columns if column is not None}
        for column, value in zip(columns, values, strict=False):
            if column is not None:
                row[column.key] = value
        if extra:
            row["__extra__"] = True
        rows.append(RawRow(number, row))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows()
    if not rows:
        raise _refuse("The file has column headings but no rows of concerns under them.", "no_rows")
    return rows


def cell_date(value: Any) -> dt.date | None:
    """A date from an XLSX date cell or from ISO / Australian text; None if it is not one."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None
