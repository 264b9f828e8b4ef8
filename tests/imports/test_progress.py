"""Progress while the import runs in the background, and the list of past imports."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.models import ImportBatch

from .conftest import csv_bytes, row, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(importing, hr_manager):
    upload(importing, csv_bytes([row()]))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state=ImportBatch.State.RUNNING, progress=40, confirmed_by=hr_manager
    )
    return batch


def test_the_page_polls_while_the_import_runs(importing, running):
    html = importing.get(reverse("imports:batch", args=[running.pk])).content.decode()

    assert "Importing (40%)" in html
    assert 'hx-trigger="every 1s"' in html
    assert "progress-40" in html


def test_the_poll_gets_the_progress_alone(importing, running):
    response = importing.get(reverse("imports:batch", args=[running.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b"Importing (40%)" in response.content
    assert "HX-Refresh" not in response


def test_the_poll_reloads_the_page_when_the_import_is_done(importing, running):
    ImportBatch.objects.filter(pk=running.pk).update(state=ImportBatch.State.DONE, progress=100)

    response = importing.get(reverse("imports:batch", args=[running.pk]), HTTP_HX_REQUEST="true")

    assert response["HX-Refresh"] == "true"
    assert b"hx-trigger" not in response.content


def test_a_failed_import_says_what_to_do(importing, running):
    ImportBatch.objects.filter(pk=running.pk).update(state=ImportBatch.State.FAILED)

    html = importing.get(reverse("imports:batch", args=[running.pk])).content

    assert b"only the rows not yet imported will be created" in html


def test_past_imports_are_listed_newest_first(importing):
    upload(importing, csv_bytes([row()]), "first.csv")
    upload(importing, csv_bytes([row()]), "second.csv")

    html = importing.get(reverse("imports:list")).content.decode()

    assert html.index("second.csv") < html.index("first.csv")
