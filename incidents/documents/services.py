"""Case documents: what an investigation produces (the allegation notice, the employee's
response, interview records, the decision), attached by HR.

Checked and hashed like evidence (`incidents.evidence.checks.check_document_upload`, which
adds Word documents), stored under a random name in private storage, served only as a
recorded download after its hash still matches. HR only: the reporter never sees them.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from audit.access import access_record
from audit.chain import record_event
from audit.models import AccessRecord, EventKind
from config.errors import Refused
from incidents import permissions
from incidents.evidence.checks import check_document_upload, derive_image
from incidents.evidence.storage import attachment_response, stored_file_intact
from incidents.models import CaseDocument, Concern, DocumentKind

logger = logging.getLogger(__name__)


def case_document_add(
    *, concern: Concern, actor, upload: UploadedFile, kind: str, title: str = ""
) -> CaseDocument:
    """Attach one document to a concern; the event names its kind, title, hash and size,
    never its content. Locks the concern, so a document cannot slip in as it closes."""
    with transaction.atomic():
        locked = (
            Concern.objects.select_for_update(of=("self",))
            .select_related("organisation", "subject")
            .get(pk=concern.pk)
        )
        if not permissions.can_add_case_document(actor, locked):
            raise Refused(
                permissions.DOCUMENTS_CLOSED
                if locked.disposed_at is None and not locked.is_open
                else "You are not allowed to add documents to this concern."
            )
        if kind not in DocumentKind.values:
            raise Refused("Choose what kind of document this is.")
        checked = check_document_upload(upload)
        document = CaseDocument(
            concern=locked,
            kind=kind,
            title=title.strip(),
            original_name=(upload.name or "document")[-255:],
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        document.file.save("upload", upload, save=False)
        try:
            derived = derive_image(upload, checked.content_type)
            if derived is not None:
                document.derived.save("derived", ContentFile(derived), save=False)
            document.full_clean()
            document.save()
            record_event(
                organisation_id=locked.organisation_id,
                concern=locked,
                actor=actor,
                kind=EventKind.CASE_DOCUMENT_ADDED,
                after={
                    "document": document.pk,
                    "kind": document.kind,
                    "title": document.title,
                    "sha256": document.sha256,
                    "size": document.size,
                },
            )
        except BaseException:
            _delete_files(document)  # nothing points at them: the transaction rolls back
            raise
    return document


def _delete_files(document: CaseDocument) -> None:
    for field in (document.file, document.derived):
        if field.name:
            try:
                field.storage.delete(field.name)
            except OSError:
                logger.exception("Could not delete an unsaved case document's file")


def case_document_verify(*, document: CaseDocument, actor) -> bool:
    """Check the stored file against its recorded SHA-256 before it is served; a mismatch
    is recorded in the concern's record and the caller refuses the file."""
    return stored_file_intact(
        document, actor=actor, kind=EventKind.CASE_DOCUMENT_INTEGRITY_FAILED, name="document"
    )


def case_document_download(*, document: CaseDocument, user):
    """The document exactly as attached, as a download that never renders in the browser;
    an event and an access record. Verify the hash before calling."""
    record_event(
        organisation_id=document.concern.organisation_id,
        concern=document.concern,
        actor=user,
        kind=EventKind.CASE_DOCUMENT_DOWNLOADED,
        after={"document": document.pk, "sha256": document.sha256},
    )
    access_record(
        concern=document.concern,
        user=user,
        action=AccessRecord.Action.DOWNLOADED,
        detail=f"{document.original_name} (case document)",
    )
    return attachment_response(
        document.file, filename=document.original_name, content_type=document.content_type
    )
