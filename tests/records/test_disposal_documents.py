"""Disposal destroys a concern's case documents (files and titles) and every preview
made of its files, and the register counts them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from incidents.documents import services as documents
from incidents.evidence import previews
from incidents.intake import services as intake
from incidents.models import CaseDocument, DocumentKind, Evidence
from records import services
from records.models import DisposalRecord, RetentionSchedule
from tests.incidents.files import docx_upload, pdf_upload

pytestmark = pytest.mark.django_db


def _dispose(concern, hr_manager, capture):
    RetentionSchedule.objects.filter(concern=concern).update(
        disposal_due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    services.list_due_disposals()
    with capture(execute=True):
        services.disposal_approve(actor=hr_manager, concern_ids=[concern.pk], note="Class 1.2.3")


def test_disposal_destroys_case_documents_and_previews_and_the_register_counts_them(
    client, closed_concern, hr_manager, reporter, django_capture_on_commit_callbacks
):
    pdf = documents.case_document_add(
        concern=closed_concern,
        actor=hr_manager,
        upload=pdf_upload(),
        kind=DocumentKind.DECISION,
        title="Decision about Jordan Example",
    )
    word = documents.case_document_add(
        concern=closed_concern,
        actor=hr_manager,
        upload=docx_upload(),
        kind=DocumentKind.INTERVIEW_RECORD,
    )
    evidence = intake.evidence_add(concern=closed_concern, actor=reporter, upload=pdf_upload())
    client.force_login(hr_manager)
    for url in (
        reverse("incidents:document_preview_image", args=[closed_concern.pk, pdf.pk]),
        reverse("incidents:evidence_preview_image", args=[closed_concern.pk, evidence.pk]),
    ):
        assert client.get(url + "?size=thumb").status_code == 200
    stored = [pdf.file.name, word.file.name, evidence.file.name]
    preview_folders = [
        previews.preview_folder("document", pdf.pk),
        previews.preview_folder("evidence", evidence.pk),
    ]
    assert all(default_storage.listdir(folder)[1] for folder in preview_folders)

    _dispose(closed_concern, hr_manager, django_capture_on_commit_callbacks)

    assert not CaseDocument.objects.filter(concern=closed_concern).exists()
    assert not Evidence.objects.filter(concern=closed_concern).exists()
    assert not any(default_storage.exists(name) for name in stored)
    assert not any(default_storage.listdir(folder)[1] for folder in preview_folders)
    record = DisposalRecord.objects.get(concern=closed_concern)
    assert record.documents_destroyed == 2
    assert sorted(record.documents_sha256) == sorted([pdf.sha256, word.sha256])
    register = client.get(reverse("records:register")).content.decode()
    assert "2 case documents" in register
    page = client.get(reverse("incidents:detail", args=[closed_concern.pk])).content.decode()
    assert "Decision about Jordan Example" not in page
    assert "the evidence files were destroyed when this concern was disposed of" in page
    assert "The case documents were destroyed when this concern was disposed of." in page
    assert (
        client.get(
            reverse("incidents:document_download", args=[closed_concern.pk, pdf.pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("incidents:evidence_preview", args=[closed_concern.pk, evidence.pk])
        ).status_code
        == 404
    )
