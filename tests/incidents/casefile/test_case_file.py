"""The case file read back from the PDF: what was left out is not in it (text or bytes),
what was kept is, every page is marked and numbered, and each step is recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessRecord, Event, EventKind
from incidents.casefile.services import case_file_build, case_file_expire
from incidents.documents.pdf import PROTECTIVE_MARKING
from incidents.models import CaseFileJob, Evidence

from .conftest import (
    COLLEAGUE,
    NOTE,
    OUTSIDER_NAME,
    REPORTER_EMAIL,
    REPORTER_FIRST,
    REPORTER_LAST,
    REPORTER_NAME,
    download,
    pdf_text,
)

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_reporters_identity_and_the_notes_left_out_are_nowhere_in_the_pdf(
    client, produce, full_concern, hr_manager
):
    client.force_login(hr_manager)
    job = produce(
        client,
        full_concern,
        purpose="integrity_referral",
        leave_out=["reporter_identity", "internal_notes"],
    )
    assert job.state == CaseFileJob.State.DONE
    content = download(client, job)
    pages = pdf_text(content)
    text = _flat(" ".join(pages))

    for secret in (REPORTER_NAME, f"{REPORTER_LAST}, {REPORTER_FIRST}", REPORTER_EMAIL, NOTE):
        assert secret not in text
        assert secret.encode() not in content
    assert REPORTER_LAST not in text  # not even the surname on its own
    assert "Internal view" not in text
    assert "[left out: the reporter's identity]" in text
    assert "[left out: internal notes]" in text
    # The cover names the purpose and what was left out.
    cover = _flat(pages[0])
    assert "Referral to an integrity body" in cover
    assert "The reporter's identity." in cover and "Internal notes." in cover
    assert hr_manager.display_name in cover
    # Every page is marked and numbered; the evidence hashes are there.
    assert len(pages) == job.pages >= 3
    for number, page in enumerate(pages, start=1):
        assert PROTECTIVE_MARKING in page
        assert f"Page {number} of {len(pages)}" in page
    compact = "".join(text.split())
    for item in Evidence.objects.filter(concern=full_concern):
        assert item.sha256 in compact
    # What the reporter did is theirs, without their name.
    assert "The reporter" in text
    # The rest of the record is there: the employee, the question, the case document.
    assert "Jordan Example" in text
    assert "Which account posted it?" in text
    assert "Allegation notice" in text


def test_kept_in_it_is_what_was_not_left_out(client, produce, full_concern, hr_manager):
    client.force_login(hr_manager)
    job = produce(client, full_concern, purpose="internal_review")
    text = _flat(" ".join(pdf_text(download(client, job))))
    assert REPORTER_NAME in text and REPORTER_EMAIL in text
    assert _flat(NOTE) in text
    assert "Nothing was left out." in text


def test_named_third_parties_known_and_listed_are_taken_out_but_not_the_employee(
    client, produce, full_concern, hr_manager, investigator
):
    client.force_login(hr_manager)
    job = produce(
        client,
        full_concern,
        purpose="foi",
        leave_out=["third_parties"],
        extra_names=f"{OUTSIDER_NAME}\n",
    )
    content = download(client, job)
    text = _flat(" ".join(pdf_text(content)))
    assert COLLEAGUE not in text and OUTSIDER_NAME not in text
    assert OUTSIDER_NAME.encode() not in content
    assert "[left out: a third party's name]" in text
    assert "Jordan Example" in text  # the employee concerned is no third party
    assert investigator.display_name in text  # nor the staff who handled it
    assert REPORTER_NAME in text  # the reporter's identity is its own choice
    # Links and images cannot be checked for names, so they are not included.
    assert "facebook.com" not in text
    assert "Preview of evidence" not in text


def test_the_request_and_the_download_are_recorded_naming_what_was_left_out(
    client, produce, full_concern, hr_manager
):
    client.force_login(hr_manager)
    job = produce(
        client,
        full_concern,
        purpose="other",
        purpose_other="Audit of the records",
        leave_out=["reporter_identity", "third_parties"],
        extra_names=OUTSIDER_NAME,
    )
    requested = Event.objects.get(concern=full_concern, kind=EventKind.CASE_FILE_REQUESTED)
    assert requested.actor == hr_manager
    assert requested.after == {
        "job": job.pk,
        "purpose": "other",
        "leave_out": ["reporter_identity", "third_parties"],
        "names_listed": 1,
    }
    assert OUTSIDER_NAME not in str(requested.after)
    download(client, job)
    downloaded = Event.objects.get(concern=full_concern, kind=EventKind.CASE_FILE_DOWNLOADED)
    assert downloaded.after["sha256"] == job.sha256 and len(job.sha256) == 64
    assert AccessRecord.objects.filter(
        concern=full_concern, user=hr_manager, detail="case file (PDF)"
    ).exists()


def test_the_timeline_holds_every_event_with_plain_labels(
    client, produce, full_concern, hr_manager
):
    client.force_login(hr_manager)
    job = produce(client, full_concern, purpose="tribunal", leave_out=["reporter_identity"])
    events = list(Event.objects.filter(concern=full_concern))  # before the download's own
    text = _flat(" ".join(pdf_text(download(client, job))))
    assert "status_changed" not in text
    for label in {event.label for event in events}:
        assert label in text
    assert f"Timeline ({len(events)} events)" in text


def test_the_job_page_shows_progress_then_the_download(client, produce, full_concern, hr_manager):
    client.force_login(hr_manager)
    job = produce(client, full_concern, purpose="foi")
    page = client.get(reverse("incidents:case_file_job", args=[full_concern.pk, job.pk]))
    body = page.content.decode()
    assert "Download the case file (PDF" in body
    assert 'aria-valuenow="100"' in body


def test_the_form_says_what_is_missing_and_keeps_what_was_typed(client, full_concern, hr_manager):
    client.force_login(hr_manager)
    url = reverse("incidents:case_file_new", args=[full_concern.pk])
    response = client.post(url, {"purpose": "other", "extra_names": "Someone Else"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Say in a few words what the case file is for." in body
    assert "Tick \u201cnamed third parties\u201d" in body
    assert "Someone Else" in body
    assert not CaseFileJob.objects.exists()
    response = client.post(url, {})
    assert response.status_code == 400
    assert "Choose what the case file is for." in response.content.decode()


def test_the_worker_checks_again_and_builds_nothing_once_it_is_no_longer_allowed(
    full_concern, hr_manager, investigator
):
    from incidents.casework import services as casework

    job = CaseFileJob.objects.create(
        concern=full_concern, requested_by=investigator, options={"purpose": "foi"}
    )
    casework.concern_assign(
        concern=full_concern, actor=hr_manager, assignee=hr_manager, expected_version=None
    )
    case_file_build(job.pk)
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.FAILED and not job.file


def test_a_case_file_expires_and_its_file_is_deleted(
    client, produce, full_concern, hr_manager, settings
):
    client.force_login(hr_manager)
    job = produce(
        client,
        full_concern,
        purpose="foi",
        leave_out=["third_parties"],
        extra_names=OUTSIDER_NAME,
    )
    stored = job.file.name
    assert job.file.storage.exists(stored)
    case_file_expire(now=timezone.now() + dt.timedelta(hours=settings.CASE_FILE_KEEP_HOURS - 1))
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.DONE

    case_file_expire(now=timezone.now() + dt.timedelta(hours=settings.CASE_FILE_KEEP_HOURS + 1))
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.EXPIRED and not job.file
    assert not job.file.storage.exists(stored)
    assert job.options["extra_names"] == []  # the names HR listed are forgotten too
    url = reverse("incidents:case_file_download", args=[full_concern.pk, job.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("incidents:case_file_job", args=[full_concern.pk, job.pk]))
    assert "has expired" in page.content.decode()


def test_a_file_past_its_time_is_not_served_even_before_the_sweep(
    client, produce, full_concern, hr_manager, settings
):
    client.force_login(hr_manager)
    job = produce(client, full_concern, purpose="foi")
    stored = job.file.name
    CaseFileJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(hours=settings.CASE_FILE_KEEP_HOURS, minutes=1)
    )
    url = reverse("incidents:case_file_download", args=[full_concern.pk, job.pk])
    assert client.get(url).status_code == 404
    job.refresh_from_db()
    assert job.state == CaseFileJob.State.EXPIRED
    assert not job.file.storage.exists(stored)


def test_the_concern_page_offers_it_to_those_who_may_produce_it(
    client, full_concern, hr_manager, investigator, org
):
    from accounts.models import Role
    from tests.factories import UserFactory

    url = reverse("incidents:detail", args=[full_concern.pk])
    link = reverse("incidents:case_file_new", args=[full_concern.pk])
    for person in (hr_manager, investigator):
        client.force_login(person)
        assert link in client.get(url).content.decode()
    other_investigator = UserFactory(username="inv2", organisation=org, roles=[Role.INVESTIGATOR])
    client.force_login(other_investigator)
    assert client.get(url).status_code == 404  # assigned to someone else: not theirs to open


def test_the_charter_record_of_a_decision_is_in_the_case_file(
    client, produce, full_concern, hr_manager, investigator
):
    from guidance.models import CodeSection
    from incidents.casework import services as casework
    from tests.factories import RIGHTS

    concern = casework.concern_act(
        concern=full_concern, actor=hr_manager, action="start_triage", expected_version=None
    )
    concern = casework.concern_record_triage(
        concern=concern,
        actor=hr_manager,
        data=casework.TriageData(
            "misconduct", "medium", list(CodeSection.objects.filter(code="6.2"))
        ),
        expected_version=concern.version,
    )
    casework.concern_act(
        concern=concern,
        actor=investigator,
        action="start_investigation",
        expected_version=concern.version,
        inputs=RIGHTS,
    )
    client.force_login(hr_manager)
    text = _flat(" ".join(pdf_text(download(client, produce(client, concern, purpose="foi")))))
    assert "Human rights considered (Charter of Human Rights and Responsibilities Act 2006" in text
    assert "Starting a formal investigation" in text
    for answer in RIGHTS.values():
        assert _flat(answer) in text


def test_an_interim_measure_is_in_the_case_file_and_a_third_party_in_its_reason_is_not(
    client, produce, full_concern, hr_manager, colleague
):
    import datetime as dt

    from incidents.models import InterimMeasure

    today = timezone.localdate()
    InterimMeasure.objects.create(
        concern=full_concern,
        kind="take_down",
        reason=f"The post names {COLLEAGUE}.",
        starts_on=today,
        review_on=today + dt.timedelta(days=7),
        recorded_by=hr_manager,
    )
    client.force_login(hr_manager)
    kept = _flat(" ".join(pdf_text(download(client, produce(client, full_concern, purpose="foi")))))
    assert "Interim measures" in kept and f"The post names {COLLEAGUE}." in kept
    left = _flat(
        " ".join(
            pdf_text(
                download(
                    client,
                    produce(client, full_concern, purpose="foi", leave_out=["third_parties"]),
                )
            )
        )
    )
    assert "Interim measures" in left and COLLEAGUE not in left
