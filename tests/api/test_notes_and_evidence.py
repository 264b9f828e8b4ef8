"""Notes and evidence through the API, with the web application's rules and records."""

from __future__ import annotations

import pytest

from audit.models import AccessRecord, Event
from incidents.models import Note
from tests.factories import png_upload

pytestmark = pytest.mark.django_db


def test_hr_add_and_read_notes(api, investigating_concern, investigator):
    client = api(investigator)
    made = client.post(
        f"/api/v1/concerns/{investigating_concern.pk}/notes/",
        {"text": "Called the reporter."},
        format="json",
    )
    assert made.status_code == 201
    assert made.json()["author"]["id"] == investigator.pk
    listed = client.get(f"/api/v1/concerns/{investigating_concern.pk}/notes/").json()
    assert [n["text"] for n in listed] == ["Called the reporter."]
    assert Event.objects.filter(concern=investigating_concern, kind="note_added").exists()


def test_an_empty_note_is_refused_by_the_form(api, investigating_concern, investigator):
    response = api(investigator).post(
        f"/api/v1/concerns/{investigating_concern.pk}/notes/", {"text": "   "}, format="json"
    )
    assert response.status_code == 400
    assert not Note.objects.exists()


def test_the_reporter_never_sees_notes(api, investigating_concern, reporter):
    response = api(reporter).get(f"/api/v1/concerns/{investigating_concern.pk}/notes/")
    assert response.status_code == 404


def test_the_reporter_attaches_evidence_to_a_draft(api, media, draft_concern, reporter):
    response = api(reporter).post(
        f"/api/v1/concerns/{draft_concern.pk}/evidence/",
        {
            "file": png_upload(),
            "captured_url": "https://example.org/post",
            "post_deleted": "no",
            "relevance": "It names a client of the team.",  # a concern about private use
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["content_type"] == "image/png" and body["has_viewing_copy"] is True
    assert len(body["sha256"]) == 64


def test_a_file_that_is_not_what_it_claims_is_refused(api, media, draft_concern, reporter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", "image/png")
    response = api(reporter).post(
        f"/api/v1/concerns/{draft_concern.pk}/evidence/", {"file": fake}, format="multipart"
    )
    assert response.status_code == 400
    assert "PNG, JPEG or PDF" in response.json()["error"]["fields"]["file"][0]
    assert not list(media.rglob("staging/*")), "a refused upload is not kept"


def test_no_evidence_is_added_to_a_submitted_concern(api, media, submitted_concern, reporter):
    response = api(reporter).post(
        f"/api/v1/concerns/{submitted_concern.pk}/evidence/",
        {"file": png_upload()},
        format="multipart",
    )
    assert response.status_code == 404


def _evidence(concern, user):
    from incidents.intake import services as intake

    return intake.evidence_add(concern=concern, actor=user, upload=png_upload())


def test_a_download_is_verified_and_recorded(api, media, submitted_concern, reporter, hr_manager):
    evidence = _evidence(submitted_concern, reporter)
    url = f"/api/v1/concerns/{submitted_concern.pk}/evidence/{evidence.pk}/"

    response = api(hr_manager, "read").get(url, {"original": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert Event.objects.filter(kind="evidence_downloaded", actor=hr_manager).exists()
    assert AccessRecord.objects.filter(
        user=hr_manager, action=AccessRecord.Action.DOWNLOADED
    ).exists()


def test_a_tampered_file_is_refused_and_the_mismatch_recorded(
    api, media, submitted_concern, reporter, hr_manager
):
    evidence = _evidence(submitted_concern, reporter)
    with open(evidence.file.path, "ab") as handle:
        handle.write(b"tampered")
    url = f"/api/v1/concerns/{submitted_concern.pk}/evidence/{evidence.pk}/"

    response = api(hr_manager, "read").get(url, {"original": "1"})

    assert response.status_code == 409
    assert "no longer matches" in response.json()["error"]["message"]
    assert Event.objects.filter(kind="evidence_integrity_failed").exists()
    assert not Event.objects.filter(kind="evidence_downloaded").exists()


def test_a_file_from_a_private_account_needs_its_relevance_through_the_api_too(
    api, media, draft_concern, reporter
):
    from incidents.models import Evidence

    url = f"/api/v1/concerns/{draft_concern.pk}/evidence/"
    refused = api(reporter).post(
        url, {"file": png_upload(), "private_account": "true"}, format="multipart"
    )
    assert refused.status_code == 400
    assert "relevant" in refused.json()["error"]["fields"]["relevance"][0]
    assert not Evidence.objects.filter(concern=draft_concern).exists()

    made = api(reporter).post(
        url,
        {
            "file": png_upload(),
            "private_account": "true",
            "relevance": "The post names a client of the team.",
        },
        format="multipart",
    )
    assert made.status_code == 201, made.json()
    kept = Evidence.objects.get(concern=draft_concern)
    assert kept.private_account and kept.relevance == "The post names a client of the team."
