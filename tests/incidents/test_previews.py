"""Evidence previews: images from the clean copy, PDFs rendered page by page on the
server, HR only, recorded, and kept once rendered."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from audit.models import AccessRecord, Event, EventKind
from incidents.evidence import previews
from incidents.intake import services as intake
from tests.factories import png_upload
from tests.incidents.files import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_evidence(media, submitted_concern, reporter):
    return intake.evidence_add(
        concern=submitted_concern, actor=reporter, upload=pdf_upload(pages=3, width=300, height=600)
    )


def image_url(evidence, **query):
    url = reverse("incidents:evidence_preview_image", args=[evidence.concern_id, evidence.pk])
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


def viewer_url(evidence, page=1):
    url = reverse("incidents:evidence_preview", args=[evidence.concern_id, evidence.pk])
    return f"{url}?page={page}"


def test_a_pdf_page_is_a_png_with_the_pages_shape_and_safe_headers(
    client, hr_manager, pdf_evidence
):
    client.force_login(hr_manager)

    response = client.get(image_url(pdf_evidence, page=2, size="full"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG"
    width, height = image.size
    assert height == previews.SIZES["full"]  # the longer side, at the cap
    assert width / height == pytest.approx(300 / 600, abs=0.01)
    # The page is drawn, not blank: the band across its top is dark.
    assert image.convert("L").getextrema()[0] < 100


def test_the_thumbnail_is_small(client, hr_manager, pdf_evidence):
    client.force_login(hr_manager)

    response = client.get(image_url(pdf_evidence, page=1, size="thumb"))

    assert max(Image.open(io.BytesIO(response.content)).size) == previews.SIZES["thumb"]


def test_the_viewer_shows_one_page_and_links_the_others(client, hr_manager, pdf_evidence):
    client.force_login(hr_manager)

    body = client.get(viewer_url(pdf_evidence, page=2)).content.decode()

    assert "Page 2 of 3" in body
    assert 'href="?page=1" rel="prev"' in body and 'href="?page=3" rel="next"' in body
    assert image_url(pdf_evidence, page=2, size="full").replace("&", "&amp;") in body
    assert client.get(viewer_url(pdf_evidence, page=4)).status_code == 404
    assert client.get(viewer_url(pdf_evidence, page="two")).status_code == 404


def test_only_the_first_pages_are_rendered(client, hr_manager, pdf_evidence, monkeypatch):
    monkeypatch.setattr(previews, "PREVIEW_MAX_PAGES", 2)
    client.force_login(hr_manager)

    body = client.get(viewer_url(pdf_evidence)).content.decode()

    assert "Only the first 2 pages are shown here" in body and "read the other 1." in body
    assert client.get(image_url(pdf_evidence, page=3)).status_code == 404


def test_an_image_is_previewed_from_its_clean_copy_never_the_original(
    client, hr_manager, media, submitted_concern, reporter
):
    evidence = intake.evidence_add(concern=submitted_concern, actor=reporter, upload=png_upload())
    evidence.file.storage.delete(evidence.file.name)  # the original is not needed to preview
    client.force_login(hr_manager)

    response = client.get(image_url(evidence, page=1, size="full"))

    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (8, 8)
    assert client.get(image_url(evidence, page=2)).status_code == 404  # an image has one page


def test_a_second_view_reads_the_stored_page_without_rendering_it_again(
    client, hr_manager, pdf_evidence, monkeypatch
):
    client.force_login(hr_manager)
    first = client.get(image_url(pdf_evidence, page=1, size="thumb")).content

    def no_render(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr(previews, "_render_pdf_page", no_render)
    second = client.get(image_url(pdf_evidence, page=1, size="thumb"))

    assert second.status_code == 200 and second.content == first


def test_each_preview_shown_is_an_access_record_and_not_an_event(client, hr_manager, pdf_evidence):
    client.force_login(hr_manager)
    events = Event.objects.filter(concern=pdf_evidence.concern).count()

    client.get(image_url(pdf_evidence, page=1, size="thumb"))
    client.get(image_url(pdf_evidence, page=2, size="full"))

    details = list(
        AccessRecord.objects.filter(user=hr_manager, action="previewed").values_list(
            "detail", flat=True
        )
    )
    assert sorted(details) == ["allegation-notice.pdf, page 1", "allegation-notice.pdf, page 2"]
    assert Event.objects.filter(concern=pdf_evidence.concern).count() == events
    log = client.get(reverse("incidents:access_log", args=[pdf_evidence.concern_id]))
    assert "Viewed a file&#x27;s preview: allegation-notice.pdf, page 2" in log.content.decode()


def _damage(evidence) -> None:
    """Store bytes PDFium cannot read, with their own hash, so only rendering fails."""
    import hashlib

    damaged = b"%PDF-1.7\n" + b"\x00not really a pdf\n" * 40
    with evidence.file.storage.open(evidence.file.name, "wb") as handle:
        handle.write(damaged)
    type(evidence).objects.filter(pk=evidence.pk).update(sha256=hashlib.sha256(damaged).hexdigest())


def test_a_pdf_that_cannot_be_rendered_says_so_without_an_error(client, hr_manager, pdf_evidence):
    _damage(pdf_evidence)
    client.force_login(hr_manager)

    page = client.get(viewer_url(pdf_evidence))
    image = client.get(image_url(pdf_evidence, page=1, size="thumb"))

    assert page.status_code == 200
    assert "could not be shown as pages here" in page.content.decode()
    assert image.status_code == 422 and image["Content-Type"] == "image/png"
    Image.open(io.BytesIO(image.content)).verify()  # a picture that says why, for the <img>
    assert not AccessRecord.objects.filter(action="previewed").exists()


def test_a_pdf_that_takes_too_long_is_stopped_and_says_so(
    client, hr_manager, pdf_evidence, settings
):
    """PDFium runs in a process of its own with a time limit: a file made to hang it
    costs a refused preview, not the web worker."""
    settings.PREVIEW_RENDER_SECONDS = 0.001  # no process starts, let alone renders, so fast
    client.force_login(hr_manager)

    image = client.get(image_url(pdf_evidence, page=1, size="thumb"))

    assert image.status_code == 422
    assert not AccessRecord.objects.filter(action="previewed").exists()
    page = client.get(viewer_url(pdf_evidence))
    assert "took too long to show as pages here" in page.content.decode()


def test_the_renderer_counts_renders_and_refuses_in_its_own_words():
    from incidents.evidence import pdf_worker

    data = pdf_upload(pages=2).read()
    assert pdf_worker.count(data) == 2
    png = pdf_worker.render(data, 2, 360, 4.0)
    assert png.startswith(b"\x89PNG") and max(Image.open(io.BytesIO(png)).size) <= 360
    assert pdf_worker.render(data, 3, 360, 4.0) is None


def test_a_file_changed_in_storage_is_not_previewed_and_the_mismatch_is_recorded(
    client, hr_manager, pdf_evidence
):
    with pdf_evidence.file.storage.open(pdf_evidence.file.name, "wb") as handle:
        handle.write(pdf_upload(pages=1).read())
    client.force_login(hr_manager)

    response = client.get(viewer_url(pdf_evidence))

    assert response.status_code == 409
    assert "no longer matches the file that was attached" in response.content.decode()
    assert Event.objects.filter(
        concern=pdf_evidence.concern, kind=EventKind.EVIDENCE_INTEGRITY_FAILED
    ).exists()


def test_the_concern_page_shows_a_thumbnail_that_opens_the_viewer(client, hr_manager, pdf_evidence):
    client.force_login(hr_manager)

    body = client.get(reverse("incidents:detail", args=[pdf_evidence.concern_id])).content.decode()

    assert image_url(pdf_evidence, page=1, size="thumb").replace("&", "&amp;") in body
    assert viewer_url(pdf_evidence).split("?")[0] in body
    assert 'alt="Preview of allegation-notice.pdf, page 1"' in body


def test_a_restricted_concerns_previews_are_for_the_coordinator_only(
    client, org, hr_manager, investigator, pdf_evidence
):
    from incidents.casework import services as casework

    org.pid_coordinator = investigator
    org.save()
    casework.concern_restrict(
        concern=pdf_evidence.concern, actor=hr_manager, reason="Alleges corrupt conduct."
    )

    client.force_login(hr_manager)
    assert client.get(image_url(pdf_evidence, page=1)).status_code == 404
    assert client.get(viewer_url(pdf_evidence)).status_code == 404
    client.force_login(investigator)
    assert client.get(image_url(pdf_evidence, page=1)).status_code == 200
