"""Files to import, built in memory as CSV or XLSX, and a signed-in HR manager."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from imports.columns import COLUMNS

HEADINGS = [column.heading for column in COLUMNS]


def row(**overrides) -> dict[str, object]:
    """A complete, valid row, keyed by column key."""
    values: dict[str, object] = {
        "reported_on": "2025-03-18",
        "occurred_on": "14/03/2025",
        "business_unit": "Community Programs",
        "employee_name": "Jordan Example",
        "employee_position": "Case Officer",
        "platform_category": "Social networking sites",
        "platform_name": "Facebook",
        "use_context": "private",
        "links": "https://www.facebook.com/some.post/123",
        "description": "Posted a photo of a client's case file on a public page.",
        "sections": "6.2; 3.9",
        "possible_pid": "no",
        "reporter": "reporter",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict], *, bom: bool = True, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(HEADINGS)
    for values in rows:
        writer.writerow([values.get(column.key, "") for column in COLUMNS])
    text = buffer.getvalue()
    return (("\ufeff" if bom else "") + text).encode(encoding)


def xlsx_bytes(rows: list[dict], *, marking: bool = False) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    if marking:
        sheet.append(["OFFICIAL: Sensitive"])
    sheet.append(HEADINGS)
    for values in rows:
        sheet.append([values.get(column.key) for column in COLUMNS])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # typed text, even when it looks like a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "concerns.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    return client.post(reverse("imports:upload"), {"file": SimpleUploadedFile(name, content)})


GOOD_AND_BAD = [
    row(),
    row(employee_name="Sam Taylor", description="Mocked a colleague in the team chat."),
    row(sections="3.5; 9.9", description="Criticised the policy he works on."),
    row(reported_on="31/02/2024", description="A bad date."),
    row(description="", employee_name="Casey Wilson"),
    row(platform_category="Myspace", description="An old platform."),
    row(reporter="nobody", description="Unknown reporter."),
    row(links="javascript:alert(1)", description="A hostile link."),
]
EXPECTED_PROBLEMS = {
    4: 'Code sections: "9.9" is not a section of the current Code.',
    5: 'Reported date: "31/02/2024" is not a date; use YYYY-MM-DD or DD/MM/YYYY.',
    6: "Description is missing.",
    7: 'Platform category: "Myspace" is not a platform category.',
    8: 'Reporter username: nobody with the username "nobody" works in your organisation.',
    9: 'Links: "javascript:alert(1)" is not a web address starting with http:// or https://.',
}


@pytest.fixture
def importing(client, guidance, media, org, unit, reporter, hr_manager):
    """The HR manager, signed in, in an organisation with a reporter and a unit."""
    client.force_login(hr_manager)
    return client


@pytest.fixture
def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
