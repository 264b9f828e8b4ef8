"""Concerns per 100 staff: exact Poisson intervals, "within normal variation", changes
that rest on one or two concerns, missing headcount said, and suppression kept."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Headcount
from accounts.services import headcount_import, headcount_parse
from audit.models import Event
from incidents.models import Concern
from reporting import dashboard, queries, rates
from tests.factories import BusinessUnitFactory, make_concern

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        (0, 0.0, 3.689),
        (1, 0.0253, 5.5716),
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
        (100, 81.364, 121.627),
    ],
)
def test_the_interval_is_the_exact_poisson_interval(count, low, high):
    found = rates.poisson_interval(count)
    assert found == pytest.approx((low, high), abs=5e-4)


def test_overlapping_intervals_are_within_normal_variation():
    assert rates.compare(rates.rate(5, 100), rates.rate(7, 100), higher="up", lower="down") == (
        "within normal variation; the difference rests on 2 concerns"
    )
    assert rates.compare(rates.rate(60, 100), rates.rate(10, 100), higher="up", lower="down") == (
        "up"
    )
    assert rates.compare(rates.rate(3, 40), rates.rate(3, 2000), higher="up", lower="down") == "up"


def _on(concern, day):
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Concern.objects.filter(pk=concern.pk).update(submitted_at=when)


@pytest.fixture
def two_months(guidance, org, unit, reporter):
    """Eight concerns in March and six in April, all in one unit."""
    for index in range(14):
        _on(
            make_concern(reporter, subject_name=f"P{index}", links=[]),
            MARCH if index < 8 else APRIL,
        )


def _panels(org):
    panels = dashboard.build_panels(queries.ReportScope(organisation_ids=(org.pk,)))
    return {panel.key: panel for panel in panels}


def _rows(panel):
    return {row.label: tuple(str(getattr(c, "label", c)) for c in row.cells) for row in panel.rows}


@pytest.mark.django_db
def test_rates_per_unit_and_per_month_with_their_intervals(two_months, org, unit):
    headcount_import(
        organisation=org,
        rows=headcount_parse(
            f"business_unit,month,staff\n{unit.name},2026-03,40\n{unit.name},2026-04,40\n"
        ),
    )
    panels = _panels(org)
    by_unit = _rows(panels["rates"])
    low, high = rates.poisson_interval(14)
    assert by_unit[unit.name][:4] == (
        "14",
        "40",
        "35.0",
        f"{100 * low / 40:.1f} to {100 * high / 40:.1f}",
    )
    assert by_unit[unit.name][4] == "within normal variation"  # the unit is the whole
    by_month = _rows(panels["rates_months"])
    assert by_month["Mar 2026"][:3] == ("8", "40", "20.0")
    assert by_month["Apr 2026"][2] == "15.0"
    assert by_month["Apr 2026"][4] == (
        "within normal variation; the difference rests on 2 concerns"
    )
    assert Event.objects.filter(kind="headcount_recorded").count() == 1


@pytest.mark.django_db
def test_missing_headcount_is_said_not_guessed(two_months, org, unit):
    panels = _panels(org)
    assert panels["rates"].rows == () and "No headcount is recorded" in panels["rates"].note
    other = BusinessUnitFactory(organisation=org, name="Policy")
    Headcount.objects.create(organisation=org, business_unit=other, month=MARCH, staff=10)
    Headcount.objects.create(organisation=org, business_unit=unit, month=MARCH, staff=30)
    Headcount.objects.create(organisation=org, business_unit=other, month=APRIL, staff=10)
    by_month = _rows(_panels(org)["rates_months"])
    assert by_month["Mar 2026"][1:3] == ("40", "20.0")
    assert by_month["Apr 2026"][1] == "not recorded"
    assert by_month["Apr 2026"][4] == "headcount recorded for 1 of 2 units"


@pytest.mark.django_db
def test_a_hidden_count_hides_its_rate_with_the_same_mark(guidance, org, unit, reporter):
    for index in range(3):
        _on(make_concern(reporter, subject_name=f"P{index}", links=[]), MARCH)
    Headcount.objects.create(organisation=org, business_unit=unit, month=MARCH, staff=40)
    row = _rows(_panels(org)["rates"])[unit.name]
    assert row[0] == "<5" and row[2] == "<5" and row[3] == "<5"
    assert "7.5" not in row  # 3 in 40 would be 7.5 per 100


@pytest.mark.django_db
def test_a_bad_headcount_file_says_which_line_is_wrong(org, unit):
    with pytest.raises(ValidationError) as error:
        headcount_parse("business_unit,month,staff\nA,2026-13,4\nB,2026-03,none\n")
    assert [m.split(":")[0] for m in error.value.messages] == ["Line 2", "Line 3"]
    with pytest.raises(ValidationError, match="no column staff"):
        headcount_parse("business_unit,month\nA,2026-03\n")
    with pytest.raises(ValidationError, match="No business unit named Nowhere"):
        headcount_import(
            organisation=org, rows=headcount_parse("business_unit,month,staff\nNowhere,2026-03,4\n")
        )
    assert not Headcount.objects.exists()


@pytest.mark.django_db
def test_the_sector_view_leaves_rates_out(two_months):
    panels = dashboard.build_panels(queries.ReportScope(organisation_ids=None))
    assert not {"rates", "rates_months"} & {panel.key for panel in panels}
