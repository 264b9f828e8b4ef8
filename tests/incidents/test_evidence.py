"""Evidence files: what is accepted, how it is stored, how it is served, nothing lost."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape
from PIL import Image

from audit.models import Event
from incidents.intake import services as intake
from incidents.models import Evidence
from tests.factories import make_concern

# The factories' concerns are about private use: a file needs its reason (issue 19).
RELEVANT = "It names the agency and a client."

pytestmark = pytest.mark.django_db

WRONG_TYPE = (
    "This file is not a screenshot or photo (PNG or JPEG) or a PDF document, "
    "whatever its name says."
)
DAMAGED = "This file looks like an image but could not be read."


def image_bytes(fmt: str, size=(16, 12)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_claiming_huge_dimensions(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny, well-formed PNG header that claims `width` x `height` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload_url(concern) -> str:
    return reverse("incidents:evidence_upload", args=[concern.pk])


def post_file(client, concern, name: str, content: bytes, **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "relevance": RELEVANT,
        "post_deleted": "unsure",
        **fields,
    }
    return client.post(upload_url(concern), data)


def file_error(body: str) -> str:
    match = re.search(r'<div id="id_file_error" class="invalid-feedback">(.*?)</div>', body, re.S)
    return match.group(1) if match else ""


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


# --- What is accepted ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("screenshot.png", lambda: image_bytes("PNG"), "image/png"),
        ("photo.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
        ("letter.pdf", pdf_bytes, "application/pdf"),
    ],
)
def test_png_jpeg_and_pdf_are_accepted_with_their_sha256_recorded(
    client, draft_concern, reporter, media, name, make, content_type
):
    content = make()
    client.force_login(reporter)

    response = post_file(client, draft_concern, name, content)

    assert response.status_code == 302
    evidence = Evidence.objects.get(concern=draft_concern)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(content),
    )
    event = Event.objects.get(concern=draft_concern, kind="evidence_added")
    assert event.after["sha256"] == evidence.sha256
    assert Path(evidence.file.path).read_bytes() == content


# --- What is refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"Just some notes about the post.\n",
        b"<!doctype html><html><body><script>alert(1)</script></body></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
        b"</svg>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ],
    ids=["text", "html", "svg-with-xml-declaration", "svg"],
)
def test_a_file_of_another_type_renamed_to_png_is_refused(
    client, draft_concern, reporter, media, content
):
    client.force_login(reporter)

    response = post_file(client, draft_concern, "screenshot.png", content)

    assert response.status_code == 400
    assert escape(WRONG_TYPE) in file_error(response.content.decode())
    assert not Evidence.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        image_bytes("PNG", size=(64, 64))[:-200],
        b"\xff\xd8\xff" + b"not really a jpeg" * 20,
    ],
    ids=["png-signature-then-garbage", "png-cut-short", "jpeg-signature-then-garbage"],
)
def test_a_damaged_image_is_refused(client, draft_concern, reporter, media, content):
    client.force_login(reporter)

    response = post_file(client, draft_concern, "screenshot.png", content)

    assert response.status_code == 400
    assert escape(DAMAGED) in file_error(response.content.decode())
    assert not Evidence.objects.exists()


def test_an_image_claiming_enormous_dimensions_is_refused_with_a_message(
    client, draft_concern, reporter, media
):
    client.force_login(reporter)

    response = post_file(client, draft_concern, "bomb.png", png_claiming_huge_dimensions())

    assert response.status_code == 400
    assert "This image is too large to process" in file_error(response.content.decode())
    assert not Evidence.objects.exists()


def test_a_decompression_bomb_png_is_refused_quickly_without_decoding(
    client, draft_concern, reporter, media, monkeypatch
):
    """13,000 x 13,000 pixels: under twice Pillow's default limit, so only a warning
    there, and decoding it took 5.9 s and 700 MB. The header alone refuses it now."""
    from PIL import ImageFile

    decoded = []
    real_load = ImageFile.ImageFile.load
    monkeypatch.setattr(
        ImageFile.ImageFile, "load", lambda image: decoded.append(image) or real_load(image)
    )
    bomb = png_claiming_huge_dimensions(13_000, 13_000)
    assert len(bomb) < 200
    client.force_login(reporter)

    started = time.perf_counter()
    response = post_file(client, draft_concern, "bomb.png", bomb)
    elapsed = time.perf_counter() - started

    error = file_error(response.content.decode())
    assert response.status_code == 400
    assert "This image is too large to process" in error
    assert "the limit is 40,000,000 pixels" in error
    assert decoded == []
    assert elapsed < 1.0
    assert not Evidence.objects.exists()


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_the_pixel_limit_is_a_setting_checked_before_decoding(settings, media):
    from PIL import Image as PillowImage

    from incidents.evidence.checks import check_upload

    settings.EVIDENCE_MAX_PIXELS = 1_000_000

    def solid(fmt: str, size: tuple[int, int]) -> SimpleUploadedFile:
        buffer = io.BytesIO()
        Image.new("RGB", size, "white").save(buffer, format=fmt)
        return SimpleUploadedFile(f"solid.{fmt.lower()}", buffer.getvalue())

    for fmt in ("PNG", "JPEG"):
        assert check_upload(solid(fmt, (1000, 1000))).content_type.startswith("image/")
        with pytest.raises(
            ValidationError, match="it is 1,001 by 1,000 pixels and the limit is 1,000,000"
        ):
            check_upload(solid(fmt, (1001, 1000)))
    assert PillowImage.MAX_IMAGE_PIXELS == 1_000_000, "Pillow's own limit is set to ours"


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
def test_pillows_bomb_warning_raised_as_an_error_is_a_refusal_too(settings, media):
    from incidents.evidence.checks import check_upload

    settings.EVIDENCE_MAX_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("RGB", (1001, 1000), "white").save(buffer, format="PNG")

    with pytest.raises(ValidationError, match="This image is too large to process"):
        check_upload(SimpleUploadedFile("big.png", buffer.getvalue()))


def test_an_oversize_file_is_refused_with_the_limit(
    client, settings, draft_concern, reporter, media
):
    settings.EVIDENCE_MAX_BYTES = 1024
    content = image_bytes("PNG", size=(64, 64))
    assert len(content) > 1024
    client.force_login(reporter)

    response = post_file(client, draft_concern, "big.png", content)

    error = file_error(response.content.decode())
    assert response.status_code == 400
    assert "the limit is 1.0\xa0KB" in error
    assert not Evidence.objects.exists()


def test_an_empty_file_is_refused(client, draft_concern, reporter, media):
    client.force_login(reporter)

    response = post_file(client, draft_concern, "empty.png", b"")

    assert response.status_code == 400
    assert "empty" in file_error(response.content.decode())
    assert not Evidence.objects.exists()


def test_the_service_refuses_an_empty_file_too(draft_concern, reporter, media):
    with pytest.raises(ValidationError, match=r"The file is empty\."):
        intake.evidence_add(
            concern=draft_concern, actor=reporter, upload=SimpleUploadedFile("empty.png", b"")
        )
    assert not Evidence.objects.exists()


def test_posting_the_form_without_a_file_asks_for_one(client, draft_concern, reporter, media):
    client.force_login(reporter)

    response = client.post(
        upload_url(draft_concern), {"relevance": RELEVANT, "post_deleted": "unsure"}
    )

    assert response.status_code == 400
    assert "Choose a file to attach." in file_error(response.content.decode())


def test_a_capture_time_that_cannot_be_stored_is_refused_not_a_server_error(
    client, draft_concern, reporter, media
):
    client.force_login(reporter)

    response = post_file(
        client, draft_concern, "x.png", image_bytes("PNG"), captured_at="0001-01-01 00:00"
    )

    assert response.status_code == 400
    assert "Enter a date and time" in response.content.decode()
    assert not Evidence.objects.exists()


# --- How it is stored ----------------------------------------------------------------


def test_the_stored_file_has_a_random_name_without_extension_or_original_name(
    draft_concern, reporter, media
):
    content = image_bytes("PNG")
    first, second = (
        intake.evidence_add(
            concern=draft_concern,
            actor=reporter,
            upload=SimpleUploadedFile("jordan-example-facebook.png", content),
        )
        for _ in range(2)
    )

    for evidence in (first, second):
        stored = Path(evidence.file.name)
        assert re.fullmatch(r"[0-9a-f]{32}", stored.name), stored
        assert stored.suffix == ""
        assert "jordan" not in evidence.file.name and "facebook" not in evidence.file.name
        assert (media / evidence.file.name).read_bytes() == content
    assert first.file.name != second.file.name


# --- How it is served ----------------------------------------------------------------


def test_download_is_an_attachment_with_the_original_name_and_protective_headers(
    client, submitted_concern, reporter, investigator, media
):
    content = image_bytes("PNG")
    evidence = intake.evidence_add(
        concern=submitted_concern,
        actor=reporter,
        upload=SimpleUploadedFile("post-screenshot.png", content),
    )
    client.force_login(investigator)

    response = client.get(
        reverse("incidents:evidence_download", args=[submitted_concern.pk, evidence.pk])
        + "?original=1"
    )

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="post-screenshot.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert b"".join(response.streaming_content) == content
    event = Event.objects.get(concern=submitted_concern, kind="evidence_downloaded")
    assert event.actor == investigator
    assert event.after == {"evidence": evidence.pk, "sha256": evidence.sha256}


def test_a_refused_download_records_no_event(
    client, submitted_concern, reporter, second_reporter, media
):
    evidence = intake.evidence_add(
        concern=submitted_concern,
        actor=reporter,
        upload=SimpleUploadedFile("post.png", image_bytes("PNG")),
    )
    client.force_login(second_reporter)  # not theirs (its reporter may: test_reporter_files)

    response = client.get(
        reverse("incidents:evidence_download", args=[submitted_concern.pk, evidence.pk])
    )

    assert response.status_code == 404
    assert not Event.objects.filter(kind="evidence_downloaded").exists()


def test_evidence_is_not_found_under_another_concerns_address(
    client, guidance, submitted_concern, reporter, investigator, media
):
    other = make_concern(reporter)
    evidence = intake.evidence_add(
        concern=submitted_concern,
        actor=reporter,
        upload=SimpleUploadedFile("post.png", image_bytes("PNG")),
    )
    client.force_login(investigator)

    response = client.get(reverse("incidents:evidence_download", args=[other.pk, evidence.pk]))

    assert response.status_code == 404


# --- Nothing attached is lost ------------------------------------------------------------


def staged_token(body: str) -> str:
    match = re.search(r'<input type="hidden" name="staged" value="([^"]+)"', body)
    assert match, "no staged token in the form"
    return match.group(1)


def test_a_good_file_with_a_bad_capture_url_is_kept_and_attached_on_the_second_try(
    client, draft_concern, reporter, media
):
    content = image_bytes("PNG")
    client.force_login(reporter)

    first = post_file(
        client, draft_concern, "the-post.png", content, captured_url="javascript:alert(1)"
    )

    body = first.content.decode()
    assert first.status_code == 400
    assert "Enter a web address starting with http:// or https://." in body
    assert "We kept the file <strong>the-post.png</strong>" in body
    assert not Evidence.objects.exists()

    second = client.post(
        upload_url(draft_concern),
        {
            "staged": staged_token(body),
            "captured_url": "https://www.facebook.com/some.post/123",
            "relevance": RELEVANT,
            "post_deleted": "no",
        },
    )

    assert second.status_code == 302
    evidence = Evidence.objects.get(concern=draft_concern)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.original_name == "the-post.png"
    assert evidence.captured_url == "https://www.facebook.com/some.post/123"
    assert evidence.post_deleted == "no"
    assert not list((media / "staging").glob("*")), "the staged copy is cleaned up"


def test_a_staged_token_from_another_user_is_ignored(
    client, guidance, draft_concern, reporter, second_reporter, media
):
    client.force_login(reporter)
    first = post_file(
        client, draft_concern, "reporters-file.png", image_bytes("PNG"), captured_url="nope nope"
    )
    token = staged_token(first.content.decode())
    others_draft = make_concern(second_reporter, submit=False)
    client.force_login(second_reporter)

    response = client.post(
        upload_url(others_draft), {"staged": token, "relevance": RELEVANT, "post_deleted": "unsure"}
    )

    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose a file to attach." in file_error(body)
    assert "reporters-file.png" not in body
    assert not Evidence.objects.exists()


def test_a_tampered_staged_token_is_ignored(client, draft_concern, reporter, media):
    client.force_login(reporter)
    first = post_file(
        client, draft_concern, "file.png", image_bytes("PNG"), captured_url="nope nope"
    )
    token = staged_token(first.content.decode())
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    response = client.post(
        upload_url(draft_concern), {"staged": tampered, "relevance": RELEVANT, "post_deleted": "no"}
    )

    assert response.status_code == 400
    assert "Choose a file to attach." in file_error(response.content.decode())
    assert not Evidence.objects.exists()


def test_a_kept_file_survives_a_second_mistake_and_attaches_on_the_third_try(
    client, draft_concern, reporter, media
):
    content = image_bytes("PNG")
    client.force_login(reporter)
    first = post_file(client, draft_concern, "kept.png", content, captured_url="nope nope")
    token = staged_token(first.content.decode())

    second = client.post(
        upload_url(draft_concern),
        {
            "staged": token,
            "captured_url": "still wrong",
            "relevance": RELEVANT,
            "post_deleted": "no",
        },
    )

    body = second.content.decode()
    assert second.status_code == 400
    assert "We kept the file <strong>kept.png</strong>" in body
    third = client.post(
        upload_url(draft_concern),
        {
            "staged": staged_token(body),
            "captured_url": "https://example.org/p",
            "relevance": RELEVANT,
            "post_deleted": "no",
        },
    )
    assert third.status_code == 302
    evidence = Evidence.objects.get(concern=draft_concern)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()


def test_a_staged_token_cannot_attach_the_same_file_twice(client, draft_concern, reporter, media):
    client.force_login(reporter)
    first = post_file(client, draft_concern, "once.png", image_bytes("PNG"), captured_url="nope")
    data = {
        "staged": staged_token(first.content.decode()),
        "relevance": RELEVANT,
        "post_deleted": "no",
    }

    assert client.post(upload_url(draft_concern), data).status_code == 302
    again = client.post(upload_url(draft_concern), data)

    assert again.status_code == 400
    assert "Choose a file to attach." in file_error(again.content.decode())
    assert Evidence.objects.filter(concern=draft_concern).count() == 1


def test_a_kept_file_replaced_by_another_upload_is_not_left_behind(
    client, draft_concern, reporter, media
):
    client.force_login(reporter)
    first = post_file(
        client, draft_concern, "wrong-one.png", image_bytes("PNG"), captured_url="x y"
    )
    token = staged_token(first.content.decode())
    assert len(list((media / "staging").glob("*"))) == 1
    replacement = image_bytes("PNG", size=(20, 20))

    response = client.post(
        upload_url(draft_concern),
        {
            "file": SimpleUploadedFile("right-one.png", replacement),
            "staged": token,
            "relevance": RELEVANT,
            "post_deleted": "no",
        },
    )

    assert response.status_code == 302
    evidence = Evidence.objects.get(concern=draft_concern)
    assert evidence.original_name == "right-one.png"
    assert evidence.sha256 == hashlib.sha256(replacement).hexdigest()
    assert not list((media / "staging").glob("*")), "the superseded kept copy is deleted"


def test_a_jpeg_cut_short_is_refused(media):
    import io

    from PIL import Image

    from incidents.evidence.checks import check_upload

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "JPEG")
    data = buffer.getvalue()
    with pytest.raises(ValidationError, match="could not be read"):
        check_upload(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))


def test_kept_files_of_abandoned_forms_are_purged_after_a_day(media):
    import os
    import time

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from incidents.evidence.storage import purge_staged_uploads

    old = default_storage.save("staging/old", ContentFile(b"x"))
    new = default_storage.save("staging/new", ContentFile(b"y"))
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    assert purge_staged_uploads() == 1
    assert not default_storage.exists(old) and default_storage.exists(new)


def test_an_image_is_viewed_as_a_clean_copy_and_the_original_is_kept(
    client, submitted_concern, reporter, investigator, media
):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(buffer, "JPEG", comment=b"camera secrets")
    original = buffer.getvalue()
    evidence = intake.evidence_add(
        concern=submitted_concern, actor=reporter, upload=SimpleUploadedFile("p.jpg", original)
    )
    client.force_login(investigator)
    url = reverse("incidents:evidence_download", args=[submitted_concern.pk, evidence.pk])
    copy = b"".join(client.get(url).streaming_content)
    assert copy.startswith(b"\x89PNG") and b"camera secrets" not in copy
    assert Image.open(io.BytesIO(copy)).size == (20, 10)
    kept = b"".join(client.get(url + "?original=1").streaming_content)
    assert kept == original and hashlib.sha256(kept).hexdigest() == evidence.sha256


def test_a_file_changed_on_disk_is_refused_and_recorded(
    client, submitted_concern, reporter, investigator, media
):
    evidence = intake.evidence_add(
        concern=submitted_concern,
        actor=reporter,
        upload=SimpleUploadedFile("doc.pdf", pdf_bytes()),
    )
    with open(evidence.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(investigator)
    response = client.get(
        reverse("incidents:evidence_download", args=[submitted_concern.pk, evidence.pk])
    )
    assert response.status_code == 409
    assert "no longer matches" in response.content.decode()
    assert Event.objects.filter(
        concern=submitted_concern, kind="evidence_integrity_failed"
    ).exists()
    assert not Event.objects.filter(concern=submitted_concern, kind="evidence_downloaded").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("poly.png", None),  # a PNG with a zip appended
        ("pdf-after.png", "pdf-appended"),  # a PNG with a scripted PDF after its end
        ("contract.pdf", "pdf-in-text-chunk"),  # a PNG whose text chunk holds a PDF
        ("photo.jpg", "pdf-in-jpeg"),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"),
        ("js.pdf", b"%PDF-1.4\n1 0 obj<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
        ("launch.pdf", b"%PDF-1.4\n1 0 obj<< /S /Launch /F (cmd.exe) >>"),
    ],
)
def test_polyglots_and_active_content_are_refused(media, name, content):
    from incidents.evidence.checks import check_upload

    pdf = b"%PDF-1.4\n1 0 obj<< /Type /Catalog /OpenAction 2 0 R >>endobj\n"
    if content is None:
        content = image_bytes("PNG") + b"PK\x03\x04" + b"\x00" * 30
    elif content == "pdf-appended":
        content = image_bytes("PNG") + pdf
    elif content == "pdf-in-jpeg":
        content = image_bytes("JPEG") + pdf
    elif content == "pdf-in-text-chunk":
        import struct
        import zlib

        png = image_bytes("PNG")
        body = b"tEXt" + b"Comment\x00" + pdf
        chunk = struct.pack(">I", len(body) - 4) + body + struct.pack(">I", zlib.crc32(body))
        content = png[:33] + chunk + png[33:]  # after the IHDR chunk
    with pytest.raises(ValidationError, match="cannot be accepted as evidence"):
        check_upload(SimpleUploadedFile(name, content))
