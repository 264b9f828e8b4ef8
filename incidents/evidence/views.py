"""Serving a concern's evidence: checked against its hash, as a download only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .. import permissions
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
