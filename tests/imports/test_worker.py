"""The import on a real Celery worker through Redis, and two runs racing on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from imports import services
from imports.models import ImportBatch
from incidents.models import Concern

from .conftest import csv_bytes, row, upload


def _wait_for(batch: ImportBatch, timeout: float = 60) -> ImportBatch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if not batch.is_in_progress:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"import {batch.pk} still {batch.state} after {timeout} s")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_confirmed_import_runs_on_the_worker(celery_worker, importing):
    upload(importing, csv_bytes([row(), row(employee_name="Sam Taylor"), row(description="")]))
    batch = ImportBatch.objects.get()

    importing.post(reverse("imports:confirm", args=[batch.pk]))

    batch = _wait_for(batch)
    assert batch.state == ImportBatch.State.DONE
    assert (batch.created_rows, batch.problem_rows) == (2, 1)
    assert Concern.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_batches_racing_over_the_same_rows_create_each_concern_once(
    postgres, importing, hr_manager
):
    content = csv_bytes([row(employee_name=f"Employee {n}") for n in range(6)])
    upload(importing, content)
    upload(importing, content)
    ImportBatch.objects.update(state=ImportBatch.State.CONFIRMED, confirmed_by=hr_manager)
    batches = list(ImportBatch.objects.values_list("pk", flat=True))
    start = threading.Barrier(len(batches))
    errors: list[BaseException] = []

    def run(batch_id: int) -> None:
        try:
            start.wait()
            services.batch_run(batch_id)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert Concern.objects.count() == 6
    done = ImportBatch.objects.order_by("pk")
    assert [batch.state for batch in done] == [ImportBatch.State.DONE] * 2
    assert sum(batch.created_rows for batch in done) == 6
    assert sum(batch.duplicate_rows for batch in done) == 6
