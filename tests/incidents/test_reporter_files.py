"""The reporter's read-only copy of their files: after submitting, they can download the
files they attached and added (each download recorded, as HR's are), and never HR's case
documents or another concern's files."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessRecord, Event, EventKind
from incidents.documents.services import case_document_add
from incidents.intake import services as intake
from incidents.reporter.services import EvidenceUpload, addition_add
from tests.factories import make_concern, png_upload
from tests.incidents.files import pdf_upload

pytestmark = pytest.mark.django_db


def _download(client, evidence):
    return client.get(
        reverse("incidents:evidence_download", args=[evidence.concern_id, evidence.pk])
    )


@pytest.fixture
def sent(guidance, reporter, media):
    """A submitted concern with a screenshot attached at intake."""
    draft = make_concern(reporter, submit=False)
    shot = intake.evidence_add(concern=draft, actor=reporter, upload=png_upload("first-shot.png"))
    concern = intake.concern_submit(concern=draft, actor=reporter, expected_version=draft.version)
    return concern, shot


def test_the_reporter_downloads_a_file_they_attached_after_submitting(client, sent, reporter):
    concern, shot = sent
    client.force_login(reporter)

    response = _download(client, shot)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert AccessRecord.objects.filter(
        concern=concern, user=reporter, action=AccessRecord.Action.DOWNLOADED
    ).exists()
    assert Event.objects.filter(
        concern=concern, actor=reporter, kind=EventKind.EVIDENCE_DOWNLOADED
    ).exists()


def test_the_reporter_downloads_a_file_they_added_later(client, sent, reporter):
    concern, _ = sent
    addition = addition_add(
        concern=concern, actor=reporter, files=[EvidenceUpload(upload=png_upload("later.png"))]
    )
    later = addition.evidence.get()
    client.force_login(reporter)

    assert _download(client, later).status_code == 200


def test_the_reporters_page_links_to_their_files(client, sent, reporter):
    concern, shot = sent
    client.force_login(reporter)

    body = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()

    assert reverse("incidents:evidence_download", args=[concern.pk, shot.pk]) in body
    assert "/preview" not in body


def test_never_hrs_case_documents(client, sent, reporter, hr_manager):
    concern, _ = sent
    document = case_document_add(
        concern=concern, actor=hr_manager, upload=pdf_upload(), kind="allegation_notice"
    )
    client.force_login(reporter)

    url = reverse("incidents:document_download", args=[concern.pk, document.pk])
    assert client.get(url).status_code == 404
    body = client.get(reverse("incidents:detail", args=[concern.pk])).content.decode()
    assert f"/documents/{document.pk}/" not in body


def test_never_another_concerns_files(client, sent, reporter, second_reporter, media):
    concern, _ = sent
    theirs = make_concern(second_reporter, submit=False)
    other = intake.evidence_add(concern=theirs, actor=second_reporter, upload=png_upload())
    intake.concern_submit(concern=theirs, actor=second_reporter, expected_version=theirs.version)
    client.force_login(reporter)

    assert _download(client, other).status_code == 404
    # Nor through their own concern's address.
    own_address = reverse("incidents:evidence_download", args=[concern.pk, other.pk])
    assert client.get(own_address).status_code == 404


def test_a_file_someone_else_put_on_the_concern_is_not_theirs(client, sent, reporter, investigator):
    concern, _ = sent
    hr_file = intake.evidence_add(concern=concern, actor=investigator, upload=png_upload())
    client.force_login(reporter)

    assert _download(client, hr_file).status_code == 404


def test_not_once_disposed_of(client, sent, reporter):
    from django.utils import timezone

    from incidents.models import Concern

    concern, shot = sent
    Concern.objects.filter(pk=concern.pk).update(disposed_at=timezone.now())
    client.force_login(reporter)

    assert _download(client, shot).status_code == 404
