"""PDF rendering for the documents the app produces (letters, the case file).

One function, `render_pdf`, turns a rendered HTML string into PDF bytes with WeasyPrint. Every
page carries the protective marking at its top and foot and "Page N of M", from the page rules in
`templates/documents/pdf_base.html`, which a document template extends.

Nothing is fetched from the network: the URL fetcher answers only `data:` URLs (a caller embeds
an image as a data URL) and refuses every other address, so a document renders the same on an
air-gapped server and cannot be made to call out. Fonts are the system's (fontconfig).
"""

from __future__ import annotations

import base64
from typing import Any

from django.template.loader import render_to_string


def document_fetcher() -> Any:
    """WeasyPrint's fetcher limited to `data:` URLs: any other address (http, file) is
    refused and the resource left out, so a document cannot read the server's files or call
    out, and renders the same on a server without a network."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=("data",), timeout=1, allow_redirects=False)


def data_url(content: bytes, content_type: str) -> str:
    """An image (or any small resource) as a `data:` URL for a document template."""
    return f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}"


# The marking every page of a produced document carries (the same as the site's banner).
PROTECTIVE_MARKING = "OFFICIAL: Sensitive"


def _laid_out(html: str) -> Any:
    """WeasyPrint's laid-out document for one HTML string. WeasyPrint is imported here, not
    at module load, so pages that never produce a PDF do not pay for it."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=document_fetcher(), base_url=None).render()


def render_pdf(html: str) -> bytes:
    """PDF bytes for one HTML document."""
    return _laid_out(html).write_pdf()


def render_pdf_template(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template that extends `documents/pdf_base.html`, then the PDF."""
    return render_pdf_template_with_pages(template_name, context)[0]


def render_pdf_template_with_pages(
    template_name: str, context: dict[str, Any]
) -> tuple[bytes, int]:
    """render_pdf_template, and how many pages the PDF has (laid out once, not twice)."""
    html = render_to_string(template_name, {"marking": PROTECTIVE_MARKING, **context})
    document = _laid_out(html)
    return document.write_pdf(), len(document.pages)
