"""Attaching, downloading and previewing case documents (HR only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from config.errors import Refused
from incidents import permissions
from incidents.casework.views.case import render_case
from incidents.evidence.views import preview_image, preview_viewer

from . import services
from .forms import CaseDocumentForm


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    concern = permissions.get_concern_for_user(request.user, pk, full_record=True)
    if not permissions.can_add_case_document(request.user, concern):
        raise PermissionDenied("You cannot add documents to this concern.")
    form = CaseDocumentForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return render_case(request, concern, bound={"document": form}, status=400)
    try:
        document = services.case_document_add(
            concern=concern,
            actor=request.user,
            upload=form.cleaned_data["file"],
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
        )
    except Refused as exc:
        return render_case(
            request, concern, bound={"document": form}, status=exc.status, error=str(exc)
        )
    form.discard_staged()
    messages.success(request, f"Attached {document.original_name} to the case documents.")
    return redirect(reverse("incidents:detail", args=[pk]) + "#case-documents-heading")


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = permissions.get_case_document_for_user(request.user, pk, document_pk)
    if not services.case_document_verify(document=document, actor=request.user):
        return render(request, "incidents/evidence_refused.html", {"concern_pk": pk}, status=409)
    return services.case_document_download(document=document, user=request.user)


@login_required
@require_GET
def document_preview(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = permissions.get_case_document_for_user(request.user, pk, document_pk)
    return preview_viewer(
        request,
        kind="document",
        item=document,
        image_url=reverse("incidents:document_preview_image", args=[pk, document_pk]),
        download_url=reverse("incidents:document_download", args=[pk, document_pk]),
        verify=lambda: services.case_document_verify(document=document, actor=request.user),
    )


@login_required
@require_GET
def document_preview_image(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    document = permissions.get_case_document_for_user(request.user, pk, document_pk)
    return preview_image(
        request,
        kind="document",
        item=document,
        verify=lambda: services.case_document_verify(document=document, actor=request.user),
    )
