"""The issue's other "done when": a BI tool pulls the monthly figures with a read-only
token, with the dashboard's small-cell suppression."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import Role
from incidents.models import Event
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
