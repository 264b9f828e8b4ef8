"""Serving a concern's evidence: checked against its hash, as a download only; and the
previews HR look at instead (images made on the server, see previews.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from audit.access import access_record
from audit.models import AccessRecord

from .. import permissions
from . import previews
from .storage import download_response, evidence_verify


@login_required
@require_GET
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Serve evidence as a download only, after checking it is the file that was attached.

    Images are served as the clean re-encoded copy unless `?original=1` asks for the
    file exactly as it was uploaded.
    """
    evidence = permissions.get_evidence_for_user(request.user, pk, evidence_pk)
    if not evidence_verify(evidence=evidence, actor=request.user):
        return render(
            request,
            "incidents/evidence_refused.html",
            {"concern_pk": pk},
            status=409,
        )
    return download_response(
        evidence=evidence, user=request.user, original=request.GET.get("original") == "1"
    )


@login_required
@require_GET
def evidence_preview(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """The page that shows an evidence file's preview, one page at a time."""
    evidence = permissions.get_evidence_for_preview(request.user, pk, evidence_pk)
    return preview_viewer(
        request,
        kind="evidence",
        item=evidence,
        image_url=reverse("incidents:evidence_preview_image", args=[pk, evidence_pk]),
        download_url=reverse("incidents:evidence_download", args=[pk, evidence_pk]),
        verify=lambda: evidence_verify(evidence=evidence, actor=request.user),
    )


@login_required
@require_GET
def evidence_preview_image(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """One page of an evidence file's preview, as a PNG image; each one shown is recorded."""
    evidence = permissions.get_evidence_for_preview(request.user, pk, evidence_pk)
    return preview_image(
        request,
        kind="evidence",
        item=evidence,
        verify=lambda: evidence_verify(evidence=evidence, actor=request.user),
    )


# --- Shared by evidence and case documents --------------------------------------------


def _page(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    if not value.isdigit() or not 1 <= int(value) <= previews.PREVIEW_MAX_PAGES:
        raise Http404("No such page.")
    return int(value)


def preview_viewer(
    request: HttpRequest,
    *,
    kind: str,
    item,
    image_url: str,
    download_url: str,
    verify: Callable[[], bool],
) -> HttpResponse:
    """The viewer page: the chosen page large, links to the others, and the download.

    The page is rendered (or read from storage) before the page is answered, so a PDF
    that cannot be rendered is said to be so here; the image itself is recorded when
    the browser fetches it (preview_image)."""
    if not previews.is_previewable(item):
        raise Http404("This file has no preview.")
    page = _page(request)
    count, error, status = 1, "", 200
    try:
        count = previews.page_count(kind, item)
        if page > previews.pages_shown(count):
            raise Http404("No such page.")
        previews.preview_png(kind, item, page=page, size="full")
    except previews.PreviewUnavailable as exc:
        error = str(exc)
        if exc.integrity:
            verify()
            status = 409
    shown = previews.pages_shown(count)
    context = {
        "concern": item.concern,
        "item": item,
        "kind": kind,
        "page": page,
        "count": count,
        "shown": shown,
        "pages": range(1, shown + 1),
        "previous_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < shown else None,
        "image_url": image_url,
        "download_url": download_url,
        "error": error,
        "is_pdf": previews.is_pdf(item),
        "max_pages": previews.PREVIEW_MAX_PAGES,
        "not_shown": count - shown,
    }
    return render(request, "incidents/file_preview.html", context, status=status)


def preview_image(request: HttpRequest, *, kind: str, item, verify: Callable[[], bool]):
    """One page's PNG. When it cannot be made, a small image that says why (for the <img>
    on the page), with a 4xx status; only a preview actually shown is recorded."""
    page = _page(request)
    size = request.GET.get("size", "full")
    if size not in previews.SIZES:
        raise Http404("No such size.")
    try:
        png = previews.preview_png(kind, item, page=page, size=size)
    except previews.PreviewUnavailable as exc:
        if exc.integrity:
            verify()
        return previews.png_response(previews.placeholder_png(str(exc)), status=exc.status)
    access_record(
        concern=item.concern,
        user=request.user,
        action=AccessRecord.Action.PREVIEWED,
        detail=(
            f"{item.original_name}, page {page}" if previews.is_pdf(item) else item.original_name
        ),
    )
    return previews.png_response(png)
