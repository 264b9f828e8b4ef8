"""The case file built on a real Celery worker through Redis, with its progress page."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from incidents.models import CaseFileJob

from .conftest import NOTE, download, pdf_text


def _wait_for(job: CaseFileJob, timeout: float = 90) -> CaseFileJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.in_progress:
            return job
        time.sleep(0.2)
    raise AssertionError(f"case file {job.pk} still {job.state} after {timeout} s")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_case_file_is_built_on_the_worker(celery_worker, client, full_concern, hr_manager):
    client.force_login(hr_manager)
    response = client.post(
        reverse("incidents:case_file_new", args=[full_concern.pk]),
        {"purpose": "tribunal", "leave_out": ["internal_notes"]},
    )
    assert response.status_code == 302
    job = CaseFileJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="case-file-progress"' in page

    job = _wait_for(job)
    assert job.state == CaseFileJob.State.DONE, job.error
    assert job.progress == 100 and job.pages >= 3
    text = " ".join(pdf_text(download(client, job)))
    assert NOTE not in " ".join(text.split())
    assert "Tribunal or court proceedings" in text
