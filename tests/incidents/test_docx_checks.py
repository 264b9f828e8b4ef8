"""Word documents attached as case documents: a real OOXML archive with the document
part, and nothing more than a document (no macros, links out, embedded objects or bombs)."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents.evidence import docx
from incidents.evidence.checks import check_document_upload
from tests.factories import png_upload
from tests.incidents.files import DOCX_TYPE, document_rels, docx_bytes, docx_upload, pdf_upload

EXTERNAL_LINK = (
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/hyperlink" Target="https://example.org/post" TargetMode="External"/>'
)


def refusal(upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        check_document_upload(upload)
    return caught.value


def test_a_plain_word_document_is_accepted_with_its_type_and_hash():
    data = docx_bytes()
    checked = check_document_upload(SimpleUploadedFile("interview.docx", data))

    assert checked.content_type == DOCX_TYPE
    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_pdfs_and_images_pass_the_evidence_checks_as_documents_too():
    assert check_document_upload(pdf_upload()).content_type == "application/pdf"
    assert check_document_upload(png_upload()).content_type == "image/png"


def test_a_document_with_macros_is_refused():
    error = refusal(docx_upload(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}))

    assert error.code == "active_content"
    assert "has macros" in error.messages[0]


def test_a_macro_enabled_document_type_is_refused_even_without_the_macro_part():
    error = refusal(docx_upload(main="application/vnd.ms-word.document.macroEnabled.main+xml"))

    assert "has macros" in error.messages[0]


def test_a_link_to_a_web_page_outside_the_file_is_refused():
    error = refusal(docx_upload(rels=document_rels(EXTERNAL_LINK)))

    assert error.code == "active_content"
    assert "links or references to files outside it" in error.messages[0]


def test_an_external_target_spelt_with_a_character_reference_is_refused():
    hidden = EXTERNAL_LINK.replace('TargetMode="External"', 'TargetMode="&#69;xternal"')

    assert "outside it" in refusal(docx_upload(rels=document_rels(hidden))).messages[0]


def test_a_remote_template_without_a_target_mode_is_refused_by_its_address():
    template = (
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/attachedTemplate" Target="http://203.0.113.9/template.dotm"/>'
    )

    assert "outside it" in refusal(docx_upload(rels=document_rels(template))).messages[0]


def test_a_part_with_a_dtd_is_refused():
    prologue = '<!DOCTYPE r [<!ENTITY e "External">]>'

    error = refusal(docx_upload(rels=document_rels(EXTERNAL_LINK, prologue=prologue)))

    assert error.code == "wrong_type"


def test_an_embedded_ole_object_is_refused():
    error = refusal(docx_upload(parts={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}))

    assert "embedded objects or controls" in error.messages[0]


def test_an_embedded_object_named_only_by_its_content_type_is_refused():
    extra = (
        '<Override PartName="/word/media/thing.bin" '
        'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/>'
    )

    assert "embedded objects" in refusal(docx_upload(extra_types=extra)).messages[0]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # 60 MB of zeros packs into a few tens of kilobytes.
    bomb = docx_upload(parts={"word/media/filler.xml": b"0" * (60 * 1024 * 1024)})

    assert bomb.size < 200 * 1024
    error = refusal(bomb)
    assert error.code == "too_big"


def test_a_part_that_grows_far_beyond_its_packed_size_is_refused(monkeypatch):
    monkeypatch.setattr(docx, "DOCX_MAX_UNPACKED", 500 * 1024 * 1024)  # only the ratio applies

    error = refusal(docx_upload(parts={"word/media/filler.xml": b"0" * (20 * 1024 * 1024)}))

    assert error.code == "too_big"


def test_too_many_parts_is_refused():
    parts = {f"word/media/part{index}.xml": b"<a/>" for index in range(docx.DOCX_MAX_ENTRIES)}

    assert refusal(docx_upload(parts=parts)).code == "too_big"


def test_a_text_file_renamed_docx_is_refused_as_not_a_document():
    error = refusal(SimpleUploadedFile("notes.docx", b"Just some text, not a document."))

    assert error.code == "wrong_type"
    assert "PDF, a Word document (DOCX) or a PNG or JPEG image" in error.messages[0]


def test_a_zip_that_is_not_a_word_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")

    error = refusal(SimpleUploadedFile("archive.docx", buffer.getvalue()))

    assert error.code == "wrong_type"
    assert "not a Word document (DOCX)" in error.messages[0]


def test_a_document_without_its_main_part_is_refused():
    assert refusal(docx_upload(leave_out=("word/document.xml",))).code == "wrong_type"


def test_a_damaged_archive_is_refused():
    data = bytearray(docx_bytes())
    middle = len(data) // 2
    data[middle : middle + 40] = b"\x00" * 40

    assert refusal(SimpleUploadedFile("damaged.docx", bytes(data))).code == "wrong_type"


def test_an_empty_file_is_refused():
    assert refusal(SimpleUploadedFile("empty.docx", b"")).code == "empty"
