"""Every spreadsheet the product writes goes through the one formula neutraliser.

The import templates carry names an administrator typed (platform categories); a name
that starts like a formula, even behind a byte-order mark, must reach the spreadsheet
as inert text.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from guidance.models import PlatformCategory
from imports.template_files import template_xlsx

pytestmark = pytest.mark.django_db

FORMULA = '\ufeff=HYPERLINK("http://evil.example/","Open the guidance")'


@pytest.fixture
def formula_category():
    return PlatformCategory.objects.create(
        code="formula", name=FORMULA, description="A hostile name.", order=0
    )


def test_the_xlsx_template_holds_no_formula_and_neutralises_a_category_name(formula_category):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    cells = [
        cell
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]

    assert all(cell.data_type != "f" for cell in cells)
    categories = next(
        row
        for row in workbook["Notes"].iter_rows(values_only=True)
        if row[0] == "Platform categories"
    )
    assert categories[2].startswith("'" + FORMULA)
