"""A concern with everything a case file shows: a reporter with a name to leave out,
evidence (a real PNG and a real PDF), notes, a question and its answer, an addition, a
case document, and text naming other people."""

from __future__ import annotations

import io

import pypdf
import pytest
from django.urls import reverse

from accounts.models import Role
from incidents.casework import services as casework
from incidents.documents.services import case_document_add
from incidents.intake import services as intake
from incidents.models import CaseFileJob
from incidents.reporter import services as reporter_services
from tests.factories import UserFactory, make_concern, png_upload
from tests.incidents.files import pdf_upload

REPORTER_FIRST, REPORTER_LAST = "Quinlan", "Marsupio"
REPORTER_NAME = f"{REPORTER_FIRST} {REPORTER_LAST}"
REPORTER_EMAIL = "quinlan.marsupio@example.org"
COLLEAGUE = "Casey Wombatt"  # an account in the organisation: a third party in the text
OUTSIDER_NAME = "Perpetua Numbatson"  # someone the app does not know: HR lists her
NOTE = "Internal view: the manager Zebedee Fairweather should not see this note."
DESCRIPTION = (
    f"{REPORTER_NAME} saw the post. {COLLEAGUE} and {OUTSIDER_NAME} commented on it. "
    f"Contact me at {REPORTER_EMAIL}."
)


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def named_reporter(org, unit):
    return UserFactory(
        username="qmarsupio",
        first_name=REPORTER_FIRST,
        last_name=REPORTER_LAST,
        email=REPORTER_EMAIL,
        organisation=org,
        business_unit=unit,
        roles=[Role.REPORTER],
    )


@pytest.fixture
def colleague(org):
    first, last = COLLEAGUE.split()
    return UserFactory(username="cwombatt", first_name=first, last_name=last, organisation=org)


@pytest.fixture
def full_concern(guidance, media, named_reporter, colleague, hr_manager, investigator):
    concern = make_concern(named_reporter, description=DESCRIPTION)
    intake.evidence_add(concern=concern, actor=named_reporter, upload=png_upload("post.png"))
    intake.evidence_add(concern=concern, actor=named_reporter, upload=pdf_upload("thread.pdf"))
    concern = casework.concern_assign(
        concern=concern, actor=hr_manager, assignee=investigator, expected_version=None
    )
    casework.note_add(concern=concern, actor=investigator, text=NOTE)
    question = reporter_services.question_ask(
        concern=concern, actor=investigator, text="Which account posted it?"
    )
    reporter_services.question_answer(
        question=question, actor=named_reporter, answer=f"Signed, {REPORTER_NAME}"
    )
    case_document_add(
        concern=concern, actor=hr_manager, upload=pdf_upload(), kind="allegation_notice"
    )
    return concern


@pytest.fixture
def produce(django_capture_on_commit_callbacks):
    """produce(client, concern, **form data): ask for a case file through the form; the
    build queued on commit runs there and then (eager Celery, as in the embedded default)."""

    def _produce(client, concern, **data) -> CaseFileJob:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("incidents:case_file_new", args=[concern.pk]), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        job = CaseFileJob.objects.filter(concern=concern).latest("pk")
        assert response["Location"] == reverse("incidents:case_file_job", args=[concern.pk, job.pk])
        return job

    return _produce


def download(client, job) -> bytes:
    response = client.get(reverse("incidents:case_file_download", args=[job.concern_id, job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)
