"""Evidence at rest: its hash, the staging area for unfinished forms, and serving it.

A file is served only after its SHA-256 still matches what was recorded at upload;
every download is an event and an access record."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.utils import timezone

from audit.access import access_record
from audit.chain import record_event
from audit.models import AccessRecord, EventKind

from ..models import Evidence


def file_sha256(field_file) -> str:
    digest = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


STAGING_DIR = "staging"


def purge_staged_uploads(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete files kept for a form that was never completed (their tokens have expired)."""
    from django.core.files.storage import default_storage

    try:
        _, names = default_storage.listdir(STAGING_DIR)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in names:
        path = f"{STAGING_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def download_response(*, evidence, user, original: bool, via: str = ""):
    """Serve a verified evidence file as an attachment, recording the download.

    `original` asks for the file exactly as uploaded; otherwise an image's clean viewing
    copy is served. The response can never render in the browser (attachment,
    nosniff, a sandbox policy) and is never cached. Verify the hash before calling.
    """

    original = original or not evidence.derived
    evidence_record_download(evidence=evidence, actor=user)
    access_record(
        concern=evidence.concern,
        user=user,
        action=AccessRecord.Action.DOWNLOADED,
        detail=f"{evidence.original_name}{'' if original else ' (viewing copy)'}{via}",
    )
    name = evidence.original_name
    if not original:
        name = name.rsplit(".", 1)[0] + " (viewing copy).png"
    return attachment_response(
        evidence.file if original else evidence.derived,
        filename=name,
        content_type=evidence.content_type if original else "image/png",
    )


def attachment_response(field_file, *, filename: str, content_type: str):
    """A stored file as a download that never renders in the browser (evidence and case
    documents alike): attachment, nosniff, a sandboxing CSP, never cached."""
    from django.http import FileResponse

    response = FileResponse(
        field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_verify(*, evidence: Evidence, actor) -> bool:
    """Check the stored original against its recorded SHA-256 before it is served.

    A mismatch is recorded as a security event in the concern's record; the caller
    then refuses the file.
    """
    return stored_file_intact(
        evidence, actor=actor, kind=EventKind.EVIDENCE_INTEGRITY_FAILED, name="evidence"
    )


def stored_file_intact(item, *, actor, kind: str, name: str) -> bool:
    """Whether a stored original (evidence or a case document) still has its recorded
    SHA-256; a mismatch is recorded in the concern's record as `kind`, naming the item
    under `name`, and the caller refuses the file."""
    actual = file_sha256(item.file)
    if actual == item.sha256:
        return True
    record_event(
        organisation_id=item.concern.organisation_id,
        concern=item.concern,
        actor=actor,
        kind=kind,
        before={"sha256": item.sha256},
        after={"sha256": actual, name: item.pk},
    )
    return False


def evidence_record_download(*, evidence: Evidence, actor) -> None:
    record_event(
        organisation_id=evidence.concern.organisation_id,
        concern=evidence.concern,
        actor=actor,
        kind=EventKind.EVIDENCE_DOWNLOADED,
        after={"evidence": evidence.pk, "sha256": evidence.sha256},
    )
