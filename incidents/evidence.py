"""Checks on uploaded evidence: the type is read from the content, never from the name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

# Magic numbers for the accepted types.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "PNG image"),
    (b"\xff\xd8\xff", "image/jpeg", "JPEG image"),
    (b"%PDF-", "application/pdf", "PDF document"),
)
ACCEPTED_DESCRIPTION = "a screenshot or photo (PNG or JPEG) or a PDF document"


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    size: int
    sha256: str


def max_bytes() -> int:
    return settings.EVIDENCE_MAX_BYTES


def sniff(head: bytes) -> str | None:
    for signature, content_type, _ in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def max_pixels() -> int:
    return settings.EVIDENCE_MAX_PIXELS


def _pillow():
    """Pillow's Image module, its own decompression-bomb limit set to ours."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels()
    return Image


def _too_many_pixels(width: int, height: int, limit: int) -> ValidationError:
    return ValidationError(
        f"This image is too large to process: it is {width:,} by {height:,} pixels and "
        f"the limit is {limit:,} pixels. Please crop or resize it, then attach it again.",
        code="too_big",
    )


def _check_image(upload: UploadedFile) -> None:
    """Refuse an image that is too large or does not decode.

    The size is read from the header (opening an image decodes nothing) and checked
    before any pixel is decoded, so a small file claiming enormous dimensions (a
    decompression bomb) is refused at once. Pillow's own limit is the same, so its
    bomb error or warning can only fire on an image we refuse anyway.
    """
    from PIL import UnidentifiedImageError

    Image = _pillow()
    limit = max_pixels()
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > limit:
                raise _too_many_pixels(width, height, limit)
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # decode fully: verify() alone accepts a JPEG cut short
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            f"This image is too large to process: the limit is {limit:,} pixels. "
            "Please crop or resize it, then attach it again.",
            code="too_big",
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file looks like an image but could not be read. It may be damaged; "
            "try taking the screenshot again.",
            code="damaged",
        ) from exc


# Content that makes a file more than a picture or a document: an archive inside it
# (a polyglot), markup a browser could run, or PDF actions that run code.
FORBIDDEN_CONTENT: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "an archive hidden inside it"),
    (b"<script", "web page code inside it"),
    (b"<html", "web page code inside it"),
    (b"<svg", "web page code inside it"),
    (b"<!doctype html", "web page code inside it"),
    (b"javascript:", "web page code inside it"),
)
FORBIDDEN_PDF: tuple[tuple[bytes, str], ...] = (
    (b"/javascript", "scripts"),
    (b"/js ", "scripts"),
    (b"/js(", "scripts"),
    (b"/launch", "actions that start programs"),
    (b"/embeddedfile", "attached files"),
)


def _check_content(upload: UploadedFile, content_type: str) -> None:
    """Refuse polyglots and active content, scanning the whole file in overlapping chunks."""
    patterns = FORBIDDEN_CONTENT + (FORBIDDEN_PDF if content_type == "application/pdf" else ())
    longest = max(len(pattern) for pattern, _ in patterns)
    upload.seek(0)
    tail = b""
    for chunk in upload.chunks():
        window = (tail + chunk).lower()
        for pattern, what in patterns:
            if pattern.lower() in window:
                raise ValidationError(
                    f"This file has {what}, so it cannot be accepted as evidence. Take a "
                    "plain screenshot or print the page to a new PDF, and attach that.",
                    code="active_content",
                )
        tail = window[-longest:]
    upload.seek(0)


def derive_image(upload, content_type: str) -> bytes | None:
    """A clean PNG re-encoded from the pixels: no metadata, nothing but the picture.

    The original is kept untouched (with its hash) as the evidence of record; people
    view the derived copy.
    """
    if not content_type.startswith("image/"):
        return None
    from io import BytesIO

    Image = _pillow()
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
        clean = image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")
        buffer = BytesIO()
        clean.save(buffer, format="PNG", optimize=True)
    upload.seek(0)
    return buffer.getvalue()


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate an upload and return its real type, size and SHA-256."""
    limit = max_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}. "
            "Please crop the screenshot or split the document.",
            code="too_big",
        )
    upload.seek(0)
    content_type = sniff(upload.read(16))
    if content_type is None:
        raise ValidationError(
            f"This file is not {ACCEPTED_DESCRIPTION}, whatever its name says. "
            "Please save it as PNG, JPEG or PDF and try again.",
            code="wrong_type",
        )
    if content_type.startswith("image/"):
        _check_image(upload)
    _check_content(upload, content_type)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedFile(content_type=content_type, size=upload.size, sha256=digest.hexdigest())


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
    from django.http import FileResponse

    from . import services
    from .models import AccessRecord

    original = original or not evidence.derived
    services.evidence_record_download(evidence=evidence, actor=user)
    services.access_record(
        concern=evidence.concern,
        user=user,
        action=AccessRecord.Action.DOWNLOADED,
        detail=f"{evidence.original_name}{'' if original else ' (viewing copy)'}{via}",
    )
    name = evidence.original_name
    if not original:
        name = name.rsplit(".", 1)[0] + " (viewing copy).png"
    response = FileResponse(
        (evidence.file if original else evidence.derived).open("rb"),
        as_attachment=True,
        filename=name,
        content_type=evidence.content_type if original else "image/png",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
