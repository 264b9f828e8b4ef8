"""Trends count a matter (concerns HR linked as the same) once, under its lead concern."""

import csv
import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from incidents.casework import matters
from incidents.casework import services as casework
from incidents.models import Concern
from reporting import queries, rollups
from tests.factories import make_concern

pytestmark = pytest.mark.django_db

MATTER_NOTE = "A matter reported several times is counted once, under its lead concern."


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def viral_post(guidance, org, reporter, hr_manager):
    """One post logged five times (to be linked), and six concerns about other people."""
    five = [
        make_concern(reporter, subject_name="Jordan Example", description=f"Report {i}.")
        for i in range(5)
    ]
    for i in range(6):
        make_concern(reporter, subject_name=f"Person {i}", links=[f"https://example.org/other/{i}"])
    return five


def _link_all(five, actor):
    lead = five[0]
    for concern in five[1:]:
        concern.refresh_from_db()
        matters.matter_link(
            concern=concern,
            other=lead,
            actor=actor,
            reason="The same post, logged by several managers.",
            expected_version=concern.version,
        )


def _scope(org):
    return queries.ReportScope(organisation_ids=(org.pk,))


def test_a_five_concern_matter_counts_once_in_the_direct_figures(viral_post, org, hr_manager):
    assert queries.summary_counts(_scope(org))["total"] == 11
    _link_all(viral_post, hr_manager)
    counts = queries.summary_counts(_scope(org))
    assert counts["total"] == 7
    assert counts["with_subject"] == 7
    assert dict(queries.by_platform(_scope(org))) == {"Social networking sites": 7}
    assert sum(n for _, n in queries.by_month(_scope(org))) == 7


def test_the_rollups_count_the_matter_once_after_the_next_refresh(viral_post, org, hr_manager):
    rollups.refresh(org.pk)
    assert rollups.RollupFigures(_scope(org)).summary_counts()["total"] == 11
    _link_all(viral_post, hr_manager)
    assert rollups.refresh_changed(org.pk) > 0
    rolled = rollups.RollupFigures(_scope(org))
    direct = queries.DirectFigures(_scope(org))
    assert rolled.summary_counts()["total"] == 7
    for method in ("summary_counts", "by_month", "by_platform", "by_section"):
        assert getattr(rolled, method)() == getattr(direct, method)(), method


def test_when_the_lead_is_restricted_the_next_earliest_counts_in_its_own_month(
    viral_post, org, hr_manager
):
    """The lead's restriction is an event on the lead only; the refresh still recounts the
    month of the concern that now stands for the matter."""
    lead = viral_post[0]
    earlier = timezone.now() - dt.timedelta(days=62)
    Concern.objects.filter(pk=lead.pk).update(submitted_at=earlier)
    _link_all(viral_post, hr_manager)
    rollups.refresh(org.pk)
    assert rollups.RollupFigures(_scope(org)).summary_counts()["total"] == 7
    casework.concern_restrict(concern=lead, actor=None, reason="Possible disclosure.")
    rollups.refresh_changed(org.pk)
    rolled = rollups.RollupFigures(_scope(org))
    direct = queries.DirectFigures(_scope(org))
    assert direct.summary_counts()["total"] == 7  # the next earliest stands for it now
    assert rolled.summary_counts() == direct.summary_counts()
    assert rolled.by_month() == direct.by_month()


def test_unlinking_counts_the_concern_again(viral_post, org, hr_manager):
    _link_all(viral_post, hr_manager)
    rollups.refresh(org.pk)
    last = viral_post[-1]
    last.refresh_from_db()
    matters.matter_unlink(
        concern=last, actor=hr_manager, reason="A different post.", expected_version=last.version
    )
    rollups.refresh_changed(org.pk)
    assert queries.summary_counts(_scope(org))["total"] == 8
    assert rollups.RollupFigures(_scope(org)).summary_counts()["total"] == 8


def test_the_dashboard_and_a_csv_export_count_the_matter_once_and_say_so(
    client, viral_post, executive, hr_manager
):
    _link_all(viral_post, hr_manager)
    client.force_login(executive)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert MATTER_NOTE in page
    response = client.get(reverse("reports:export", args=["platforms", "csv"]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert ["Social networking sites", "7"] in lines
    assert any(MATTER_NOTE in line[0] for line in lines if line)


def test_every_sheet_of_the_workbook_carries_the_note(client, viral_post, executive):
    from openpyxl import load_workbook

    client.force_login(executive)
    response = client.get(reverse("reports:export", args=["all", "xlsx"]))
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        texts = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
        assert any(MATTER_NOTE in str(text) for text in texts), sheet.title
