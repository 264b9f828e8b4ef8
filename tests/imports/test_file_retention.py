"""The uploaded spreadsheet names employees: it is kept only while it may still be imported.

A finished or failed import's file is deleted at once (the concerns it created have their
own retention and disposal); an upload never confirmed expires after
IMPORT_UNCONFIRMED_DAYS and its file is deleted by a daily job.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify_chain
from audit.models import Event
from imports import services, tasks
from imports.models import ImportBatch
from incidents.models import Concern

from .conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db


def _uploaded(client) -> tuple[ImportBatch, str]:
    upload(client, csv_bytes([row(), row(employee_name="Sam Taylor")]))
    batch = ImportBatch.objects.get()
    path = batch.file.path
    assert os.path.exists(path)
    return batch, path


def _confirm(client, batch, capture):
    with capture(execute=True):
        return client.post(reverse("imports:confirm", args=[batch.pk]))


def test_a_finished_import_deletes_its_file_and_keeps_its_summary(
    importing, django_capture_on_commit_callbacks
):
    batch, path = _uploaded(importing)

    _confirm(importing, batch, django_capture_on_commit_callbacks)

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DONE
    assert not batch.file and not os.path.exists(path)
    assert Concern.objects.count() == 2
    assert Event.objects.get(kind="import_finished").after["file_deleted"] is True
    page = importing.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "2 concerns created." in page
    assert "The uploaded file was deleted when the import finished" in page


def test_a_failed_import_deletes_its_file(
    importing, hr_manager, monkeypatch, django_capture_on_commit_callbacks
):
    batch, path = _uploaded(importing)
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.CONFIRMED, confirmed_by=hr_manager
    )

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_import_row", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.batch_run(batch.pk)

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.FAILED
    assert not batch.file and not os.path.exists(path)


def test_an_upload_left_unconfirmed_expires_and_its_file_is_deleted(
    importing, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_UNCONFIRMED_DAYS = 7
    batch, path = _uploaded(importing)
    ImportBatch.objects.filter(pk=batch.pk).update(
        created_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_unconfirmed_imports() == 1

    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.EXPIRED
    assert not batch.file and not os.path.exists(path)
    event = Event.objects.get(kind="import_expired")
    assert event.after == {
        "batch": batch.pk,
        "file_sha256": batch.sha256,
        "days": 7,
        "file_deleted": True,
    }
    assert list(verify_chain(batch.organisation_id)) == []
    page = importing.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "not confirmed within 7 days" in page
    assert "upload it again" in page
    # Nothing can be imported from it any more.
    response = importing.post(reverse("imports:confirm", args=[batch.pk]), follow=True)
    assert response.status_code == 200
    assert "has been deleted" in response.content.decode()
    assert Concern.objects.count() == 0


def test_a_recent_upload_is_left_alone_and_a_second_run_does_nothing(
    importing, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_UNCONFIRMED_DAYS = 7
    recent, recent_path = _uploaded(importing)
    ImportBatch.objects.filter(pk=recent.pk).update(
        created_at=timezone.now() - dt.timedelta(days=6, hours=23)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_unconfirmed_imports() == 0
        assert tasks.expire_unconfirmed_imports() == 0

    recent.refresh_from_db()
    assert recent.state == ImportBatch.State.CHECKED
    assert os.path.exists(recent_path)
    assert not Event.objects.filter(kind="import_expired").exists()


def test_a_confirmed_import_never_expires(
    importing, hr_manager, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_UNCONFIRMED_DAYS = 1
    batch, path = _uploaded(importing)
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.CONFIRMED,
        confirmed_by=hr_manager,
        created_at=timezone.now() - dt.timedelta(days=30),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_unconfirmed_imports() == 0

    assert os.path.exists(path)
    assert services.batch_run(batch.pk).created == 2
