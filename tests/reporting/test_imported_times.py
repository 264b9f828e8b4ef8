"""Imported concerns keep their spreadsheet dates in every count, but the times taken
(submission to triage, to closure) leave them out: they would run from the spreadsheet
date, long before the concern reached the app."""

import datetime as dt

import pytest
from django.utils import timezone

from imports.models import ImportBatch, ImportedRow
from incidents.models import Concern
from reporting import queries, rollups
from tests.factories import make_concern

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(guidance, org, reporter):
    """Five concerns triaged a day after submission, and three imported from a spreadsheet
    dated a year earlier, triaged in the app last week."""
    now = timezone.now()
    for index in range(5):
        concern = make_concern(reporter, subject_name=f"New {index}", links=[])
        Concern.objects.filter(pk=concern.pk).update(
            submitted_at=now - dt.timedelta(days=3), triaged_at=now - dt.timedelta(days=2)
        )
    batch = ImportBatch.objects.create(
        organisation=org,
        uploaded_by=reporter,
        original_name="old.xlsx",
        file_format="xlsx",
        size=1,
        sha256="0" * 64,
    )
    for index in range(3):
        concern = make_concern(reporter, subject_name=f"Old {index}", links=[])
        Concern.objects.filter(pk=concern.pk).update(
            submitted_at=now - dt.timedelta(days=365), triaged_at=now - dt.timedelta(days=7)
        )
        ImportedRow.objects.create(
            organisation=org,
            batch=batch,
            row_number=index + 2,
            fingerprint=f"f{index}",
            concern=concern,
        )


def test_imported_concerns_do_not_inflate_time_to_triage(mixed, org):
    scope = queries.ReportScope(organisation_ids=(org.pk,))
    triage = queries.time_to_triage(scope)
    assert (triage.count, triage.median_days, triage.p90_days) == (5, 1.0, 1.0)
    assert queries.base(scope).count() == 8  # still counted everywhere else


def test_the_rollups_leave_them_out_the_same_way(mixed, org):
    scope = queries.ReportScope(organisation_ids=(org.pk,))
    rollups.refresh(org.pk)
    figures = rollups.RollupFigures(scope)
    assert figures.time_to_triage() == queries.time_to_triage(scope)
    assert figures.summary_counts()["total"] == 8
