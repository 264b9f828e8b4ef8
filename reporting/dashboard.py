"""Dashboard panels: report rows with small-cell suppression applied, ready for the
page, the chart data, the CSV/XLSX exports and the monthly summary.

A panel never carries an individual concern; suppressed cells carry no value at all
(`shown` is None) so neither a chart nor an export can leak them.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

from incidents.models import Finding

from . import queries, rates, rollups
from .exports import ExportTable
from .suppression import NOT_PUBLISHED, Cell, suppress_series, suppress_table


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
        """Labels and values for the chart; hidden cells are null, never their value, with
        their mark ("<5" or "np") in `hidden` so the chart draws them as hidden, not as 0."""
        columns = len(self.header) - 1
        return {
            "type": self.chart,
            "labels": [row.label for row in self.rows],
            "datasets": [
                {
                    "label": self.header[index + 1],
                    "data": [_shown(row.cells[index]) for row in self.rows],
                    "hidden": [
                        _label(row.cells[index]) if _is_hidden(row.cells[index]) else None
                        for row in self.rows
                    ],
                }
                for index in range(columns)
            ],
        }

    @property
    def has_figures(self) -> bool:
        """Whether any row holds something other than a zero: a panel of zeros (or of no
        rows) says there is nothing to show yet instead of drawing an empty frame."""
        return any(_label(cell) not in ("0", "") for row in self.rows for cell in row.cells)

    @property
    def export_note(self) -> str:
        """The note an export carries under the table: the panel's, and how matters count."""
        return " ".join(part for part in (self.note, queries.MATTER_NOTE) if part)

    def export_rows(self) -> tuple[tuple, ...]:
        """The rows for a spreadsheet: shown counts as numbers, hidden ones as their mark."""
        body = tuple((row.label, *(_export_value(cell) for cell in row.cells)) for row in self.rows)
        if self.total:
            body += (("Total", *(_export_value(cell) for cell in self.total)),)
        return body

    @property
    def sheet(self) -> str:
        """A sheet name within Excel's 31 characters, unique among the panels."""
        return SHEETS.get(self.key, self.title[:31])

    def export_table(self, period: str = "") -> ExportTable:
        note = " ".join(part for part in (self.export_note, period) if part)
        return ExportTable(
            title=self.title,
            header=self.header,
            rows=self.export_rows(),
            note=note,
            sheet=self.sheet,
        )


SHEETS = {
    "months": "By month submitted",
    "sections": "By Code section",
    "platforms": "By platform",
    "use": "By use context",
    "organisations": "By organisation",
    "units": "By business unit",
    "findings": "Findings by Code section",
    "responses": "Responses chosen at triage",
    "durations": "Days to triage and closure",
    "ageing": "Open concerns by age",
    "due": "Against due dates",
    "repeat": "After an earlier concern",
    "rates": "Per 100 staff by unit",
    "rates_months": "Per 100 staff by month",
}


def _export_value(cell: Cell | str) -> int | float | str:
    """A shown count as a number; a mark, a percentage or a sentence as text."""
    if isinstance(cell, Cell):
        return cell.label if cell.hidden else cell.value
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


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
    hide: set[str] = frozenset(),
    hide_total: bool = False,
    heading: str = "",
) -> Panel:
    labels = [label for label, _ in rows]
    series = suppress_series(
        dict(rows), threshold=threshold(), keys=labels, hide=hide, hide_total=hide_total
    )
    return Panel(
        key=key,
        title=title,
        header=(
            heading or (title.split(" by ")[-1].capitalize() if " by " in title else "Item"),
            column,
        ),
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


def _not_published(value: int) -> str:
    """The mark of a count hidden so that another cannot be worked out: "<5" only when it
    is under 5, otherwise "np"."""
    return _small(value) if value < threshold() else NOT_PUBLISHED


# Part of the cache key: change it when a Panel's shape or home changes, so that a
# release never reads panels pickled by the one before (2: moved to reporting/; 3: "np"
# for secondary cells).
CACHE_VERSION = 3


def cache_key(scope: queries.ReportScope, *, drill_through: bool = False) -> str:
    """Everything that changes the figures, and the version of the panels' shape."""
    digest = hashlib.sha256(repr((scope, drill_through, threshold())).encode()).hexdigest()
    return f"dashboard:v{CACHE_VERSION}:{digest}"


def cached_panels(scope: queries.ReportScope, *, drill_through: bool = False) -> list[Panel]:
    """The panels, from the cache when they were built in the last few minutes.

    Trends move slowly; `REPORT_CACHE_SECONDS` (default 300, 0 to switch off) bounds how
    stale a figure can be. The key covers everything that changes the figures.
    """
    seconds = settings.REPORT_CACHE_SECONDS
    if not seconds:
        return build_panels(scope, drill_through=drill_through)
    key = cache_key(scope, drill_through=drill_through)
    panels = cache.get(key)
    if panels is None:
        panels = build_panels(scope, drill_through=drill_through)
        cache.set(key, panels, seconds)
    return panels


def build_panels(scope: queries.ReportScope, *, drill_through: bool = False) -> list[Panel]:
    """Every panel. Figures come from the rollups when they are current (see
    `reporting.rollups`), otherwise straight from the concerns; the values are the same.

    A report that adds up several parts (several months, or the whole sector, whose
    parts are one organisation in one month) hides every figure that any part's own
    report hides (see `hidden_by_parts`)."""
    figures = rollups.figures(scope)
    raw = _raw(figures, scope)
    return _panels(raw, scope, drill_through=drill_through, forced=hidden_by_parts(figures, raw))


def _raw(figures, scope: queries.ReportScope) -> dict:
    raw = {
        "counts": figures.summary_counts(),
        "months": figures.by_month(),
        "sections": figures.by_section(),
        "platforms": figures.by_platform(),
        "groups": figures.by_organisation()
        if scope.organisation_ids is None
        else figures.by_business_unit(),
        "findings": figures.findings_by_section(),
        "triage": figures.time_to_triage(),
        "close": figures.time_to_close(),
        "sector": scope.organisation_ids is None,
    }
    raw["headcount"] = queries.headcounts(scope, [month for month, _ in raw["months"]])
    return raw


Entry = tuple  # (row label, column index); the row label is None for the total row


def hidden_by_parts(figures, raw: dict) -> dict[str, set[Entry]]:
    """{panel key: entries to hide} so a report cannot be compared with its parts.

    Reports cover whole months, and a sector analyst may also see each organisation, so
    every report is a sum of parts, each one organisation in one month, and each part can
    be asked for on its own. A figure of the sum is shown only when every part shows its
    own share of it; then every figure shown is the sum of figures the parts show, and
    subtracting two reports (two periods, or the sector and one organisation) gives only
    sums of shown figures, never a hidden one. The parts' counts come in a few grouped
    queries (`queries.parts`) or from the rollup rows already read."""
    months = sum(1 for _, n in raw["months"] if n)
    organisations = sum(1 for _, n in raw["groups"] if n) if _sector(raw) else 1
    if months <= 1 and organisations <= 1:
        return {}  # the report is its one part
    parts = figures.parts()
    forced: dict[str, set[Entry]] = defaultdict(set)
    for (organisation_id, month), part in parts.items():
        part_scope = queries.ReportScope(organisation_ids=(organisation_id,))
        for panel in _panels(_part_raw(part, month, raw), part_scope, drill_through=False):
            forced[panel.key] |= _hidden_entries(panel)
            if panel.key == "months" and (None, 0) in forced["months"]:
                forced["organisations"] |= {(part["organisation"], 0), (None, 0)}
    return forced


def _sector(raw: dict) -> bool:
    return raw.get("sector", False)


def _part_raw(part: dict, month, raw: dict) -> dict:
    """One part's figures in the shape of `_raw`, rows in the report's own order (so the
    part's suppression breaks ties exactly as the part's own report does)."""
    counts = {**dict.fromkeys(queries.additive_aggregates(), 0), **part["counts"]}
    for name in ("open_overdue", "subjects", *(f"age_{i}" for i in range(4))):
        counts.setdefault(name, 0)

    def ordered(rows, values):
        return [(label, values[label]) for label, _ in rows if values.get(label)]

    confirmed, reported = part["confirmed"], part["reported"]
    return {
        "counts": counts,
        "months": [(month, part["total"])],
        "sections": [
            (code, title, confirmed.get((code, title), 0), reported.get((code, title), 0))
            for code, title, _, _ in raw["sections"]
            if confirmed.get((code, title)) or reported.get((code, title))
        ],
        "platforms": ordered(raw["platforms"], part["platforms"]),
        "groups": ordered(raw["groups"], part["units"]),
        "findings": {key: n for key, n in part["findings"].items() if n},
        "triage": queries.Duration(part["triage_n"], 0.0, 0.0),
        "close": queries.Duration(part["close_n"], 0.0, 0.0),
    }


def _is_hidden(cell: Cell | str) -> bool:
    if isinstance(cell, Cell):
        return cell.hidden
    return cell.startswith("<") or cell == NOT_PUBLISHED


def _hidden_entries(panel: Panel) -> set[Entry]:
    entries = {
        (row.label, index)
        for row in panel.rows
        for index, cell in enumerate(row.cells)
        if _is_hidden(cell)
    }
    return entries | {(None, index) for index, cell in enumerate(panel.total) if _is_hidden(cell)}


@dataclass(frozen=True)
class _Figures:
    """What each panel builder reads: the raw figures, the scope and what must be hidden."""

    raw: dict
    scope: queries.ReportScope
    drill_through: bool
    forced: dict[str, set[Entry]]
    limit: int

    @property
    def counts(self) -> dict:
        return self.raw["counts"]

    def hide(self, key: str) -> dict:
        """Cells another view's figures would give away (see `hidden_by_parts`)."""
        entries = self.forced.get(key, set())
        return {
            "hide": {label for label, _ in entries if label is not None},
            "hide_total": (None, 0) in entries,
        }

    def small(self, key: str, label: str, value: int) -> Cell | str:
        if (label, 0) in self.forced.get(key, ()) and value:
            return _not_published(value)
        return _small(value)

    def drill_for(self, param: str, lookup: dict[str, int]) -> Callable[[str], str] | None:
        """HR managers follow a number to the matching concerns in their work queue."""
        if not self.drill_through:
            return None
        return lambda label: urlencode({param: lookup[label]}) if label in lookup else ""


def _months_panel(f: _Figures) -> Panel:
    rows = [(f"{month:%b %Y}", count) for month, count in f.raw["months"]]
    return _series_panel(
        "months",
        "Concerns by month submitted",
        rows,
        heading="Month submitted",
        **f.hide("months"),
    )


def _sections_panel(f: _Figures) -> Panel:
    sections = f.raw["sections"]
    labels = [f"{code} {title}" for code, title, _, _ in sections]
    cols = ["Confirmed by HR", "As reported, not yet confirmed"]
    table = suppress_table(
        {
            **{(f"{c} {t}", cols[0]): n for c, t, n, _ in sections},
            **{(f"{c} {t}", cols[1]): m for c, t, _, m in sections},
        },
        row_keys=labels,
        col_keys=cols,
        threshold=f.limit,
        **_table_hide(f.forced.get("sections", set()), cols),
    )
    return Panel(
        key="sections",
        title="Concerns by Code section",
        header=("Code section", *cols),
        rows=tuple(
            Row(label, tuple(table.cells[(label, col)] for col in cols)) for label in labels
        ),
        total=tuple(table.col_totals[col] for col in cols),
        note="A concern can touch more than one section. HR's confirmed sections are used "
        "where triage has confirmed them; otherwise the reporter's choice is counted.",
    )


def _platforms_panel(f: _Figures) -> Panel:
    return _series_panel(
        "platforms",
        "Concerns by platform",
        f.raw["platforms"],
        drill=f.drill_for("platform", queries.platform_ids()) if f.drill_through else None,
        **f.hide("platforms"),
    )


def _use_panel(f: _Figures) -> Panel:
    return _series_panel(
        "use",
        "Concerns by use context (official or private use)",
        queries.by_use_context(f.scope, f.counts),
        heading="Use context",
        chart="doughnut",
        note="Official use means acting as a representative of the public sector.",
        **f.hide("use"),
    )


def _groups_panel(f: _Figures) -> Panel:
    """By organisation for the sector view; by business unit inside one organisation."""
    if f.scope.organisation_ids is None:
        return _series_panel(
            "organisations", "Concerns by organisation", f.raw["groups"], **f.hide("organisations")
        )
    return _series_panel(
        "units",
        "Concerns by business unit",
        f.raw["groups"],
        drill=f.drill_for("unit", queries.unit_ids(f.scope)) if f.drill_through else None,
        **f.hide("units"),
    )


def _findings_panel(f: _Figures) -> Panel:
    findings = f.raw["findings"]
    rows = sorted({row for row, _ in findings})
    cols = [label for _, label in Finding.choices]
    table = suppress_table(
        findings,
        row_keys=rows,
        col_keys=cols,
        threshold=f.limit,
        **_table_hide(f.forced.get("findings", set()), cols),
    )
    return Panel(
        key="findings",
        title="Findings made, by Code section",
        header=("Code section", *cols),
        rows=tuple(Row(label, tuple(table.cells[(label, col)] for col in cols)) for label in rows),
        total=tuple(table.col_totals[col] for col in cols),
    )


def _responses_panel(f: _Figures) -> Panel:
    return _series_panel(
        "responses",
        "Concerns by response chosen at triage",
        queries.graduated_responses(f.scope, f.counts),
        heading="Response chosen at triage",
        **f.hide("responses"),
    )


def _durations_panel(f: _Figures) -> Panel:
    limit = f.limit
    rows = []
    for label, value in (
        ("Submission to triage", f.raw["triage"]),
        ("Submission to closure", f.raw["close"]),
    ):
        if (label, 2) in f.forced.get("durations", ()):
            rows.append(
                Row(
                    label,
                    (
                        "not shown (too few in one month or organisation)",
                        "",
                        _not_published(value.count),
                    ),
                )
            )
        elif value.count >= limit:
            rows.append(Row(label, (str(value.median_days), str(value.p90_days), str(value.count))))
        elif value.count == 0:
            rows.append(Row(label, ("none measured yet", "", "0")))
        else:
            rows.append(Row(label, (f"fewer than {limit} concerns", "", _small(value.count))))
    return Panel(
        key="durations",
        title="Days from submission to triage and to closure",
        header=("Stage", "Median", "90th percentile", "Concerns measured"),
        rows=tuple(rows),
        chart="",
        note="Concerns imported from a spreadsheet are left out here (their submission dates "
        "are the spreadsheet's, often long before they reached the app); every other panel "
        "counts them.",
    )


def _ageing_panel(f: _Figures) -> Panel:
    return _series_panel(
        "ageing",
        "Open concerns by days since submission",
        queries.ageing(f.scope, counts=f.counts),
        column="Open concerns",
        heading="Days since submission",
        **f.hide("ageing"),
    )


def _due_panel(f: _Figures) -> Panel:
    due = queries.due_compliance(f.scope, counts=f.counts)
    measures = (
        ("Open", "open"),
        ("Open and past their due date", "open_overdue"),
        ("Ever escalated as overdue", "escalated"),
    )
    return Panel(
        key="due",
        title="Open concerns against their due dates",
        header=("Measure", "Concerns"),
        rows=tuple(Row(label, (f.small("due", label, due[name]),)) for label, name in measures),
        chart="",
    )


def _repeat_panel(f: _Figures) -> Panel:
    repeat = queries.repeat_concerns(f.scope, f.counts)
    first_time = repeat["with_subject"] - repeat["repeat"]
    named = "Concerns with a named employee"
    again = "Concerns about an employee with an earlier concern"
    with_subject = f.small("repeat", named, repeat["with_subject"])
    repeated = f.small("repeat", again, repeat["repeat"])
    if (
        repeat["repeat"] >= f.limit
        and first_time >= f.limit
        and not _is_hidden(with_subject)
        and not _is_hidden(repeated)
    ):
        share = f"{round(100 * repeat['repeat'] / repeat['with_subject'])}%"
    else:
        share = "not shown (too few to report safely)"
    return Panel(
        key="repeat",
        title="Concerns about employees with an earlier concern",
        header=("Measure", "Value"),
        rows=(
            Row(named, (with_subject,)),
            Row(again, (repeated,)),
            Row("Share of concerns with a named employee that follow an earlier one", (share,)),
        ),
        chart="",
        note="An earlier concern is one about the same employee submitted before it in the "
        "period shown. A number only: the people concerned are never shown here.",
    )


def _rate_cells(count: Cell, staff: int | None, rate_of) -> tuple:
    """Staff, rate, interval: hidden with the count's own mark when the count is hidden
    (a rate times the staff gives the count back), "not recorded" without a headcount."""
    if staff is None:
        return ("not recorded", "", "")
    if count.hidden:
        return (str(staff), count.label, count.label)
    found = rate_of(count.value, staff)
    interval = f"{rates.fmt(found.low)} to {rates.fmt(found.high)}"
    return (str(staff), rates.fmt(found.per_100), interval)


RATE_NOTE = (
    "Per 100 is concerns per 100 staff; the 95% range would hold the underlying rate 95 "
    "times in 100 (an exact Poisson interval). Where two ranges overlap the difference is "
    "within normal variation. Staff are the headcounts recorded for each business unit and "
    "month; where none is recorded no rate is given."
)


def _rates_by_unit_panel(f: _Figures) -> Panel | None:
    if "headcount" not in f.raw or f.scope.organisation_ids is None:
        return None
    months = [month for month, _ in f.raw["months"]]
    recorded: dict[str, list[int]] = defaultdict(list)
    for unit, _month, staff in f.raw["headcount"]:
        recorded[unit].append(staff)
    # A unit's staff over the period: the average of its recorded months.
    staff_of = {unit: round(sum(v) / len(v)) for unit, v in recorded.items()}
    units = _groups_panel(f)
    rows = []
    shown_total = units.total[0]
    whole = None
    if (
        not shown_total.hidden
        and staff_of
        and all(row.label in staff_of for row in units.rows if row.cells[0].value)
    ):
        whole = rates.rate(shown_total.value, sum(staff_of.values()))
    for row in units.rows:
        count = row.cells[0]
        staff = staff_of.get(row.label)
        cells = _rate_cells(count, staff, rates.rate)
        if staff is None or count.hidden or whole is None:
            reading = "" if staff is not None else "headcount missing"
        else:
            reading = rates.compare(
                rates.rate(count.value, staff),
                whole,
                higher="higher than the organisation as a whole",
                lower="lower than the organisation as a whole",
                rests=False,
            )
        rows.append(Row(row.label, (count, *cells, reading)))
    if not staff_of:
        rows = []
    period = "month" if len(months) == 1 else f"{len(months)} months"
    return Panel(
        key="rates",
        title="Concerns per 100 staff by business unit",
        header=("Business unit", "Concerns", "Staff", "Per 100", "95% range", "Reading"),
        rows=tuple(rows),
        chart="",
        note=f"Over the {period} shown, each unit against the organisation as a whole. "
        + RATE_NOTE
        + ("" if staff_of else " No headcount is recorded for these months yet."),
    )


def _rates_by_month_panel(f: _Figures) -> Panel | None:
    if "headcount" not in f.raw or f.scope.organisation_ids is None:
        return None
    units_recorded = {unit for unit, _, _ in f.raw["headcount"]}
    by_month: dict = defaultdict(dict)
    for unit, month, staff in f.raw["headcount"]:
        by_month[month][unit] = staff
    months = _months_panel(f)
    rows = []
    previous = None
    for (month, _), row in zip(f.raw["months"], months.rows, strict=True):
        count = row.cells[0]
        recorded = by_month.get(month, {})
        complete = units_recorded and set(recorded) == units_recorded
        staff = sum(recorded.values()) if complete else None
        cells = _rate_cells(count, staff, rates.rate)
        current = None if staff is None or count.hidden else rates.rate(count.value, staff)
        if staff is None:
            reading = (
                f"headcount recorded for {len(recorded)} of {len(units_recorded)} units"
                if recorded
                else "headcount missing"
            )
        elif current is None or previous is None:
            reading = ""
        else:
            reading = rates.compare(current, previous, higher="up", lower="down")
        rows.append(Row(row.label, (count, *cells, reading)))
        previous = current
    return Panel(
        key="rates_months",
        title="Concerns per 100 staff by month submitted",
        header=("Month submitted", "Concerns", "Staff", "Per 100", "95% range", "Reading"),
        rows=tuple(rows) if units_recorded else (),
        chart="",
        note="Each month against the month before. " + RATE_NOTE,
    )


# Every panel, in the order the page, the exports and the monthly summary show them.
PANELS: tuple[Callable[[_Figures], Panel | None], ...] = (
    _months_panel,
    _sections_panel,
    _platforms_panel,
    _use_panel,
    _groups_panel,
    _rates_by_unit_panel,
    _rates_by_month_panel,
    _findings_panel,
    _responses_panel,
    _durations_panel,
    _ageing_panel,
    _due_panel,
    _repeat_panel,
)


def _panels(
    raw: dict,
    scope: queries.ReportScope,
    *,
    drill_through: bool = False,
    forced: dict[str, set[Entry]] | None = None,
) -> list[Panel]:
    figures = _Figures(raw, scope, drill_through, forced or {}, threshold())
    return [panel for build in PANELS if (panel := build(figures)) is not None]


def _table_hide(entries: set[Entry], cols: Sequence[str]) -> dict:
    return {
        "hide": {(label, cols[i]) for label, i in entries if label is not None and i < len(cols)},
        "hide_col_totals": {cols[i] for label, i in entries if label is None and i < len(cols)},
    }
