"""The shared PDF renderer: marking and page numbers on every page, nothing fetched."""

import io

import pypdf
import pytest

from incidents.documents.pdf import PROTECTIVE_MARKING, render_pdf


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_every_page_carries_the_marking_and_its_number():
    from django.template import engines

    template = engines["django"].from_string(
        '{% extends "documents/pdf_base.html" %}{% block body %}'
        "{% for i in rows %}<p>Paragraph {{ i }}</p>{% endfor %}{% endblock %}"
    )
    html = template.render({"marking": PROTECTIVE_MARKING, "rows": range(200)})
    pages = _pages(render_pdf(html))
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert PROTECTIVE_MARKING in text
        assert f"Page {number} of {len(pages)}" in text


def test_a_document_cannot_fetch_from_outside_itself():
    # An image from the network is refused and left out: the PDF still renders.
    pdf = render_pdf('<p>Before</p><img src="http://127.0.0.1:9/x.png"><p>After</p>')
    text = _pages(pdf)[0]
    assert "Before" in text and "After" in text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://127.0.0.1:9/", "https://x.test/"])
def test_the_fetcher_refuses_anything_but_data_urls(url):
    from incidents.documents.pdf import data_url, document_fetcher

    fetcher = document_fetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch(url)
    assert fetcher.fetch(data_url(b"GIF89a", "image/gif")).read() == b"GIF89a"


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


def test_an_image_on_the_server_is_left_out_and_an_embedded_one_is_drawn(tmp_path):
    from incidents.documents.pdf import data_url

    on_disk = tmp_path / "image.png"
    on_disk.write_bytes(_png())
    from_disk = pypdf.PdfReader(io.BytesIO(render_pdf(f'<img src="file://{on_disk}">')))
    embedded = pypdf.PdfReader(
        io.BytesIO(render_pdf(f'<img src="{data_url(_png(), "image/png")}">'))
    )
    assert len(from_disk.pages[0].images) == 0
    assert len(embedded.pages[0].images) == 1
