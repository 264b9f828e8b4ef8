"""Confirmation, the background run and idempotency: the same row never creates twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import Event
from imports import services
from imports.models import ImportBatch, ImportedRow
from incidents.models import Concern, Status

from .conftest import GOOD_AND_BAD, csv_bytes, row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirm(django_capture_on_commit_callbacks):
    """Confirm a batch as the signed-in user, running what is queued after commit."""

    def _confirm(client, batch=None):
        batch = batch or ImportBatch.objects.latest("pk")
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("imports:confirm", args=[batch.pk]))

    return _confirm


@pytest.mark.parametrize(
    ("build", "name"), [(csv_bytes, "concerns.csv"), (xlsx_bytes, "concerns.xlsx")]
)
def test_confirmation_creates_the_good_rows_only(
    confirm, importing, reporter, hr_manager, build, name
):
    upload(importing, build(GOOD_AND_BAD), name)

    response = confirm(importing)

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.state == ImportBatch.State.DONE
    assert (batch.created_rows, batch.problem_rows, batch.duplicate_rows) == (2, 6, 0)
    assert [entry["row"] for entry in batch.skipped] == [4, 5, 6, 7, 8, 9]
    concerns = Concern.objects.order_by("pk")
    assert [c.subject.full_name for c in concerns] == ["Jordan Example", "Sam Taylor"]
    assert all(c.status == Status.SUBMITTED and c.reporter == reporter for c in concerns)
    page = importing.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "2 concerns created." in page
    assert concerns[0].reference in page
    assert "&quot;9.9&quot; is not a section of the current Code." in page


def test_an_imported_concern_keeps_its_dates_sections_and_gets_a_reference(
    confirm, importing, unit
):
    upload(importing, csv_bytes([row()]))
    confirm(importing)

    concern = Concern.objects.get()
    assert concern.occurred_on == dt.date(2025, 3, 14)
    assert timezone.localtime(concern.submitted_at).date() == dt.date(2025, 3, 18)
    assert concern.reference == "SMC-2025-00001"
    assert sorted(concern.reported_sections.values_list("code", flat=True)) == ["3.9", "6.2"]
    assert list(concern.links.values_list("url", flat=True)) == [
        "https://www.facebook.com/some.post/123"
    ]
    assert concern.business_unit == unit
    assert concern.platform_category.code == "social-networking"
    assert concern.use_context == "private"


def test_each_concern_and_the_batch_leave_events(confirm, importing, hr_manager):
    upload(importing, csv_bytes([row()]))
    confirm(importing)

    batch = ImportBatch.objects.get()
    concern = Concern.objects.get()
    kinds = list(Event.objects.filter(concern=concern).values_list("kind", flat=True))
    assert kinds.count("status_changed") == 1  # through the workflow table
    imported = Event.objects.get(concern=concern, kind="imported")
    assert imported.actor == hr_manager
    assert imported.after["batch"] == batch.pk and imported.after["row"] == 2
    confirmed = Event.objects.get(kind="import_confirmed")
    assert confirmed.concern is None and confirmed.after["batch"] == batch.pk
    finished = Event.objects.get(kind="import_finished")
    assert finished.after == {
        "batch": batch.pk,
        "created": 1,
        "already_imported": 0,
        "skipped": 0,
        "file_deleted": True,
    }
    assert list(verify_chain(concern.organisation_id)) == []


def test_importing_the_same_file_twice_creates_nothing_new(confirm, importing):
    content = csv_bytes(GOOD_AND_BAD)
    upload(importing, content)
    confirm(importing)
    events = Event.objects.count()

    upload(importing, content)
    second = ImportBatch.objects.latest("pk")
    page = importing.get(reverse("imports:batch", args=[second.pk])).content.decode()
    response = confirm(importing, second)

    assert page.count("Already imported") == 2
    assert "Will create" not in page
    assert "No row can be imported." in page
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == ImportBatch.State.CHECKED
    assert Concern.objects.count() == 2
    assert Event.objects.count() == events


def test_the_same_rows_in_the_other_format_are_recognised(confirm, importing):
    upload(importing, csv_bytes([row()]))
    confirm(importing)

    upload(importing, xlsx_bytes([row(occurred_on="2025-03-14")]), "again.xlsx")
    page = importing.get(reverse("imports:batch", args=[ImportBatch.objects.latest("pk").pk]))

    assert b"Already imported" in page.content
    assert Concern.objects.count() == 1


def test_a_second_file_sharing_some_rows_creates_only_the_new_ones(confirm, importing):
    first = [row(), row(employee_name="Sam Taylor")]
    upload(importing, csv_bytes(first))
    confirm(importing)

    upload(importing, csv_bytes([*first, row(employee_name="Morgan Lee")]))
    confirm(importing)

    second = ImportBatch.objects.latest("pk")
    assert (second.created_rows, second.duplicate_rows) == (1, 2)
    assert Concern.objects.count() == 3
    assert ImportedRow.objects.filter(batch=second).count() == 1


def test_running_the_task_twice_creates_nothing_twice(confirm, importing):
    from imports.tasks import run_import

    upload(importing, csv_bytes([row(), row(employee_name="Sam Taylor")]))
    confirm(importing)
    batch = ImportBatch.objects.get()

    assert run_import(batch.pk) == 0
    assert services.batch_run(batch.pk).created == 0
    assert Concern.objects.count() == 2
    assert Event.objects.filter(kind="import_finished").count() == 1


def test_a_run_lost_with_its_worker_is_resumed_without_duplicates(importing, hr_manager):
    upload(importing, csv_bytes([row(), row(employee_name="Sam Taylor")]))
    batch = ImportBatch.objects.get()
    # A first attempt imported row 2, then its worker died.
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.CONFIRMED, confirmed_by=hr_manager
    )
    batch.refresh_from_db()
    check = services.batch_dry_run(batch=batch).checks[0]
    assert services._import_row(batch=batch, check=check) == "created"
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING,
        heartbeat_at=timezone.now() - services.STALE_AFTER - dt.timedelta(seconds=1),
    )

    services.batch_run(batch.pk)

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert (batch.created_rows, batch.duplicate_rows) == (2, 0)
    assert Concern.objects.count() == 2


def test_a_running_batch_is_not_claimed_twice(importing, hr_manager):
    upload(importing, csv_bytes([row()]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING, heartbeat_at=timezone.now()
    )

    assert services.batch_run(batch.pk) == services.RunResult(created=0, more=False)
    assert Concern.objects.count() == 0


def test_a_confirmed_batch_cannot_be_confirmed_again(confirm, importing):
    upload(importing, csv_bytes([row()]))
    confirm(importing)

    response = importing.post(reverse("imports:confirm", args=[ImportBatch.objects.get().pk]))

    assert response.status_code == 302
    assert Concern.objects.count() == 1
    assert Event.objects.filter(kind="import_confirmed").count() == 1


def test_formula_looking_cells_are_stored_as_text(confirm, importing):
    formula = '=HYPERLINK("https://evil.example","click")'
    rows = [row(description=formula, employee_name="@SUM(1+1)", platform_name="+cmd|' /C calc'!A0")]
    upload(importing, xlsx_bytes(rows), "formulas.xlsx")
    confirm(importing)

    concern = Concern.objects.get()
    assert concern.description == formula
    assert concern.subject.full_name == "@SUM(1+1)"
    assert concern.platform_name == "+cmd|' /C calc'!A0"


def test_a_formula_cell_gives_its_saved_value_never_its_formula(importing):
    import io

    from openpyxl import Workbook

    from .conftest import HEADINGS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADINGS)
    values = row()
    sheet.append([values[key] for key in values])
    sheet["J2"] = "=1+1"  # Description: a formula with no saved value
    buffer = io.BytesIO()
    workbook.save(buffer)

    upload(importing, buffer.getvalue(), "formula.xlsx")
    html = importing.get(reverse("imports:batch", args=[ImportBatch.objects.get().pk])).content

    assert b"Description is missing." in html


def test_a_possible_disclosure_is_imported_restricted(confirm, importing):
    upload(importing, csv_bytes([row(possible_pid="unsure")]))
    confirm(importing)

    assert Concern.objects.get().restricted is True


def test_an_employee_not_known_is_recorded_as_such(confirm, importing):
    upload(importing, csv_bytes([row(employee_name="Not known", employee_position="")]))
    confirm(importing)

    concern = Concern.objects.get()
    assert concern.subject is None and concern.subject_not_known is True


def test_xlsx_date_cells_are_read_as_dates(confirm, importing):
    upload(
        importing,
        xlsx_bytes([row(reported_on=dt.date(2025, 3, 18), occurred_on=dt.datetime(2025, 3, 14))]),
        "dates.xlsx",
    )
    confirm(importing)

    assert Concern.objects.get().occurred_on == dt.date(2025, 3, 14)


def test_a_changed_stored_file_is_not_imported(confirm, importing):
    upload(importing, csv_bytes([row()]))
    batch = ImportBatch.objects.get()
    with open(batch.file.path, "ab") as handle:
        handle.write(b"extra")

    page = importing.get(reverse("imports:batch", args=[batch.pk]))
    confirm(importing)

    assert b"no longer matches the one you uploaded" in page.content
    assert Concern.objects.count() == 0


def test_a_large_import_runs_in_slices_that_carry_on_where_they_stopped(
    confirm, importing, monkeypatch
):
    monkeypatch.setattr("imports.tasks.SLICE_SECONDS", 0)  # one row per slice
    rows = [row(employee_name=name) for name in ("Sam Taylor", "Morgan Lee", "Casey Wilson")]
    upload(importing, csv_bytes([*rows, row(description="")]))

    confirm(importing)

    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.State.DONE
    assert (batch.created_rows, batch.problem_rows, batch.duplicate_rows) == (3, 1, 0)
    assert Concern.objects.count() == 3
    assert Event.objects.filter(kind="import_finished").count() == 1


def test_a_slice_out_of_time_hands_the_batch_back(importing, hr_manager):
    upload(importing, csv_bytes([row(), row(employee_name="Sam Taylor")]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.CONFIRMED, confirmed_by=hr_manager
    )

    first = services.batch_run(batch.pk, budget_seconds=0)

    batch.refresh_from_db()
    assert first == services.RunResult(created=1, more=True)
    assert batch.state == ImportBatch.State.CONFIRMED
    assert services.batch_run(batch.pk, budget_seconds=0) == services.RunResult(1, more=False)


def test_an_imported_concern_is_due_from_today_and_sends_no_email_per_row(
    confirm, importing, hr_manager, mailoutbox
):
    upload(importing, csv_bytes([row(), row(employee_name="Sam Taylor")]))
    mailoutbox.clear()

    confirm(importing)

    concerns = list(Concern.objects.all())
    assert len(concerns) == 2
    today = timezone.localdate()
    assert all(c.submitted_at.date() < today - dt.timedelta(days=30) for c in concerns)
    assert all(c.due_on is not None and c.due_on > today for c in concerns)
    assert not any(c.is_overdue for c in concerns)
    assert mailoutbox == []
