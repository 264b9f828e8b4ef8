"""Renders one PDF page (or counts the pages) in a process of its own, for previews.py.

PDFium parses whatever a reporter or HR attached. Run here, a file made to hang the
parser or to eat memory stops at a time and memory limit and takes no web worker with
it. It reads the PDF on standard input and writes the PNG (or the page count) on
standard output; the exit code says what went wrong. It imports no Django.

    python -m incidents.evidence.pdf_worker MEMORY_MB count
    python -m incidents.evidence.pdf_worker MEMORY_MB render PAGE LIMIT MAX_SCALE
"""

from __future__ import annotations

import sys
from io import BytesIO

OK, USAGE, NO_SUCH_PAGE, CANNOT_RENDER = 0, 2, 3, 4


def _document(data: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(data)


def count(data: bytes) -> int:
    document = _document(data)
    try:
        return len(document)
    finally:
        document.close()


def render(data: bytes, page: int, limit: int, max_scale: float) -> bytes | None:
    """The page as a PNG at most `limit` pixels on its longer side; None if no such page."""
    document = _document(data)
    try:
        if not 1 <= page <= len(document):
            return None
        pdf_page = document[page - 1]
        try:
            width, height = pdf_page.get_size()
            scale = min(limit / max(width, height, 1.0), max_scale)
            image = pdf_page.render(scale=scale).to_pil()
        finally:
            pdf_page.close()
    finally:
        document.close()
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _limit_memory(megabytes: int) -> None:
    try:
        import resource
    except ImportError:  # not on this platform: the time limit still holds
        return
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isdigit():
        return USAGE
    _limit_memory(int(argv[0]))
    argv = argv[1:]
    data = sys.stdin.buffer.read()
    try:
        if argv[:1] == ["count"]:
            sys.stdout.write(str(count(data)))
            return OK
        if argv[:1] == ["render"] and len(argv) == 4:
            png = render(data, int(argv[1]), int(argv[2]), float(argv[3]))
            if png is None:
                return NO_SUCH_PAGE
            sys.stdout.buffer.write(png)
            return OK
    except (Exception, MemoryError):  # a damaged file can make PDFium fail in any way
        return CANNOT_RENDER
    return USAGE


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
