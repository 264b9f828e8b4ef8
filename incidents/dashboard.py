"""Dashboard panels: report rows with small-cell suppression applied, ready for the
page, the chart data, the CSV/XLSX exports and the monthly summary.

A panel never carries an individual concern; suppressed cells carry no value at all
(`shown` is None) so neither a chart nor an export can leak them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from . import reports, rollups
from .models import Finding
from .suppression import Cell, suppress_series, suppress_table


@dataclass(frozen=True)
class Row:
    label: str
    cells: tuple[Cell | str, ...]
    drill: str = ""  # query string for HR managers' drill-through; empty for everyone else


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    total: tuple[Cell | str, ...] = ()
    chart: str = "bar"  # "bar", "line", "doughnut" or "" for a table only
    note: str = ""
    series_labels: tuple[str, ...] = field(default_factory=tuple)

    def chart_data(self) -> dict:
        """Labels and values for the chart; hidden cells are null, never their value."""
        columns = len(self.header) - 1
        return {
            "type": self.chart,
            "labels": [row.label for row in self.rows],
            "datasets": [
                {
                    "label": self.header[index + 1],
                    "data": [_shown(row.cells[index]) for row in self.rows],
                }
                for index in range(columns)
            ],
        }

    def export_rows(self) -> tuple[tuple, ...]:
        body = tuple((row.label, *(_label(cell) for cell in row.cells)) for row in self.rows)
        if self.total:
            body += (("Total", *(_label(cell) for cell in self.total)),)
        return body


def _shown(cell: Cell | str):
    return cell.shown if isinstance(cell, Cell) else None


def _label(cell: Cell | str) -> str:
    return cell.label if isinstance(cell, Cell) else cell


def threshold() -> int:
    return settings.REPORT_SMALL_CELL_THRESHOLD


def _series_panel(
    key: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    column: str = "Concerns",
    chart: str = "bar",
    note: str = "",
    drill: Callable[[str], str] | None = None,
) -> Panel:
    labels = [label for label, _ in rows]
    series = suppress_series(dict(rows), threshold=threshold(), keys=labels)
    return Panel(
        key=key,
        title=title,
        header=(title.split(" by ")[-1].capitalize() if " by " in title else "Item", column),
        rows=tuple(
            Row(label, (series.cells[label],), drill(label) if drill else "") for label in labels
        ),
        total=(series.total,),
        chart=chart,
        note=note,
    )


def _small(value: int) -> Cell | str:
    """Primary suppression for a count that is not part of a published total."""
    limit = threshold()
    if 0 < value < limit:
        return f"<{limit}"
    return str(value)


def cached_panels(scope: reports.ReportScope, *, drill_through: bool = False) -> list[Panel]:
    """The panels, from the cache when they were built in the last few minutes.

    Trends move slowly; `REPORT_CACHE_SECONDS` (default 300, 0 to switch off) bounds how
    stale a figure can be. The key covers everything that changes the figures.
    """
    seconds = settings.REPORT_CACHE_SECONDS
    if not seconds:
        return build_panels(scope, drill_through=drill_through)
    key = (
        "dashboard:"
        + hashlib.sha256(repr((scope, drill_through, threshold())).encode()).hexdigest()
    )
    panels = cache.get(key)
    if panels is None:
        panels = build_panels(scope, drill_through=drill_through)
        cache.set(key, panels, seconds)
    return panels


def build_panels(scope: reports.ReportScope, *, drill_through: bool = False) -> list[Panel]:
    """Every panel. Figures come from the rollups when they are current (see
    `incidents.rollups`), otherwise straight from the concerns; the values are the same."""
    limit = threshold()

    def drill_for(param: str, lookup: dict[str, int]) -> Callable[[str], str] | None:
        """HR managers follow a number to the matching concerns in their work queue."""
        if not drill_through:
            return None
        return lambda label: urlencode({param: lookup[label]}) if label in lookup else ""

    figures = rollups.figures(scope)
    counts = figures.summary_counts()
    months = figures.by_month()
    month_rows = [(f"{month:%b %Y}", count) for month, count in months]
    panels = [
        _series_panel("months", "Concerns by month", month_rows),
    ]

    sections = figures.by_section()
    section_labels = [f"{code} {title}" for code, title, _, _ in sections]
    table = suppress_table(
        {
            **{(f"{c} {t}", "Confirmed by HR"): n for c, t, n, _ in sections},
            **{(f"{c} {t}", "As reported, not yet confirmed"): m for c, t, _, m in sections},
        },
        row_keys=section_labels,
        col_keys=["Confirmed by HR", "As reported, not yet confirmed"],
        threshold=limit,
    )
    panels.append(
        Panel(
            key="sections",
            title="Concerns by Code section",
            header=("Code section", "Confirmed by HR", "As reported, not yet confirmed"),
            rows=tuple(
                Row(
                    label,
                    (
                        table.cells[(label, "Confirmed by HR")],
                        table.cells[(label, "As reported, not yet confirmed")],
                    ),
                )
                for label in section_labels
            ),
            total=(
                table.col_totals["Confirmed by HR"],
                table.col_totals["As reported, not yet confirmed"],
            ),
            note="A concern can touch more than one section. HR's confirmed sections are used "
            "where triage has confirmed them; otherwise the reporter's choice is counted.",
        )
    )
    platforms = figures.by_platform()
    panels.append(
        _series_panel(
            "platforms",
            "Concerns by platform",
            platforms,
            drill=drill_for("platform", reports.platform_ids()) if drill_through else None,
        )
    )
    panels.append(
        _series_panel(
            "use",
            "Concerns by use",
            reports.by_use_context(scope, counts),
            chart="doughnut",
            note="Official use means acting as a representative of the public sector.",
        )
    )
    if scope.organisation_ids is None:
        panels.append(
            _series_panel("organisations", "Concerns by organisation", figures.by_organisation())
        )
    else:
        panels.append(
            _series_panel(
                "units",
                "Concerns by business unit",
                figures.by_business_unit(),
                drill=drill_for("unit", reports.unit_ids(scope)) if drill_through else None,
            )
        )

    findings = figures.findings_by_section()
    finding_rows = sorted({row for row, _ in findings})
    finding_cols = [label for _, label in Finding.choices]
    ftable = suppress_table(findings, row_keys=finding_rows, col_keys=finding_cols, threshold=limit)
    panels.append(
        Panel(
            key="findings",
            title="Findings by Code section",
            header=("Code section", *finding_cols),
            rows=tuple(
                Row(label, tuple(ftable.cells[(label, col)] for col in finding_cols))
                for label in finding_rows
            ),
            total=tuple(ftable.col_totals[col] for col in finding_cols),
        )
    )
    panels.append(
        _series_panel(
            "responses", "Responses chosen at triage", reports.graduated_responses(scope, counts)
        )
    )

    durations = []
    for label, value in (
        ("Submission to triage", figures.time_to_triage()),
        ("Submission to closure", figures.time_to_close()),
    ):
        if value.count >= limit:
            durations.append(
                Row(label, (str(value.median_days), str(value.p90_days), str(value.count)))
            )
        else:
            durations.append(Row(label, (f"fewer than {limit} concerns", "", _small(value.count))))
    panels.append(
        Panel(
            key="durations",
            title="Time taken (days)",
            header=("Stage", "Median", "90th percentile", "Concerns measured"),
            rows=tuple(durations),
            chart="",
        )
    )
    panels.append(
        _series_panel(
            "ageing",
            "Open concerns by age",
            reports.ageing(scope, counts=counts),
            column="Open concerns",
        )
    )
    due = reports.due_compliance(scope, counts=counts)
    panels.append(
        Panel(
            key="due",
            title="Due dates",
            header=("Measure", "Concerns"),
            rows=(
                Row("Open", (_small(due["open"]),)),
                Row("Open and past their due date", (_small(due["open_overdue"]),)),
                Row("Ever escalated as overdue", (_small(due["escalated"]),)),
            ),
            chart="",
        )
    )
    repeat = reports.repeat_concerns(scope, counts)
    first_time = repeat["with_subject"] - repeat["repeat"]
    if repeat["repeat"] >= limit and first_time >= limit:
        share = f"{round(100 * repeat['repeat'] / repeat['with_subject'])}%"
    else:
        share = "not shown (too few to report safely)"
    panels.append(
        Panel(
            key="repeat",
            title="Concerns about employees with an earlier concern",
            header=("Measure", "Value"),
            rows=(
                Row("Share of concerns with a named employee", (share,)),
                Row("Concerns with a named employee", (_small(repeat["with_subject"]),)),
            ),
            chart="",
            note="A number only: the people concerned are never shown here.",
        )
    )
    return panels
