"""Importing past concerns from a spreadsheet: upload, dry run, confirm, progress, summary.

Each view checks `imports.permissions` (who may import, and which batches they see), then
calls one service.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import Refused
from guidance.selectors import active_platform_categories, current_sections

from . import permissions, selectors, services
from .columns import COLUMNS, NOT_IMPORTED
from .forms import ImportUploadForm
from .models import ImportBatch
from .template_files import template_csv, template_xlsx

TEMPLATES = {
    "csv": ("text/csv; charset=utf-8", template_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", template_xlsx),
}


def _require_importer(request: HttpRequest) -> None:
    if not permissions.can_import(request.user):
        raise PermissionDenied("Only HR managers can import concerns.")


@login_required
@require_GET
def import_list(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    batches = selectors.past_imports(request.user)[:100]
    return render(request, "imports/import_list.html", {"batches": batches})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch, _ = services.batch_check(
                user=request.user, content=upload.read(), name=upload.name
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:batch", pk=batch.pk)
    status = 400 if form.is_bound else 200
    context = {
        "form": form,
        "columns": COLUMNS,
        "not_imported": NOT_IMPORTED,
        "categories": active_platform_categories(),
        "sections": current_sections(),
    }
    return render(request, "imports/import_upload.html", context, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_importer(request)
    if fmt not in TEMPLATES:
        raise Http404("Unknown format.")
    content_type, build = TEMPLATES[fmt]
    response = HttpResponse(build(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="concerns-import-template.{fmt}"'
    return response


@login_required
@require_GET
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = permissions.get_import_batch_for_user(request.user, pk)
    if request.headers.get("HX-Request") and batch.state != ImportBatch.State.CHECKED:
        response = render(request, "imports/partials/progress.html", {"batch": batch})
        if not batch.is_in_progress:
            response["HX-Refresh"] = "true"  # show the summary in full
        return response
    checked = batch.state == ImportBatch.State.CHECKED
    context = {
        "batch": batch,
        "can_confirm": checked and permissions.can_confirm_import(request.user, batch),
    }
    if checked:
        try:
            context["dry_run"] = services.batch_dry_run(batch=batch)
        except (Refused, ValidationError) as exc:
            context["refused"] = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            context["can_confirm"] = False
    elif batch.state == ImportBatch.State.DONE:
        context["created"] = selectors.created_rows(batch)
    elif batch.state == ImportBatch.State.EXPIRED:
        context["unconfirmed_days"] = settings.IMPORT_UNCONFIRMED_DAYS
    return render(request, "imports/batch.html", context)


@login_required
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = permissions.get_import_batch_for_user(request.user, pk)
    if not permissions.can_confirm_import(request.user, batch):
        raise PermissionDenied("Only the person who uploaded a file can confirm it.")
    try:
        services.batch_confirm(batch=batch, actor=request.user)
    except (Refused, ValidationError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, "Import confirmed. It runs in the background.")
    return redirect("imports:batch", pk=batch.pk)
