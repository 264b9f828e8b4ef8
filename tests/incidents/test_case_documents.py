"""Case documents: HR attach what an investigation produces, checked and hashed like
evidence, recorded, seen by HR only, and closed to all but HR managers after closure."""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from audit.models import AccessRecord, Event, EventKind
from config.errors import Refused
from incidents import permissions
from incidents.documents import services as documents
from incidents.intake import services as intake
from incidents.models import CaseDocument, DocumentKind
from tests.factories import UserFactory, make_concern
from tests.incidents.files import docx_bytes, docx_upload, pdf_upload
from tests.incidents.test_case_views import CONCERN_PAGE_QUERIES

pytestmark = pytest.mark.django_db


def add_url(concern):
    return reverse("incidents:document_add", args=[concern.pk])


def attach(concern, actor, upload=None, kind=DocumentKind.ALLEGATION_NOTICE, title=""):
    return documents.case_document_add(
        concern=concern, actor=actor, upload=upload or pdf_upload(), kind=kind, title=title
    )


def test_the_investigator_attaches_a_document_and_the_event_names_it_not_its_content(
    client, media, investigator, investigating_concern
):
    client.force_login(investigator)
    upload = pdf_upload("allegation-letter.pdf")
    data = upload.read()
    upload.seek(0)

    response = client.post(
        add_url(investigating_concern),
        {
            "file": upload,
            "kind": "allegation_notice",
            "title": "Letter setting out the allegations",
        },
    )

    assert response.status_code == 302
    document = CaseDocument.objects.get(concern=investigating_concern)
    assert (document.kind, document.title) == (
        "allegation_notice",
        "Letter setting out the allegations",
    )
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert "allegation-letter" not in document.file.name  # stored under a random name
    event = Event.objects.get(concern=investigating_concern, kind=EventKind.CASE_DOCUMENT_ADDED)
    assert event.actor == investigator
    assert event.after == {
        "document": document.pk,
        "kind": "allegation_notice",
        "title": "Letter setting out the allegations",
        "sha256": document.sha256,
        "size": len(data),
    }
    page = client.get(reverse("incidents:detail", args=[investigating_concern.pk])).content.decode()
    assert "Letter setting out the allegations" in page and "Case document attached" in page


def test_a_word_document_downloads_exactly_as_attached_and_the_download_is_recorded(
    client, media, hr_manager, investigating_concern
):
    document = attach(
        investigating_concern,
        hr_manager,
        docx_upload("interview.docx"),
        DocumentKind.INTERVIEW_RECORD,
    )
    client.force_login(hr_manager)

    response = client.get(
        reverse("incidents:document_download", args=[investigating_concern.pk, document.pk])
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="interview.docx"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == docx_bytes()
    assert Event.objects.filter(kind=EventKind.CASE_DOCUMENT_DOWNLOADED, actor=hr_manager).exists()
    assert AccessRecord.objects.filter(
        user=hr_manager, action="downloaded", detail="interview.docx (case document)"
    ).exists()
    # A Word document has no preview: it is read after downloading.
    assert (
        client.get(
            reverse("incidents:document_preview", args=[investigating_concern.pk, document.pk])
        ).status_code
        == 404
    )


def test_a_pdf_document_is_previewed_as_images(client, media, hr_manager, investigating_concern):
    document = attach(investigating_concern, hr_manager, pdf_upload(pages=2, width=600, height=300))
    client.force_login(hr_manager)
    url = reverse("incidents:document_preview_image", args=[investigating_concern.pk, document.pk])

    response = client.get(url + "?page=2")

    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    width, height = Image.open(io.BytesIO(response.content)).size
    assert width / height == pytest.approx(2.0, abs=0.01)
    viewer = client.get(
        reverse("incidents:document_preview", args=[investigating_concern.pk, document.pk])
    )
    assert "Page 1 of 2" in viewer.content.decode()


def test_a_changed_document_is_refused_and_the_mismatch_recorded(
    client, media, hr_manager, investigating_concern
):
    document = attach(investigating_concern, hr_manager)
    with default_storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 something else")
    client.force_login(hr_manager)

    response = client.get(
        reverse("incidents:document_download", args=[investigating_concern.pk, document.pk])
    )

    assert response.status_code == 409
    assert Event.objects.filter(kind=EventKind.CASE_DOCUMENT_INTEGRITY_FAILED).exists()


def test_a_refused_file_is_explained_next_to_the_field_and_the_rest_is_kept(
    client, media, investigator, investigating_concern
):
    client.force_login(investigator)
    macro = docx_upload("response.docx", parts={"word/vbaProject.bin": b"macro"})

    response = client.post(
        add_url(investigating_concern),
        {"file": macro, "kind": "response", "title": "Employee's reply of 3 March"},
    )

    assert response.status_code == 400
    form = response.context["panels"]["document"].form
    assert "has macros" in form.errors["file"][0]
    body = response.content.decode()
    assert 'value="Employee&#x27;s reply of 3 March"' in body
    assert not CaseDocument.objects.exists()


def test_a_good_file_is_kept_while_another_field_is_corrected(
    client, media, investigator, investigating_concern
):
    client.force_login(investigator)

    first = client.post(add_url(investigating_concern), {"file": pdf_upload(), "kind": ""})

    assert first.status_code == 400
    form = first.context["panels"]["document"].form
    assert form.errors["kind"] == ["Choose what kind of document this is."]
    assert "We kept the file <strong>allegation-notice.pdf</strong>" in first.content.decode()
    second = client.post(
        add_url(investigating_concern), {"kind": "decision", "staged": form.data["staged"]}
    )
    assert second.status_code == 302
    assert CaseDocument.objects.get().original_name == "allegation-notice.pdf"


def test_documents_may_be_added_at_decision_but_after_closure_only_by_an_hr_manager(
    media, org, hr_manager, investigator, decision_concern
):
    assert permissions.can_add_case_document(investigator, decision_concern)
    attach(decision_concern, investigator, kind=DocumentKind.DECISION)  # the decision itself

    second_manager = UserFactory(username="hrm2", organisation=org, roles=["hr_manager"])
    from tests.records.conftest import act

    closed = act(decision_concern, second_manager, "close", reporter_message="Dealt with.")

    assert not permissions.can_add_case_document(investigator, closed)
    with pytest.raises(Refused, match="only an HR manager can add documents"):
        attach(closed, investigator)
    assert permissions.can_add_case_document(hr_manager, closed)
    attach(closed, hr_manager, kind=DocumentKind.OTHER, title="Signed outcome letter")
    assert CaseDocument.objects.filter(concern=closed).count() == 2


def test_the_closed_concerns_page_tells_the_investigator_who_may_still_add(
    client, media, org, investigator, decision_concern
):
    from tests.records.conftest import act

    second_manager = UserFactory(username="hrm2", organisation=org, roles=["hr_manager"])
    act(decision_concern, second_manager, "close", reporter_message="Dealt with.")
    client.force_login(investigator)

    body = client.get(reverse("incidents:detail", args=[decision_concern.pk])).content.decode()

    assert "only an HR manager can add documents to it now" in body
    assert 'action="' + add_url(decision_concern) not in body
    assert client.post(add_url(decision_concern), {"kind": "other"}).status_code == 403


def test_the_reporter_never_sees_case_documents(
    client, media, reporter, hr_manager, submitted_concern
):
    document = attach(submitted_concern, hr_manager, title="Notice to Jordan")
    client.force_login(reporter)

    status_page = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    download = client.get(
        reverse("incidents:document_download", args=[submitted_concern.pk, document.pk])
    )

    assert status_page.status_code == 200
    assert "Notice to Jordan" not in status_page.content.decode()
    assert "Case documents" not in status_page.content.decode()
    assert download.status_code == 404


def test_an_investigator_looking_at_an_unassigned_concern_does_not_see_its_documents(
    client, media, investigator, hr_manager, submitted_concern
):
    document = attach(submitted_concern, hr_manager, title="Notice to Jordan")
    client.force_login(investigator)

    page = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))
    download = client.get(
        reverse("incidents:document_download", args=[submitted_concern.pk, document.pk])
    )

    assert page.status_code == 200 and "Notice to Jordan" not in page.content.decode()
    assert download.status_code == 404


def test_the_access_request_export_lists_case_documents_like_evidence(
    client, media, hr_manager, submitted_concern
):
    document = attach(submitted_concern, hr_manager, title="Notice to Jordan")
    client.force_login(hr_manager)

    response = client.get(reverse("incidents:person_export", args=[submitted_concern.subject_id]))

    (concern,) = json.loads(response.content)["concerns"]
    (listed,) = concern["case_documents"]
    assert listed["kind"] == "Allegation notice" and listed["title"] == "Notice to Jordan"
    assert listed["sha256"] == document.sha256 and listed["added_at"]


@pytest.mark.parametrize("count", [1, 6])
def test_the_concern_page_costs_one_query_for_documents_however_many(
    client, media, hr_manager, reporter, submitted_concern, django_assert_num_queries, count
):
    for index in range(count):
        attach(submitted_concern, hr_manager, title=f"Document {index}")
        intake.evidence_add(concern=submitted_concern, actor=reporter, upload=pdf_upload())
    client.force_login(hr_manager)

    # The page's usual queries, which find no case document, and one that reads them all.
    with django_assert_num_queries(CONCERN_PAGE_QUERIES + 1):
        response = client.get(reverse("incidents:detail", args=[submitted_concern.pk]))

    assert response.status_code == 200
    assert response.content.decode().count("Read every page") == 2 * count


def test_another_organisations_hr_cannot_reach_a_document(
    client, media, outsider, hr_manager, guidance, reporter
):
    concern = make_concern(reporter)
    document = attach(concern, hr_manager)
    client.force_login(outsider)

    for name in ("incidents:document_download", "incidents:document_preview"):
        assert client.get(reverse(name, args=[concern.pk, document.pk])).status_code == 404
    assert client.post(add_url(concern), {"kind": "other"}).status_code == 404
