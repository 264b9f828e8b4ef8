"""Previews of evidence and case documents: PNG images made on the server.

An image is previewed from its clean re-encoded copy, never from the original bytes; a
PDF is rendered page by page with PDFium (pypdfium2), so the browser's own PDF viewer
never sees the file. Only the first PREVIEW_MAX_PAGES pages are rendered, each at most
SIZES[size] pixels on its longer side. Nothing is rendered until a preview is asked for;
each rendered page is kept in storage under `previews/<kind>/<id>/`, so a second view
reads a small file. Disposal deletes that folder with the files it was made from.

A PDF's bytes are checked against the SHA-256 recorded at upload before it is rendered,
and PDFium runs in a process of its own (pdf_worker.py) with a time and a memory limit
(PREVIEW_RENDER_SECONDS, PREVIEW_RENDER_MEMORY_MB), so a file made to hang or swell the
parser costs one refused preview, never a web worker.
"""

from __future__ import annotations

import hashlib
import logging

# The subprocess runs this project's own renderer: no shell, fixed arguments.
import subprocess  # nosec B404
import sys
from io import BytesIO

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse

from .checks import _pillow

logger = logging.getLogger(__name__)

PDF = "application/pdf"
SIZES = {"thumb": 360, "full": 1400}  # pixels on the longer side
PREVIEW_MAX_PAGES = 30
MAX_SCALE = 4.0  # a tiny page is not blown up past four times its size (288 dpi)
PREVIEW_DIR = "previews"
PAGE_COUNT_SECONDS = 24 * 60 * 60

TOO_SLOW = (
    "This PDF took too long to show as pages here, so it was stopped. Download it to read "
    "it in a PDF reader."
)


class PreviewUnavailable(Exception):
    """This file cannot be shown as a preview; the message says why, for the page."""

    def __init__(self, message: str, *, status: int = 422):
        super().__init__(message)
        self.status = status  # 404 no such page, 409 the file fails its hash, else 422

    @property
    def integrity(self) -> bool:
        return self.status == 409


CANNOT_RENDER = "This PDF could not be shown as pages here. Download it to read it in a PDF reader."
FILE_MISSING = "The stored file could not be read, so there is no preview. Tell an administrator."
NO_SUCH_PAGE = "There is no preview of that page."
INTEGRITY = (
    "This file no longer matches the file that was attached, so it is not shown. The "
    "mismatch has been recorded in the concern's history."
)


def is_previewable(item) -> bool:
    """An image with its clean copy, or a PDF. (A DOCX is downloaded to be read.)"""
    if item.content_type == PDF:
        return True
    return item.content_type.startswith("image/") and bool(item.derived)


def is_pdf(item) -> bool:
    return item.content_type == PDF


def preview_folder(kind: str, pk: int) -> str:
    return f"{PREVIEW_DIR}/{kind}/{int(pk)}"


def _stored_name(kind: str, item, size: str, page: int) -> str:
    return f"{preview_folder(kind, item.pk)}/{size}-{page}.png"


def _read_pdf(item) -> bytes:
    try:
        with item.file.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise PreviewUnavailable(FILE_MISSING) from exc
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise PreviewUnavailable(INTEGRITY, status=409)
    return data


def _run_pdfium(data: bytes, *args: str) -> bytes:
    """Run the renderer on `data` in its own process, within the time and memory limits."""
    from . import pdf_worker

    try:
        done = subprocess.run(  # noqa: S603  # nosec B603
            [
                sys.executable,
                "-m",
                "incidents.evidence.pdf_worker",
                str(settings.PREVIEW_RENDER_MEMORY_MB),
                *args,
            ],
            input=data,
            capture_output=True,
            timeout=settings.PREVIEW_RENDER_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        logger.warning("A PDF preview was stopped after %s s", settings.PREVIEW_RENDER_SECONDS)
        raise PreviewUnavailable(TOO_SLOW) from exc
    except OSError as exc:
        logger.error("The PDF renderer could not be started: %s", exc)
        raise PreviewUnavailable(CANNOT_RENDER) from exc
    if done.returncode == pdf_worker.NO_SUCH_PAGE:
        raise PreviewUnavailable(NO_SUCH_PAGE, status=404)
    if done.returncode != pdf_worker.OK:
        raise PreviewUnavailable(CANNOT_RENDER)
    return done.stdout


def page_count(kind: str, item) -> int:
    """How many pages the file has (an image has one); remembered in the cache."""
    if not is_pdf(item):
        return 1
    key = f"preview-pages:{kind}:{item.pk}:{item.sha256}"
    count = cache.get(key)
    if count is None:
        output = _run_pdfium(_read_pdf(item), "count")
        try:
            count = int(output)
        except ValueError as exc:
            raise PreviewUnavailable(CANNOT_RENDER) from exc
        cache.set(key, count, PAGE_COUNT_SECONDS)
    return count


def pages_shown(count: int) -> int:
    return min(count, PREVIEW_MAX_PAGES)


def _png(image) -> bytes:
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _render_image(item, limit: int) -> bytes:
    Image = _pillow()
    try:
        with item.derived.open("rb") as handle, Image.open(handle) as image:
            image.load()
            image.thumbnail((limit, limit))
            return _png(image)
    except OSError as exc:
        raise PreviewUnavailable(FILE_MISSING) from exc


def _render_pdf_page(item, page: int, limit: int) -> bytes:
    return _run_pdfium(_read_pdf(item), "render", str(page), str(limit), str(MAX_SCALE))


def preview_png(kind: str, item, *, page: int, size: str) -> bytes:
    """The PNG of one page (1 for an image) at one size, rendered once and then kept.

    Raises PreviewUnavailable with the reason when it cannot be made."""
    if not is_previewable(item) or size not in SIZES or page < 1:
        raise PreviewUnavailable(NO_SUCH_PAGE, status=404)
    if page > PREVIEW_MAX_PAGES or (not is_pdf(item) and page != 1):
        raise PreviewUnavailable(NO_SUCH_PAGE, status=404)
    name = _stored_name(kind, item, size, page)
    try:
        if default_storage.exists(name):
            with default_storage.open(name, "rb") as handle:
                return handle.read()
    except OSError:
        logger.warning("A stored preview could not be read; rendering it again")
    limit = SIZES[size]
    png = _render_pdf_page(item, page, limit) if is_pdf(item) else _render_image(item, limit)
    try:
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(png))
    except OSError:
        logger.warning("A rendered preview could not be kept; it will be rendered again")
    return png


def delete_previews(kind: str, pk: int) -> int:
    """Delete every stored preview of one file (at disposal). Returns how many went."""
    folder = preview_folder(kind, pk)
    try:
        _, names = default_storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for name in names:
        default_storage.delete(f"{folder}/{name}")
    return len(names)


def placeholder_png(message: str) -> bytes:
    """A small grey image that says why there is no preview, for an <img> on a page."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (SIZES["thumb"], 120), (233, 236, 239))
    draw = ImageDraw.Draw(image)
    words, lines, line = message.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > 48:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for index, text in enumerate(lines[:6]):
        draw.text((10, 10 + 16 * index), text, fill=(33, 37, 41))
    return _png(image)


def png_response(png: bytes, *, status: int = 200) -> HttpResponse:
    """A preview image: shown inline, never sniffed, never cached, nothing but an image."""
    response = HttpResponse(png, content_type="image/png", status=status)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = 'inline; filename="preview.png"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
