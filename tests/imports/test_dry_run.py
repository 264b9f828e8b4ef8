"""Upload and dry run: every problem named per row, and nothing created before confirmation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import Event
from imports.models import ImportBatch
from incidents.models import Concern

from .conftest import EXPECTED_PROBLEMS, GOOD_AND_BAD, csv_bytes, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("build", "name"), [(csv_bytes, "concerns.csv"), (xlsx_bytes, "concerns.xlsx")]
)
def test_dry_run_names_every_problem_by_row_and_creates_nothing(importing, build, name):
    response = upload(importing, build(GOOD_AND_BAD), name)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:batch", args=[batch.pk])
    page = importing.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    for problem in EXPECTED_PROBLEMS.values():
        assert problem.replace('"', "&quot;") in html
    assert html.count("Will create") == 2
    assert "Import 2 concerns" in html
    assert (batch.total_rows, batch.valid_rows, batch.problem_rows) == (8, 2, 6)
    assert batch.state == ImportBatch.State.CHECKED
    assert Concern.objects.count() == 0
    assert Event.objects.count() == 0


def test_each_problem_is_reported_against_its_row(importing):
    from imports import services

    upload(importing, csv_bytes(GOOD_AND_BAD))
    dry_run = services.batch_dry_run(batch=ImportBatch.objects.get())

    problems = {check.number: check.problems for check in dry_run.checks if check.problems}
    assert {number: found[0] for number, found in problems.items()} == EXPECTED_PROBLEMS
    assert [check.number for check in dry_run.to_create] == [2, 3]


def test_other_problems_are_named_too(importing, today):
    rows = [
        row(occurred_on="2025-03-19"),
        row(reported_on=(today.replace(year=today.year + 1)).isoformat()),
        row(use_context="sometimes"),
        row(possible_pid="perhaps"),
        row(business_unit="Nowhere"),
        row(employee_name=""),
        row(reporter="", description="The importer holds no reporter role."),
        row(description="x" * 10_001),
    ]
    upload(importing, csv_bytes(rows))
    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content
    html = html.decode()

    assert "Occurred date: is after the reported date." in html
    assert "is in the future." in html
    assert "Use context: &quot;sometimes&quot; is not official, private or unclear." in html
    assert (
        "Possible public interest disclosure: &quot;perhaps&quot; is not yes, no or unsure." in html
    )
    assert "&quot;Nowhere&quot; is not one of your organisation&#x27;s business units." in html
    assert "Employee name is missing." in html
    assert "you do not hold the reporter role" in html
    assert "Description: is 10,001 characters long; the limit is 10,000." in html
    assert "Will create" not in html


def test_rows_repeated_in_one_file_create_one_concern(importing):
    upload(importing, csv_bytes([row(), row()]))
    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content

    assert b"Same as row 2." in html
    assert b"Import 1 concern<" in html


def test_a_possible_disclosure_hides_the_employee_in_the_dry_run(importing):
    upload(importing, csv_bytes([row(possible_pid="yes", employee_name="Robin Secret")]))
    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content

    assert b"Robin Secret" not in html
    assert b"Restricted to the disclosure coordinator." in html


def test_the_file_is_kept_privately_with_its_hash(importing):
    import hashlib

    content = csv_bytes([row()])
    upload(importing, content, "past concerns.csv")

    batch = ImportBatch.objects.get()
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert batch.original_name == "past concerns.csv"
    assert batch.file.name.startswith("imports/")
    assert "." not in batch.file.name.rsplit("/", 1)[-1]
    with batch.file.open("rb") as handle:
        assert handle.read() == content


def test_the_dry_run_page_runs_the_same_queries_for_1_row_and_for_40(
    importing, django_assert_max_num_queries, second_reporter
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(rows):
        upload(importing, csv_bytes(rows))
        url = reverse("imports:batch", args=[ImportBatch.objects.latest("pk").pk])
        with CaptureQueriesContext(connection) as captured:
            assert importing.get(url).status_code == 200
        return len(captured)

    one = queries_for([row(description="one")])
    many = queries_for(
        [
            row(description=f"row {n}", reporter="reporter2" if n % 2 else "reporter")
            for n in range(40)
        ]
    )
    assert one == many
