"""Exports say what they are: organisation, filters, period, when they were made, how small
counts are hidden and the protective marking; numbers are numbers; sheet names fit."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from guidance.models import PlatformCategory
from incidents.models import Concern
from reporting import dashboard, queries
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(guidance, org, reporter):
    social = PlatformCategory.objects.get(code="social-networking")
    when = timezone.make_aware(dt.datetime(2026, 3, 10, 10))
    for index in range(8):
        concern = make_concern(
            reporter, subject_name=f"P{index}", platform_category=social, links=[]
        )
        Concern.objects.filter(pk=concern.pk).update(submitted_at=when)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _about(lines: list[list[str]]) -> dict[str, str]:
    """The label, value lines between the marking and the first blank line."""
    return dict(line for line in lines[1 : lines.index([])])


def test_a_csv_starts_with_what_it_is(client, march, org, unit, executive):
    client.force_login(executive)
    url = reverse("reports:export", args=["platforms", "csv"])
    lines = _csv(client.get(url, {"date_from": "2026-03-01", "date_to": "2026-03-31"}))
    assert lines[0] == ["OFFICIAL: Sensitive"]
    about = _about(lines)
    assert about["Organisation"] == org.name
    assert about["Filters"].startswith("None")
    assert about["Period"] == "Figures cover 1 March 2026 to 31 March 2026 (whole months)."
    produced = dt.datetime.strptime(about["Produced"][:16], "%Y-%m-%d %H:%M")
    assert abs(produced - timezone.localtime().replace(tzinfo=None)) < dt.timedelta(minutes=2)
    assert '"<5"' in about["Small counts"] and '"np"' in about["Small counts"]
    assert about["Protective marking"] == "OFFICIAL: Sensitive"
    assert "lead concern" in about["Counted"]
    assert lines[lines.index([]) + 1] == ["Concerns by platform"]
    assert ["Social networking sites", "8"] in lines


def test_a_csv_names_the_filters_applied(client, march, unit, hr_manager):
    client.force_login(hr_manager)  # HR managers may narrow by unit (reporting.permissions)
    url = reverse("reports:export", args=["platforms", "csv"])
    unit_lines = _csv(client.get(url, {"unit": unit.pk}))
    assert _about(unit_lines)["Filters"] == f"business unit {unit.name}"


def test_a_workbook_has_an_about_sheet_first_and_numbers_as_numbers(client, march, org, executive):
    client.force_login(executive)
    response = client.get(reverse("reports:export", args=["all", "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "About this export"
    about = {row[0]: row[1] for row in workbook["About this export"].iter_rows(values_only=True)}
    assert about["Organisation"] == org.name and "np" in about["Small counts"]
    sheet = workbook["By platform"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert values["Social networking sites"] == 8  # a number, not the text "8"
    assert values["Total"] == 8
    assert all(len(name) <= 31 for name in workbook.sheetnames)
    assert len({name.casefold() for name in workbook.sheetnames}) == len(workbook.sheetnames)
    names = [sheet for sheet in workbook.sheetnames if sheet != "About this export"]
    assert names == [panel.sheet for panel in dashboard.build_panels(_scope(org))]


def _scope(org):
    return queries.ReportScope(organisation_ids=(org.pk,))


def test_every_panel_has_its_own_sheet_name_that_fits(org, guidance):
    sheets = [panel.sheet for panel in dashboard.build_panels(_scope(org))]
    sector = [panel.sheet for panel in dashboard.build_panels(queries.ReportScope(None))]
    for names in (sheets, sector):
        assert all(0 < len(name) <= 31 for name in names)
        assert len(set(names)) == len(names)


def test_a_sector_export_says_it_covers_the_whole_sector(client, march, org):
    analyst = UserFactory(username="analyst", organisation=org, roles=[Role.SECTOR_ANALYST])
    client.force_login(analyst)
    lines = _csv(client.get(reverse("reports:export", args=["months", "csv"])))
    assert _about(lines)["Organisation"].startswith("Every organisation")


def test_the_background_workbook_and_the_monthly_summary_say_what_they_are(march, org):
    from reporting import monthly

    content = monthly.build_workbook(org, dt.date(2026, 3, 1))
    workbook = load_workbook(io.BytesIO(content))
    about = {row[0]: row[1] for row in workbook["About this export"].iter_rows(values_only=True)}
    assert about["Organisation"] == org.name
    assert "March 2026" in about["Period"]
