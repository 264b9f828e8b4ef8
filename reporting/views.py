"""Trend dashboards and their exports. Aggregates only: no individual concern anywhere."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from audit.chain import record_event
from audit.models import EventKind

from . import dashboard, export_jobs, permissions
from .about import export_about
from .exports import to_csv, to_xlsx
from .forms import ReportFilterForm
from .models import ExportJob
from .queries import MATTER_NOTE, ReportScope

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _scope(request: HttpRequest, source=None) -> tuple[ReportFilterForm, ReportScope]:
    if not permissions.can_view_reports(request.user):
        raise PermissionDenied("Dashboards are for executives, HR managers and sector analysts.")
    sector = permissions.is_sector_analyst(request.user)
    own = None if sector else (request.user.organisation_id,)
    data = request.GET if source is None else source
    form = ReportFilterForm(
        data or None,
        organisation_ids=own,
        sector=sector,
        group_filters=permissions.can_filter_within(request.user),
    )
    organisations = permissions.report_organisations(request.user, form.organisation_id())
    return form, ReportScope(organisation_ids=organisations, filters=form.report_filters())


@login_required
@require_GET
def reports_dashboard(request: HttpRequest) -> HttpResponse:
    form, scope = _scope(request)
    panels = dashboard.cached_panels(
        scope, drill_through=permissions.can_drill_through(request.user)
    )
    query = request.GET.urlencode()
    context = {
        "form": form,
        "panels": panels,
        "charts": {
            f"chart-{panel.key}": panel.chart_data()
            for panel in panels
            if panel.chart and panel.has_figures
        },
        "query": query,
        "threshold": dashboard.threshold(),
        "sector": scope.organisation_ids is None,
        "period": form.period_sentence(),
        "matter_note": MATTER_NOTE,
        "group_filters": "unit" in form.fields,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "reporting/dashboard.html", context, status=status)


@login_required
@require_GET
def reports_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("Unknown format.")
    form, scope = _scope(request)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            " ".join(str(m) for messages in form.errors.values() for m in messages),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    period = form.period_sentence()
    panels = dashboard.build_panels(scope)
    if key != "all":
        panels = [panel for panel in panels if panel.key == key]
        if not panels:
            raise Http404("No such table.")
    about = export_about(scope, period=period)
    if fmt == "csv":
        if len(panels) != 1:
            raise Http404("CSV holds one table; choose a table or XLSX.")
        content = to_csv(panels[0].export_table(period), about=about)
    else:
        content = to_xlsx([panel.export_table(period) for panel in panels], about=about)
    record_event(
        organisation_id=request.user.organisation_id,
        actor=request.user,
        kind=EventKind.REPORT_EXPORTED,
        after={"table": key, "format": fmt, "filters": request.GET.dict()},
    )
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="conduct-{key}-{stamp}.{fmt}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export_job_create(request: HttpRequest) -> HttpResponse:
    _, scope = _scope(request, source=request.POST)
    job = export_jobs.export_job_start(user=request.user, scope=scope)
    return redirect("reports:export_job", pk=job.pk)


def _own_job(request: HttpRequest, pk: int) -> ExportJob:
    if not permissions.can_view_reports(request.user):
        raise Http404("No such export.")
    try:
        return ExportJob.objects.get(pk=pk, requested_by=request.user)
    except (ExportJob.DoesNotExist, ValueError):
        raise Http404("No such export.") from None


@login_required
@require_GET
def export_job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    template = (
        "reporting/partials/export_progress.html"
        if request.headers.get("HX-Request")
        else "reporting/export_job.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def export_job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404("The file is not ready.")
    export_jobs.export_job_downloaded(job=job, user=request.user)
    stamp = job.created_at.date().isoformat()
    response = FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"conduct-all-{stamp}.xlsx",
        content_type=FORMATS["xlsx"],
    )
    response["Cache-Control"] = "private, no-store"
    return response
