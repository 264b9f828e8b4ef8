"""An executive or a sector analyst subtracts two reports they may see to single out one
concern (issue 13, point 4). Each test makes the attack; none may isolate the concern.

The rule under test: reports cover whole months, and a figure that adds up several
months or organisations is shown only when each of them shows its own share. So a figure
shown in both of two reports differs between them by 0 or by at least the threshold.
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from guidance.models import PlatformCategory
from incidents.models import Concern
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db

THRESHOLD = 5


def _on(concern, day: dt.date) -> None:
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    Concern.objects.filter(pk=concern.pk).update(submitted_at=when)


@pytest.fixture
def lone_concern(guidance, reporter):
    """Six official-use concerns in March 2026, then one private-use concern alone on
    1 April 2026 on a forum: the one an attacker wants to single out."""
    for index in range(6):
        _on(
            make_concern(reporter, subject_name=f"March {index}", use_context="official"),
            dt.date(2026, 3, 10),
        )
    forums = PlatformCategory.objects.get(code="forums")
    lone = make_concern(
        reporter, subject_name="March 0", use_context="private", platform_category=forums
    )
    _on(lone, dt.date(2026, 4, 1))
    return lone


def _figures(panels) -> dict[tuple, int | None]:
    """{(panel, row, column): value shown, or None when hidden} for every figure."""
    out = {}
    for panel in panels:
        for row in panel.rows:
            for index, cell in enumerate(row.cells):
                out[(panel.key, row.label, index)] = _shown(cell)
        for index, cell in enumerate(panel.total):
            out[(panel.key, "Total", index)] = _shown(cell)
    return out


def _shown(cell):
    if hasattr(cell, "hidden"):
        return None if cell.hidden else cell.value
    text = str(cell)
    return int(text) if text.isdigit() else None


def assert_difference_reveals_nothing(first: dict, second: dict) -> None:
    """Every figure shown in both reports is equal, or differs by at least the threshold.

    A missing row counts as a shown 0 (a month or platform with no concern)."""
    small = {}
    for key in set(first) | set(second):
        a, b = first.get(key, 0), second.get(key, 0)
        if a is None or b is None:
            continue  # hidden in one of them: nothing to subtract
        if 0 < abs(a - b) < THRESHOLD:
            small[key] = b - a
    assert not small, f"the difference singles out a small group: {small}"


def _dashboard(client, **query):
    response = client.get(reverse("reports:dashboard"), query)
    assert response.status_code == 200, response.content[:300]
    return response


# --- Two date ranges that differ by one day ------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # the lone concern's day, at a month's end: the reports differ by all of April
        (
            {"date_from": "2026-03-01", "date_to": "2026-03-31"},
            {"date_from": "2026-03-01", "date_to": "2026-04-01"},
        ),
        # the lone concern's day inside a month: both widen to the same whole month
        (
            {"date_from": "2026-04-01", "date_to": "2026-04-30"},
            {"date_from": "2026-04-02", "date_to": "2026-04-30"},
        ),
        (
            {"date_from": "2026-03-01", "date_to": "2026-04-01"},
            {"date_from": "2026-03-01", "date_to": "2026-04-02"},
        ),
        # no end date against an end date
        ({"date_from": "2026-03-01"}, {"date_from": "2026-03-01", "date_to": "2026-03-31"}),
    ],
    ids=["across-a-month-end", "start-inside-a-month", "end-inside-a-month", "open-end"],
)
def test_an_executive_cannot_isolate_a_day_on_the_dashboard(
    client, lone_concern, executive, first, second
):
    client.force_login(executive)
    a = _figures(_dashboard(client, **first).context["panels"])
    b = _figures(_dashboard(client, **second).context["panels"])
    assert_difference_reveals_nothing(a, b)


def _csv(client, key, query) -> dict:
    response = client.get(reverse("reports:export", args=[key, "csv"]), query)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {
        (key, row[0], index): int(value) if value.isdigit() else None
        for row in rows[3:]
        if len(row) > 1
        for index, value in enumerate(row[1:])
    }


@pytest.mark.parametrize("key", ["months", "use", "platforms", "sections", "repeat"])
def test_an_executive_cannot_isolate_a_day_in_the_csv_exports(client, lone_concern, executive, key):
    client.force_login(executive)
    a = _csv(client, key, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    b = _csv(client, key, {"date_from": "2026-03-01", "date_to": "2026-04-01"})
    assert_difference_reveals_nothing(a, b)


def test_the_page_says_which_dates_it_counts(client, lone_concern, executive):
    client.force_login(executive)
    body = _dashboard(client, date_from="2026-03-14", date_to="2026-04-02").content.decode()
    assert "You asked for 14 March 2026 to 2 April 2026." in body
    assert "Figures cover 1 March 2026 to 30 April 2026 (whole months)." in body
    export = client.get(
        reverse("reports:export", args=["months", "csv"]), {"date_from": "2026-03-14"}
    ).content.decode("utf-8-sig")
    assert "Figures cover 1 March 2026 onwards (whole months)." in export


def test_a_range_that_ends_before_it_starts_is_refused_next_to_the_field(client, executive):
    client.force_login(executive)
    response = client.get(
        reverse("reports:dashboard"), {"date_from": "2026-05-01", "date_to": "2026-01-31"}
    )
    assert response.status_code == 400
    assert "start date is after the end date" in str(response.context["form"].errors["date_to"])
    export = client.get(
        reverse("reports:export", args=["months", "csv"]),
        {"date_from": "2026-05-01", "date_to": "2026-01-31"},
    )
    assert export.status_code == 400
    assert b"start date is after the end date" in export.content
    far = client.get(reverse("reports:dashboard"), {"date_to": "9999-12-31"})
    assert far.status_code == 200


# --- The sector against one organisation -----------------------------------------------


@pytest.fixture
def analyst(org):
    return UserFactory(username="analyst", organisation=org, roles=[Role.SECTOR_ANALYST])


@pytest.fixture
def sector(guidance, reporter, outsider):
    """Six concerns in one organisation, one in another, all in the same month."""
    for index in range(6):
        make_concern(reporter, subject_name=f"Person {index}", use_context="official")
    make_concern(outsider, subject_name="Alone", use_context="private")


def test_the_sector_minus_one_organisation_reveals_nothing(client, sector, analyst, org):
    client.force_login(analyst)
    whole = _figures(_dashboard(client).context["panels"])
    one = _figures(_dashboard(client, organisation=org.pk).context["panels"])
    shared = {key: value for key, value in whole.items() if key[0] != "organisations"}
    assert_difference_reveals_nothing(shared, one)
    organisations = {k: v for k, v in whole.items() if k[0] == "organisations"}
    assert organisations[("organisations", "Other Agency", 0)] is None


def test_the_sector_minus_one_organisation_over_months_reveals_nothing(
    client, lone_concern, analyst, org, outsider
):
    _on(make_concern(outsider, subject_name="Far", use_context="private"), dt.date(2026, 3, 3))
    client.force_login(analyst)
    query = {"date_from": "2026-03-01", "date_to": "2026-04-30"}
    whole = _figures(_dashboard(client, **query).context["panels"])
    one = _figures(_dashboard(client, organisation=org.pk, **query).context["panels"])
    march = _figures(
        _dashboard(client, date_from="2026-03-01", date_to="2026-03-31").context["panels"]
    )
    shared = {key: value for key, value in whole.items() if key[0] != "organisations"}
    assert_difference_reveals_nothing(shared, one)
    assert_difference_reveals_nothing(shared, march)


def test_figures_that_every_part_shows_are_still_shown(client, guidance, reporter, executive):
    """The rule hides what a part hides, not everything: two full months show in full."""
    for day in (dt.date(2026, 3, 10), dt.date(2026, 4, 10)):
        for index in range(6):
            _on(make_concern(reporter, subject_name=f"P{day.month}-{index}"), day)
    client.force_login(executive)
    figures = _figures(
        _dashboard(client, date_from="2026-03-01", date_to="2026-04-30").context["panels"]
    )
    assert figures[("months", "Total", 0)] == 12
    assert figures[("use", "Private use", 0)] == 12


@pytest.mark.parametrize("extra", [0, 30])
def test_a_report_of_several_months_runs_a_fixed_number_of_queries(
    client, guidance, reporter, executive, extra, django_assert_num_queries
):
    for index in range(2 + extra):
        concern = make_concern(reporter, subject_name=f"Bulk {index}", links=[])
        _on(concern, dt.date(2026, 3 + index % 2, 10))
    client.force_login(executive)
    with django_assert_num_queries(SEVERAL_MONTHS_QUERIES):
        _dashboard(client, date_from="2026-03-01", date_to="2026-04-30")


# The one-month dashboard's 14 (tests/reporting/test_reports.py) and the five grouped
# queries that give each month's own figures (reporting.queries.parts).
SEVERAL_MONTHS_QUERIES = 18
