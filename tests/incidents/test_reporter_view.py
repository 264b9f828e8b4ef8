"""The reporter's page for their own concern: what they sent, a status in their words,
what HR chose to tell them, and nothing of HR's internal record."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from incidents.casework import services as casework
from incidents.intake import services as intake
from tests.factories import make_concern, png_upload

pytestmark = pytest.mark.django_db

INTERNAL_STAGE_NAMES = ("Submitted", "Triage", "Investigation", "Decision", "Closed")


def _page(client, concern) -> str:
    response = client.get(reverse("incidents:detail", args=[concern.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _status(body: str) -> str:
    return re.search(r'data-plain-status="[a-z_]+">([^<]+)<', body).group(1)


def test_the_reporter_sees_what_they_submitted_with_its_files(client, guidance, reporter, media):
    draft = make_concern(reporter, submit=False)
    intake.evidence_add(concern=draft, actor=reporter, upload=png_upload("first-shot.png"))
    concern = intake.concern_submit(concern=draft, actor=reporter, expected_version=draft.version)
    client.force_login(reporter)

    body = _page(client, concern)

    assert "A staff member posted a photo of a client file" in body
    assert "Jordan Example" in body
    assert "6.2 Privacy and confidentiality" in body
    assert "https://www.facebook.com/some.post/123" in body
    assert "first-shot.png" in body


@pytest.mark.parametrize(
    ("stage", "plain"),
    [
        ("submitted_concern", "Received"),
        ("triage_concern", "Being looked at"),
        ("investigating_concern", "Being investigated"),
        ("decision_concern", "Being investigated"),
    ],
)
def test_the_status_is_in_plain_words_never_a_stage_name(client, request, reporter, stage, plain):
    concern = request.getfixturevalue(stage)
    client.force_login(reporter)

    body = _page(client, concern)

    assert _status(body) == plain
    main = body[body.index("<main") :]
    for name in INTERNAL_STAGE_NAMES:
        assert f">{name}<" not in main


def test_a_finished_concern_shows_what_hr_chose_to_tell_the_reporter(
    client, decision_concern, reporter, hr_manager
):
    casework.concern_act(
        concern=decision_concern,
        actor=hr_manager,
        action="close",
        expected_version=decision_concern.version,
        inputs={"reporter_message": "We have spoken with the employee. Thank you."},
    )
    client.force_login(reporter)

    body = _page(client, decision_concern)

    assert _status(body) == "Finished"
    assert "We have spoken with the employee. Thank you." in body


def test_the_reporter_never_sees_internal_notes_findings_or_hr_files(
    client, decision_concern, reporter, investigator, media
):
    casework.note_add(concern=decision_concern, actor=investigator, text="Internal: ring IT")
    client.force_login(reporter)

    body = _page(client, decision_concern)

    assert "Internal: ring IT" not in body
    assert "Findings" not in body
    assert "SHA-256" not in body
    assert "/preview" not in body  # no previews (their own files download, see test_reporter_files)


def test_another_reporter_gets_404_for_the_concern(client, submitted_concern, second_reporter):
    client.force_login(second_reporter)

    response = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))

    assert response.status_code == 404


REPORTER_PAGE_QUERIES = 11


@pytest.mark.parametrize("files", [1, 12])
def test_the_reporters_page_reads_the_same_number_of_queries_for_1_and_12_files(
    client, guidance, reporter, media, files, django_assert_num_queries
):
    concern = make_concern(reporter)
    from incidents.reporter import services as reporter_services

    for number in range(files):
        reporter_services.addition_add(
            concern=concern,
            actor=reporter,
            note=f"Note {number}",
            files=[reporter_services.EvidenceUpload(upload=png_upload(f"later-{number}.png"))],
        )
    client.force_login(reporter)

    with django_assert_num_queries(REPORTER_PAGE_QUERIES):
        body = _page(client, concern)

    assert body.count("later-") == files
