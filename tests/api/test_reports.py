"""The issue's other "done when": a BI tool pulls the monthly figures with a read-only
token, with the dashboard's small-cell suppression."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from audit.models import Event
from tests.factories import UserFactory, make_concern

pytestmark = pytest.mark.django_db


def _cells(panel):
    return [cell for row in panel["rows"] for cell in row["cells"]] + panel["total"]


def test_a_bi_tool_pulls_the_monthly_figures_with_a_read_only_token(
    api, guidance, reporter, executive
):
    for _ in range(6):
        make_concern(reporter)
    bi = api(executive, "read")

    response = bi.get("/api/v1/reports/months/")

    assert response.status_code == 200, response.json()
    panel = response.json()
    assert panel["key"] == "months"
    month = f"{timezone.localdate():%b %Y}"
    assert panel["rows"] == [
        {"label": month, "cells": [{"label": "6", "value": 6.0, "hidden": False}]}
    ]
    assert panel["total"] == [{"label": "6", "value": 6.0, "hidden": False}]
    # It says how a matter reported several times is counted, as the exports do.
    assert "counted once, under its lead concern" in panel["note"]
    assert Event.objects.filter(kind="report_exported", actor=executive).exists()
    assert bi.post("/api/v1/reports/months/").status_code in (403, 405)


def test_small_counts_are_hidden_with_no_value(api, guidance, reporter, executive):
    for _ in range(3):
        make_concern(reporter)
    body = api(executive, "read").get("/api/v1/reports/").json()

    assert body["threshold"] == 5 and body["sector"] is False
    months = next(p for p in body["panels"] if p["key"] == "months")
    assert months["rows"][0]["cells"] == [{"label": "<5", "value": None, "hidden": True}]
    for panel in body["panels"]:
        for cell in _cells(panel):
            if cell["hidden"]:
                assert cell["value"] is None
    text = str(body)
    assert "Jordan Example" not in text and "SMC-" not in text


def test_filters_are_checked_like_the_dashboards(api, executive):
    response = api(executive, "read").get(
        "/api/v1/reports/", {"date_from": "2026-05-01", "date_to": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "start date is after the end date" in response.json()["error"]["message"]


def test_an_executive_sees_their_own_organisation_only(api, guidance, reporter, other_org, org):
    other_executive = UserFactory(
        username="other-exec", organisation=other_org, roles=[Role.EXECUTIVE]
    )
    for _ in range(6):
        make_concern(reporter)
    bi = api(other_executive, "read")
    assert bi.get("/api/v1/reports/months/").json()["total"][0]["value"] == 0
    asked = bi.get("/api/v1/reports/months/", {"organisation": org.pk})
    assert asked.json()["total"][0]["value"] == 0, "only sector analysts choose"


def test_a_sector_analyst_sees_the_sector(api, guidance, reporter, outsider):
    for _ in range(6):
        make_concern(reporter)
    body = api(outsider, "read").get("/api/v1/reports/").json()
    assert body["sector"] is True
    months = next(p for p in body["panels"] if p["key"] == "months")
    assert months["total"][0]["value"] == 6


def test_reporters_get_no_reports(api, reporter):
    assert api(reporter, "read").get("/api/v1/reports/").status_code == 403


def test_an_unknown_table_is_404(api, executive):
    assert api(executive, "read").get("/api/v1/reports/nothing/").status_code == 404


# --- Differencing (issue 13, point 4) -------------------------------------------------


def _api_figures(body) -> dict:
    """{(panel, row, column): value shown, or None when hidden}."""
    panels = body.get("panels", [body])
    out = {}
    for panel in panels:
        for row in panel["rows"]:
            for index, cell in enumerate(row["cells"]):
                out[(panel["key"], row["label"], index)] = None if cell["hidden"] else cell["value"]
        for index, cell in enumerate(panel["total"]):
            out[(panel["key"], "Total", index)] = None if cell["hidden"] else cell["value"]
    return out


@pytest.mark.parametrize("rollups_current", [False, True], ids=["direct", "rollups"])
def test_two_overlapping_ranges_a_day_apart_do_not_single_out_a_concern(
    api, guidance, reporter, executive, rollups_current, django_capture_on_commit_callbacks
):
    """The probe's attack: subtract two ranges that differ by one day, through a read-only
    token, to read the one concern submitted on that day."""
    import datetime as dt

    from django.core.cache import cache

    from incidents.models import Concern
    from reporting import rollups
    from tests.reporting.test_differencing import assert_difference_reveals_nothing

    def on(concern, day):
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
        Concern.objects.filter(pk=concern.pk).update(submitted_at=when)

    for index in range(6):
        on(
            make_concern(reporter, subject_name=f"P{index}", use_context="official"),
            dt.date(2026, 3, 10),
        )
    lone = make_concern(reporter, subject_name="P0", use_context="private")
    on(lone, dt.date(2026, 4, 1))
    cache.clear()
    if rollups_current:
        with django_capture_on_commit_callbacks(execute=True):
            rollups.refresh_all(full=True)
    bi = api(executive, "read")
    try:
        for path in ("/api/v1/reports/", "/api/v1/reports/use/"):
            before = bi.get(path, {"date_from": "2026-03-01", "date_to": "2026-03-31"})
            after = bi.get(path, {"date_from": "2026-03-01", "date_to": "2026-04-01"})
            assert before.status_code == after.status_code == 200, after.json()
            assert_difference_reveals_nothing(
                _api_figures(before.json()), _api_figures(after.json())
            )
        period = after.json()["period"]
        assert period == {
            "asked_from": "2026-03-01",
            "asked_to": "2026-04-01",
            "date_from": "2026-03-01",
            "date_to": "2026-04-30",
            "description": "You asked for 1 March 2026 to 1 April 2026. "
            "Figures cover 1 March 2026 to 30 April 2026 (whole months).",
        }
    finally:
        cache.clear()


def test_the_sector_minus_one_organisation_does_not_single_out_a_concern(
    api, guidance, reporter, outsider, org
):
    from tests.reporting.test_differencing import assert_difference_reveals_nothing

    for index in range(6):
        make_concern(reporter, subject_name=f"P{index}", use_context="official")
    make_concern(outsider, subject_name="Alone", use_context="private")
    analyst = api(outsider, "read")  # the outsider holds every role, sector analyst too
    whole = _api_figures(analyst.get("/api/v1/reports/").json())
    one = _api_figures(analyst.get("/api/v1/reports/", {"organisation": org.pk}).json())
    whole = {key: value for key, value in whole.items() if key[0] != "organisations"}
    assert_difference_reveals_nothing(whole, one)


def test_a_range_that_ends_before_it_starts_names_the_field(api, executive):
    response = api(executive, "read").get(
        "/api/v1/reports/months/", {"date_from": "2026-05-01", "date_to": "2026-01-31"}
    )
    assert response.status_code == 400
    assert "date_to" in response.json()["error"]["fields"]
