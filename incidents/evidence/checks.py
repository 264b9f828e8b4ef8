"""Checks on uploaded evidence: the type is read from the content, never from the name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

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


# A picture that also holds a PDF (after its end, or inside a text chunk) would open as
# that PDF, scripts and all, in a reader that looks for the PDF header anywhere.
FORBIDDEN_IN_IMAGES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document hidden inside it"),
)


def _check_content(upload: UploadedFile, content_type: str) -> None:
    """Refuse polyglots and active content, scanning the whole file in overlapping chunks."""
    is_pdf = content_type == "application/pdf"
    patterns = FORBIDDEN_CONTENT + (FORBIDDEN_PDF if is_pdf else FORBIDDEN_IN_IMAGES)
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


# --- PDF: parsed, every object walked ----------------------------------------------
#
# The byte scan above sees only what is written plainly. A name can be spelt with
# escapes (/J#61vaScript is /JavaScript) and objects can sit in compressed object
# streams, so the file is also parsed (pypdf decodes both) and every object in it is
# inspected: the catalogue, name trees, pages, annotations, form fields, everything
# the cross-reference tables list (the latest revision of every object, after any
# incremental update) and everything they refer to. A viewer would run an action only
# from one of those objects, so an /OpenAction or /AA that runs a script, a launch or
# a link is refused because the action it names is.

# Bounds on the work, so a hostile file cannot keep the server busy: the objects the
# file lists, the dictionaries and arrays walked (those objects and what they hold),
# and the pages.
PDF_MAX_OBJECTS = 25_000
PDF_MAX_WALKED = 100_000
PDF_MAX_PAGES = 500

# What each refused feature is called in the message, and what to do instead.
_PDF_SCRIPTS = "scripts"
_PDF_LAUNCH = "actions that start programs"
_PDF_ATTACHED = "attached files"
_PDF_LINKS = "links that open web pages or other files"
_PDF_FORMS = "form actions that send or fetch data"
_PDF_MEDIA = "embedded media"
_PDF_XFA = "an interactive (XFA) form"

_PDF_FORBIDDEN_KEYS = {
    "/JS": _PDF_SCRIPTS,
    "/JavaScript": _PDF_SCRIPTS,
    "/EmbeddedFiles": _PDF_ATTACHED,
    "/EF": _PDF_ATTACHED,
    "/XFA": _PDF_XFA,
    "/RichMediaContent": _PDF_MEDIA,
}
_PDF_FORBIDDEN_ACTIONS = {  # the /S of an action dictionary
    "/JavaScript": _PDF_SCRIPTS,
    "/Launch": _PDF_LAUNCH,
    "/URI": _PDF_LINKS,
    "/GoToR": _PDF_LINKS,
    "/GoToE": _PDF_ATTACHED,
    "/SubmitForm": _PDF_FORMS,
    "/ImportData": _PDF_FORMS,
    "/RichMediaExecute": _PDF_MEDIA,
}
_PDF_FORBIDDEN_TYPES = {  # the /Type or /Subtype of a dictionary
    "/EmbeddedFile": _PDF_ATTACHED,
    "/FileAttachment": _PDF_ATTACHED,
    "/RichMedia": _PDF_MEDIA,
}


def _pdf_refused(what: str) -> ValidationError:
    if what == _PDF_LINKS:
        advice = (
            "Take a screenshot of the page instead, or print it to a new PDF without "
            "links, and attach that; the form has a place for the page's web address."
        )
    else:
        advice = "Take a plain screenshot or print the page to a new PDF, and attach that."
    return ValidationError(
        f"This PDF has {what}, so it cannot be accepted as evidence. {advice}",
        code="active_content",
    )


def _pdf_unreadable() -> ValidationError:
    return ValidationError(
        "This PDF could not be read. It may be damaged; print the page to a new PDF and "
        "attach that.",
        code="damaged",
    )


def _pdf_forbidden(obj) -> str | None:
    """What makes this one dictionary active content, if anything."""
    from pypdf.generic import NameObject

    for key, what in _PDF_FORBIDDEN_KEYS.items():
        if key in obj:
            return what
    action = obj.get("/S")
    if isinstance(action, NameObject) and action in _PDF_FORBIDDEN_ACTIONS:
        return _PDF_FORBIDDEN_ACTIONS[action]
    for key in ("/Type", "/Subtype"):
        kind = obj.get(key)
        if isinstance(kind, NameObject) and kind in _PDF_FORBIDDEN_TYPES:
            return _PDF_FORBIDDEN_TYPES[kind]
    return None


def _walk_pdf(reader) -> None:
    """Inspect every object once, refusing active content; bounded by the limits above."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    starts: list = [reader.trailer]
    for generation, numbers in reader.xref.items():
        starts.extend(IndirectObject(number, generation, reader) for number in numbers)
    starts.extend(IndirectObject(number, 0, reader) for number in reader.xref_objStm)
    if len(starts) > PDF_MAX_OBJECTS:
        raise _pdf_too_big()
    containers = (IndirectObject, DictionaryObject, ArrayObject)
    stack = starts[::-1]
    seen: set[tuple[int, int]] = set()
    walked = 0
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        walked += 1
        if walked > PDF_MAX_WALKED:
            raise _pdf_too_big()
        if isinstance(obj, DictionaryObject):  # streams too: their dictionary, not data
            what = _pdf_forbidden(obj)
            if what:
                raise _pdf_refused(what)
            stack.extend(value for value in obj.values() if isinstance(value, containers))
        elif isinstance(obj, ArrayObject):
            stack.extend(value for value in obj if isinstance(value, containers))


def _pdf_too_big() -> ValidationError:
    return ValidationError(
        "This PDF is too long or complex to check (the limit is "
        f"{PDF_MAX_PAGES:,} pages and {PDF_MAX_OBJECTS:,} parts). Please split it, or "
        "attach only the pages that show the post.",
        code="too_big",
    )


def _check_pdf(upload) -> None:
    """Parse the PDF and refuse it if it is encrypted, unreadable, too complex or active."""
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError

    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if b"startxref" not in data[-1024:]:
        # No pointer to the cross-reference table: a viewer rebuilds it by scanning for
        # objects, and so does the parser when pointed at the start of the file.
        data += b"\nstartxref\n0\n%%EOF\n"
    try:
        reader = PdfReader(BytesIO(data), strict=False, xref_stream_maximum_entries=PDF_MAX_OBJECTS)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is protected with a password or encrypted, so its contents "
                "cannot be checked. Print the page to a new PDF without a password, and "
                "attach that.",
                code="encrypted",
            )
        _walk_pdf(reader)
        if len(reader.pages) > PDF_MAX_PAGES:
            raise _pdf_too_big()
    except ValidationError:
        raise
    except LimitReachedError as exc:  # pypdf's own bounds: entries, decompressed sizes
        raise _pdf_too_big() from exc
    except Exception as exc:  # a hostile or damaged file can make the parser raise anything
        raise _pdf_unreadable() from exc


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


def _check_size(upload: UploadedFile) -> None:
    limit = max_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.", code="empty")
    if upload.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(limit)}. "
            "Please crop the screenshot or split the document.",
            code="too_big",
        )


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate an upload and return its real type, size and SHA-256."""
    _check_size(upload)
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
    if content_type == "application/pdf":
        _check_pdf(upload)
    return CheckedFile(content_type=content_type, size=upload.size, sha256=_sha256(upload))


DOCUMENT_DESCRIPTION = "a PDF, a Word document (DOCX) or a PNG or JPEG image"


def check_document_upload(upload: UploadedFile) -> CheckedFile:
    """A case document: anything check_upload accepts, with the same checks, or a Word
    document (DOCX) that passes docx.check_docx. Returns its real type, size and SHA-256."""
    from .docx import DOCX_TYPE, ZIP_SIGNATURE, check_docx

    upload.seek(0)
    head = upload.read(len(ZIP_SIGNATURE))
    upload.seek(0)
    if head != ZIP_SIGNATURE:
        try:
            return check_upload(upload)
        except ValidationError as exc:
            if exc.code != "wrong_type":
                raise
            raise ValidationError(
                f"This file is not {DOCUMENT_DESCRIPTION}, whatever its name says. Please "
                "save it in one of those formats and try again.",
                code="wrong_type",
            ) from exc
    _check_size(upload)
    check_docx(upload)
    return CheckedFile(content_type=DOCX_TYPE, size=upload.size, sha256=_sha256(upload))
