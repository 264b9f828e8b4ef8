"""What an export says about itself: whose figures, which filters, which period, when it
was made, how small counts are hidden, and its protective marking. The first lines of a
CSV and the first sheet of a workbook (`reporting.exports`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from guidance.models import CodeSection, PlatformCategory

from .exports import DEFAULT_MARKING
from .queries import MATTER_NOTE, ReportScope, describe_period

About = tuple[tuple[str, str], ...]


def suppression_rule(threshold: int | None = None) -> str:
    limit = threshold or settings.REPORT_SMALL_CELL_THRESHOLD
    return (
        f'Counts from 1 to {limit - 1} are shown as "<{limit}". "np" (not published) marks '
        f"a count of {limit} or more hidden so that a smaller count cannot be worked out "
        "from the totals. A figure for several months or organisations is shown only when "
        "each month and organisation shows it. Zeros are shown."
    )


def _organisations(scope: ReportScope) -> str:
    if scope.organisation_ids is None:
        return "Every organisation (the whole sector)"
    names = Organisation.objects.filter(pk__in=scope.organisation_ids).order_by("name")
    return ", ".join(names.values_list("name", flat=True)) or "None"


def _name(model, pk: int | None, field: str = "name") -> str | None:
    if not pk:
        return None
    return model.objects.filter(pk=pk).values_list(field, flat=True).first() or f"#{pk}"


def _filters(scope: ReportScope) -> str:
    f = scope.filters
    chosen = []
    if unit := _name(BusinessUnit, f.business_unit_id):
        chosen.append(f"business unit {unit}")
    if f.section_id:
        section = CodeSection.objects.filter(pk=f.section_id).values_list("code", "title").first()
        chosen.append(f"Code section {' '.join(section) if section else f.section_id}")
    if platform := _name(PlatformCategory, f.platform_id):
        chosen.append(f"platform {platform}")
    return "; ".join(chosen) if chosen else "None (every business unit, section and platform)"


def export_about(
    scope: ReportScope,
    *,
    period: str = "",
    produced: dt.datetime | None = None,
    marking: str = DEFAULT_MARKING,
) -> About:
    """(label, value) lines describing an export of `scope`."""
    produced = timezone.localtime(produced or timezone.now())
    return (
        ("Organisation", _organisations(scope)),
        ("Filters", _filters(scope)),
        ("Period", period or describe_period(scope.filters.date_from, scope.filters.date_to)),
        ("Produced", f"{produced:%Y-%m-%d %H:%M} ({produced.tzname()})"),
        ("Small counts", suppression_rule()),
        (
            "Counted",
            "Submitted concerns; drafts and possible public interest disclosures are not "
            f"counted. {MATTER_NOTE}",
        ),
        ("Protective marking", marking),
    )
