"""Further information after submitting: a dated addition, the original unchanged, an
event, a content-free email to HR; refused once the concern is finished."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event, EventKind
from incidents.casework import services as casework
from incidents.models import Evidence, ReporterAddition
from tests.factories import png_upload

pytestmark = pytest.mark.django_db


def _add(client, concern, **data):
    return client.post(reverse("incidents:add_information", args=[concern.pk]), data)


def test_a_note_and_a_file_added_later_are_kept_apart_from_what_was_submitted(
    client, assigned_concern, reporter, investigator, media, django_capture_on_commit_callbacks
):
    description = assigned_concern.description
    client.force_login(reporter)

    with django_capture_on_commit_callbacks(execute=True):
        response = _add(
            client,
            assigned_concern,
            note="The post was deleted, here is the archive.",
            file=png_upload("archive.png"),
            post_deleted="yes",
            relevance="It names the agency.",
        )

    assert response.status_code == 302
    addition = ReporterAddition.objects.get(concern=assigned_concern)
    assert addition.note == "The post was deleted, here is the archive."
    assert [e.original_name for e in addition.evidence.all()] == ["archive.png"]
    assigned_concern.refresh_from_db()
    assert assigned_concern.description == description
    event = Event.objects.get(concern=assigned_concern, kind=EventKind.REPORTER_ADDED)
    assert "archive" not in str(event.after)
    assert [m.to for m in mail.outbox] == [[investigator.email]]
    assert "archive" not in mail.outbox[0].body and "deleted" not in mail.outbox[0].body

    body = client.get(reverse("incidents:detail", args=[assigned_concern.pk])).content.decode()
    assert "What you added later" in body and "archive.png" in body


def test_hr_sees_the_addition_beside_the_case(client, assigned_concern, reporter, investigator):
    from incidents.reporter.services import addition_add

    addition_add(concern=assigned_concern, actor=reporter, note="A second account exists.")
    client.force_login(investigator)

    body = client.get(reverse("incidents:detail", args=[assigned_concern.pk])).content.decode()

    assert "Added by the reporter after submitting" in body
    assert "A second account exists." in body


def test_an_addition_file_gets_the_same_checks_as_at_intake(
    client, submitted_concern, reporter, media
):
    client.force_login(reporter)
    fake = SimpleUploadedFile("shot.png", b"MZ not really a png", content_type="image/png")

    response = _add(client, submitted_concern, note="See attached", file=fake)

    assert response.status_code == 400
    body = response.content.decode()
    assert "See attached" in body  # what was typed comes back
    assert not Evidence.objects.filter(concern=submitted_concern).exists()
    assert not ReporterAddition.objects.exists()


def test_an_empty_addition_is_refused_with_a_message(client, submitted_concern, reporter):
    client.force_login(reporter)

    response = _add(client, submitted_concern, note="  ", post_deleted="unsure")

    assert response.status_code == 400
    assert "Write a note or choose a file to add." in response.content.decode()


def test_a_finished_concern_takes_no_addition_and_says_whom_to_contact(
    client, decision_concern, reporter, hr_manager
):
    casework.concern_act(
        concern=decision_concern,
        actor=hr_manager,
        action="close",
        expected_version=decision_concern.version,
        inputs={},
    )
    client.force_login(reporter)

    page = client.get(reverse("incidents:detail", args=[decision_concern.pk])).content.decode()
    response = _add(client, decision_concern, note="One more thing")

    assert reverse("incidents:add_information", args=[decision_concern.pk]) not in page
    assert "contact your organisation&#x27;s HR team" in page
    assert response.status_code == 409
    assert "contact your organisation&#x27;s HR team" in response.content.decode()
    assert not ReporterAddition.objects.exists()


def test_hr_may_not_add_as_the_reporter(client, submitted_concern, hr_manager):
    client.force_login(hr_manager)

    response = _add(client, submitted_concern, note="Pretending")

    assert response.status_code == 403
