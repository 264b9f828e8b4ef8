"""Real files made in the tests: a small PDF with text on its pages, and Word documents
(DOCX) built with zipfile, good or with what the checks must refuse."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_bytes(*, pages: int = 1, width: int = 300, height: int = 600, text: str = "Page") -> bytes:
    """A PDF written by hand: `pages` pages of width x height points, each with a dark
    band and a line of text, and a correct cross-reference table."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for index in range(pages):
        page_number, content_number = 4 + 2 * index, 5 + 2 * index
        kids.append(b"%d 0 R" % page_number)
        stream = b"0.1 0.2 0.5 rg 20 %d %d 40 re f BT /F1 18 Tf 24 %d Td (%s %d) Tj ET" % (
            height - 80,
            width - 40,
            height - 140,
            text.encode(),
            index + 1,
        )
        objects[page_number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
            % (width, height, content_number)
        )
        objects[content_number] = b"<< /Length %d >>\nstream\n%s\nendstream" % (
            len(stream),
            stream,
        )
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), pages)
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    start = len(body)
    size = max(objects) + 1
    body += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        body += b"%010d 00000 n \n" % offsets[number]
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, start)
    return body


def pdf_upload(name: str = "allegation-notice.pdf", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(**options), content_type="application/pdf")


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "{extra}</Types>"
)
MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOCUMENT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>Record of interview</w:t></w:r></w:p></w:body></w:document>"
)


def document_rels(relationships: str = "", prologue: str = "") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f"{prologue}"
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{relationships}</Relationships>"
    )


def docx_bytes(
    *,
    main: str = MAIN,
    extra_types: str = "",
    rels: str | None = None,
    parts: dict[str, bytes] | None = None,
    leave_out: tuple[str, ...] = (),
) -> bytes:
    files = {
        "[Content_Types].xml": CONTENT_TYPES.format(main=main, extra=extra_types).encode(),
        "_rels/.rels": ROOT_RELS.encode(),
        "word/document.xml": DOCUMENT.encode(),
        "word/_rels/document.xml.rels": (rels if rels is not None else document_rels()).encode(),
        **(parts or {}),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            if name not in leave_out:
                archive.writestr(name, data)
    return buffer.getvalue()


def docx_upload(name: str = "interview.docx", **options) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(**options), content_type=DOCX_TYPE)
