"""Pre-aggregated dashboard figures (rollups), so the dashboard reads a few hundred rows
instead of scanning every concern.

`ReportRollup` holds, per organisation, month of submission, business unit and platform:
the counts that add up (total, open, finished, escalated, with a named employee, by use,
by response), the confirmed, reported-only and findings counts per Code section, and, as
sorted packed arrays, what does not add up or depends on today's date: employee ids
(distinct employees), submission-to-triage and submission-to-closure seconds (medians and
90th percentiles, worked out exactly as PostgreSQL's percentile_cont does), and the
submission times and due dates of open concerns (ageing, overdue). The same cells are
kept once more per Code section (the concerns whose reported or confirmed sections
include it), which is what the dashboard's section filter selects.

Rollups are recounted from the concerns, never adjusted by the workflow: every change to
a concern leaves an `Event` in its organisation's hash chain, so `refresh_changed()` (the
beat job `incidents.tasks.refresh_report_rollups`, every minute) reads the events since
its last run, finds the months of submission they touched and recounts just those months.
A full rebuild (`manage.py rebuild_report_rollups`, and the nightly beat job
`incidents.tasks.rebuild_report_rollups`) recounts every month.

The dashboard uses rollups for an organisation only while a refresh has recorded that they
are current (`ReportRollupState.refreshed_at` in the last `REPORT_ROLLUP_MAX_AGE` seconds,
default 900); otherwise it counts straight from the concerns, as before. The mark is in
the database, not the cache, so a Redis outage costs the cached panels only, never the
rollups. A date filter that starts or
ends inside a month takes whole months from the rollups and counts the days of the cut
months from the concerns with the same code that builds the rollups, so every figure is
identical to the direct queries (tests/reporting/test_rollups.py compares them on
SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import BusinessUnit, Organisation
from audit.models import Event, EventChainHead
from guidance.models import CodeSection, PlatformCategory, UseContext
from incidents.models import (
    OPEN_STATUSES,
    Concern,
    ConfirmedSection,
    Finding,
    GraduatedResponse,
    ReportedSection,
    Status,
)

from . import queries
from .models import ReportRollup, ReportRollupState

logger = logging.getLogger(__name__)

Key = tuple[int, dt.date, int | None, int | None]  # organisation, month, unit, platform
ADDITIVE = tuple(queries.additive_aggregates())


def max_age() -> int:
    return settings.REPORT_ROLLUP_MAX_AGE


# --- Counting -----------------------------------------------------------------------------


def _month_start(month: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(month.replace(day=1), dt.time.min))


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _in_months(concerns: QuerySet[Concern], months: Iterable[dt.date]) -> QuerySet[Concern]:
    condition = Q(pk__in=[])
    for month in sorted(set(months)):
        condition |= Q(
            submitted_at__gte=_month_start(month),
            submitted_at__lt=_month_start(_next_month(month)),
        )
    return concerns.filter(condition)


# --- Building -----------------------------------------------------------------------------


SAMPLES = ("subject_ids", "triage_seconds", "close_seconds", "open_submitted", "open_due")
SAMPLE_TYPES = {
    "subject_ids": "q",
    "triage_seconds": "d",
    "close_seconds": "d",
    "open_submitted": "q",
    "open_due": "q",
}
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MICROSECOND = dt.timedelta(microseconds=1)


def _empty() -> dict:
    return {
        **dict.fromkeys(ADDITIVE, 0),
        "confirmed": {},
        "reported_only": {},
        "findings": {},
        **{name: [] for name in SAMPLES},
    }


def count(concerns: QuerySet[Concern]) -> dict[tuple[int | None, Key], dict]:
    """Every rollup cell of `concerns`, for every section variant, from three plain reads.

    Keys are (section or None, (organisation, month, unit, platform)). A cell holds the
    additive counts, the section breakdowns and the samples (sorted lists) from which
    distinct employees, durations, ageing and overdue are worked out exactly when read.
    `concerns` is a `queries.base()` queryset. The tests compare the figures with the
    direct queries.
    """
    zone = timezone.get_current_timezone()
    open_statuses = set(OPEN_STATUSES)
    uses = [value for value, _ in UseContext.choices]
    responses = [value for value, _ in GraduatedResponse.choices]
    facts: dict[int, tuple[Key, dict[str, int], dict[str, object]]] = {}
    fields = (
        "pk",
        "organisation_id",
        "submitted_at",
        "business_unit_id",
        "platform_category_id",
        "status",
        "escalated_for",
        "subject_id",
        "use_context",
        "graduated_response",
        "triaged_at",
        "closed_at",
        "due_on",
        "from_import",
    )
    for (
        pk,
        org,
        submitted,
        unit,
        platform,
        status,
        escalated,
        subject,
        use,
        response,
        triaged,
        closed,
        due,
        from_import,
    ) in (
        concerns.annotate(from_import=queries.imported())
        .order_by()
        .values_list(*fields)
        .iterator(chunk_size=20000)
    ):
        if submitted is None:
            continue  # never the case for a submitted concern; TruncMonth would give none
        month = submitted.astimezone(zone).date().replace(day=1)
        is_open = status in open_statuses
        add = {
            "total": 1,
            "open": int(is_open),
            "escalated": int(escalated != ""),
            "finished": int(not is_open),
            "with_subject": int(subject is not None),
        }
        for value in uses:
            add[f"use_{value}"] = int(use == value)
        for value in responses:
            add[f"response_{value}"] = int(response == value)
        samples = {
            "subject_ids": subject,
            # Imported concerns carry the spreadsheet's dates: no time taken is measured.
            "triage_seconds": (triaged - submitted).total_seconds()
            if triaged and not from_import
            else None,
            "close_seconds": (closed - submitted).total_seconds()
            if closed and status == Status.CLOSED and not from_import
            else None,
            "open_submitted": (submitted - EPOCH) // MICROSECOND if is_open else None,
            "open_due": due.toordinal() if is_open and due is not None else None,
        }
        facts[pk] = ((org, month, unit, platform), add, samples)
    confirmed: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for concern_id, section_id, finding in (
        ConfirmedSection.objects.filter(concern__in=concerns)
        .order_by()
        .values_list("concern_id", "section_id", "finding")
        .iterator(chunk_size=20000)
    ):
        confirmed[concern_id].append((section_id, finding))
    reported: dict[int, list[int]] = defaultdict(list)
    for concern_id, section_id in (
        ReportedSection.objects.filter(concern__in=concerns)
        .order_by()
        .values_list("concern_id", "section_id")
        .iterator(chunk_size=20000)
    ):
        reported[concern_id].append(section_id)

    out: dict[tuple[int | None, Key], dict] = defaultdict(_empty)
    for pk, (key, add, samples) in facts.items():
        mine = confirmed.get(pk, [])
        theirs = reported.get(pk, [])
        variants = {None} | {section for section, _ in mine} | set(theirs)
        for variant in variants:
            cell = out[(variant, key)]
            for name, n in add.items():
                cell[name] += n
            for name, value in samples.items():
                if value is not None:
                    cell[name].append(value)
            if mine:
                for section, finding in mine:
                    name = str(section)
                    cell["confirmed"][name] = cell["confirmed"].get(name, 0) + 1
                    if finding:
                        name = f"{section}|{finding}"
                        cell["findings"][name] = cell["findings"].get(name, 0) + 1
            else:
                for section in theirs:
                    name = str(section)
                    cell["reported_only"][name] = cell["reported_only"].get(name, 0) + 1
    for cell in out.values():
        for name in SAMPLES:
            cell[name].sort()
    return dict(out)


def pack(values: list, name: str) -> bytes:
    return array(SAMPLE_TYPES[name], values).tobytes()


NUMPY_TYPES = {"q": np.int64, "d": np.float64}


def unpack(data, name: str) -> np.ndarray:
    """A packed sample as a read-only NumPy array over the same bytes (no copy)."""
    return np.frombuffer(data, dtype=NUMPY_TYPES[SAMPLE_TYPES[name]])


def _rows(organisation_id: int, months: set[dt.date] | None) -> list[ReportRollup]:
    concerns = queries.base(queries.ReportScope(organisation_ids=(organisation_id,)))
    if months is not None:
        concerns = _in_months(concerns, months)
    rows = []
    for (section_id, (org, month, unit, platform)), cell in count(concerns).items():
        rows.append(
            ReportRollup(
                organisation_id=org,
                month=month,
                business_unit_id=unit,
                platform_category_id=platform,
                section_id=section_id,
                counts={k: v for k, v in cell.items() if k not in SAMPLES},
                **{name: pack(cell[name], name) for name in SAMPLES},
            )
        )
    return rows


def refresh(organisation_id: int, months: set[dt.date] | None = None) -> int:
    """Recount an organisation's rollups: the given months of submission, or all of them.

    Locks the organisation's state row, so two refreshes of one organisation take turns.
    Returns the number of rows written.
    """
    with transaction.atomic():
        ReportRollupState.objects.get_or_create(organisation_id=organisation_id)
        state = ReportRollupState.objects.select_for_update().get(organisation_id=organisation_id)
        # Read the chain head first: everything up to it is counted below.
        seq = (
            EventChainHead.objects.filter(organisation_id=organisation_id)
            .values_list("seq", flat=True)
            .first()
            or 0
        )
        rows = _rows(organisation_id, months)
        stale = ReportRollup.objects.filter(organisation_id=organisation_id)
        if months is not None:
            stale = stale.filter(month__in=sorted(months))
        stale.delete()
        ReportRollup.objects.bulk_create(rows, batch_size=2000)
        state.event_seq = seq
        state.refreshed_at = timezone.now()
        state.save(update_fields=["event_seq", "refreshed_at"])
    return len(rows)


def refresh_changed(organisation_id: int) -> int:
    """Recount only the months touched by events since the last refresh. Rows written."""
    state = ReportRollupState.objects.filter(organisation_id=organisation_id).first()
    if state is None:
        return refresh(organisation_id)
    seq = (
        EventChainHead.objects.filter(organisation_id=organisation_id)
        .values_list("seq", flat=True)
        .first()
        or 0
    )
    if seq <= state.event_seq:
        ReportRollupState.objects.filter(pk=state.pk).update(refreshed_at=timezone.now())
        return 0
    touched = Event.objects.filter(
        organisation_id=organisation_id,
        seq__gt=state.event_seq,
        seq__lte=seq,
        concern__isnull=False,
    ).values("concern_id")
    # A concern that changed can change which concern stands for its matter (linking,
    # restriction), so every concern sharing a matter with it is recounted too.
    matters = Concern.objects.filter(pk__in=touched, matter__isnull=False).values("matter_id")
    months = {
        queries.month_key(month)
        for month in Concern.objects.filter(
            Q(pk__in=touched) | Q(matter_id__in=matters), submitted_at__isnull=False
        )
        .annotate(month=TruncMonth("submitted_at"))
        .values_list("month", flat=True)
        .distinct()
    }
    return refresh(organisation_id, months)


def refresh_all(*, full: bool = False) -> dict[int, int]:
    """Refresh every organisation (the beat job); rows written per organisation."""
    written = {}
    for organisation_id in Organisation.objects.order_by("pk").values_list("pk", flat=True):
        written[organisation_id] = (
            refresh(organisation_id) if full else refresh_changed(organisation_id)
        )
    return written


def forget() -> None:
    """Stop using rollups until the next refresh (tests, and after restoring a backup)."""
    ReportRollupState.objects.update(refreshed_at=EPOCH)


# --- Reading -----------------------------------------------------------------------------


def is_current(scope: queries.ReportScope) -> bool:
    """Whether a refresh in the last `REPORT_ROLLUP_MAX_AGE` seconds recorded the scope's
    rollups as current. The mark is each organisation's `ReportRollupState.refreshed_at`,
    written in the refresh's own transaction, so it is in the database with the rollups
    and a cache outage cannot hide it: one query on a table of one row per organisation.
    The sector is current when every organisation is."""
    if not getattr(settings, "REPORT_ROLLUPS", True):
        return False
    fresh = ReportRollupState.objects.filter(
        refreshed_at__gte=timezone.now() - dt.timedelta(seconds=max_age())
    )
    if scope.organisation_ids is None:
        return not Organisation.objects.exclude(pk__in=fresh.values("organisation_id")).exists()
    wanted = set(scope.organisation_ids)
    return fresh.filter(organisation_id__in=wanted).count() == len(wanted)


def figures(scope: queries.ReportScope) -> RollupFigures | queries.DirectFigures:
    """The dashboard's figures: from rollups when current, else from the concerns."""
    if is_current(scope):
        return RollupFigures(scope)
    return queries.DirectFigures(scope)


def _whole_months(f: queries.ReportFilters) -> tuple[dt.date | None, dt.date | None, list]:
    """(first whole month, last whole month, partial windows as (from, to) dates)."""
    partial = []
    first = last = None
    if f.date_from:
        first = f.date_from.replace(day=1)
        if f.date_from.day != 1:
            end = _next_month(first) - dt.timedelta(days=1)
            partial.append((f.date_from, min(end, f.date_to) if f.date_to else end))
            first = _next_month(first)
    if f.date_to:
        last = f.date_to.replace(day=1)
        if _next_month(last) - dt.timedelta(days=1) != f.date_to:
            start = last
            if f.date_from and f.date_from > start:
                start = None  # already counted with the start month
            if start is not None:
                partial.append((start, f.date_to))
            last = (last - dt.timedelta(days=1)).replace(day=1)
    return first, last, partial


def _ranks(count: int, fraction: float) -> tuple[int, int, float]:
    position = fraction * (count - 1)
    return math.floor(position), math.ceil(position), position


def percentile_cont(ordered, fraction: float) -> float:
    """PostgreSQL's percentile_cont over sorted values, step for step (same float result)."""
    first_row, second_row, position = _ranks(len(ordered), fraction)
    first = float(ordered[first_row])
    if second_row == first_row:
        return first
    second = float(ordered[second_row])
    return first + (second - first) * (position - first_row)


def _duration(values: np.ndarray) -> queries.Duration:
    """Median and 90th percentile in days. Only the ranks the two percentiles read are put
    in place (a partial sort), which gives the same values as sorting everything."""
    if not len(values):
        return queries.Duration(0, None, None)
    wanted = sorted({rank for f in (0.5, 0.9) for rank in _ranks(len(values), f)[:2]})
    placed = np.partition(values, wanted)
    median, p90 = percentile_cont(placed, 0.5), percentile_cont(placed, 0.9)
    return queries.Duration(len(values), round(median / 86400, 1), round(p90 / 86400, 1))


def _distinct(ids: np.ndarray) -> int:
    """How many different ids. A flag per possible id when the ids are dense enough (as
    database ids are), which is far quicker than sorting them."""
    if not len(ids):
        return 0
    largest = int(ids.max())
    if int(ids.min()) >= 0 and largest <= 8 * len(ids) + 1_000_000:
        seen = np.zeros(largest + 1, dtype=bool)
        seen[ids] = True
        return int(np.count_nonzero(seen))
    return int(np.unique(ids).size)


class RollupFigures:
    """The dashboard's figures from rollups (and, for months a date filter cuts, from the
    concerns of those days); the same values as `queries.DirectFigures`."""

    def __init__(self, scope: queries.ReportScope, *, today: dt.date | None = None):
        self.scope = scope
        self.today = today
        self._keys: list[Key] | None = None
        self._cells: list[dict] | None = None
        self._samples: dict[str, list] | None = None
        self._merged: dict | None = None
        self._names: dict[str, dict] = {}  # labels read by the figures, reused by `parts`

    # Gathering

    def _load(self) -> None:
        if self._cells is not None:
            return
        scope, f = self.scope, self.scope.filters
        first, last, partial = _whole_months(f)
        keys: list[Key] = []
        cells: list[dict] = []
        samples: dict[str, list] = {name: [] for name in SAMPLES}
        if first is None or last is None or first <= last:
            rows = ReportRollup.objects.all()
            if scope.organisation_ids is not None:
                rows = rows.filter(organisation_id__in=scope.organisation_ids)
            if f.section_id:
                rows = rows.filter(section_id=f.section_id)
            else:
                rows = rows.filter(section__isnull=True)
            if f.business_unit_id:
                rows = rows.filter(business_unit_id=f.business_unit_id)
            if f.platform_id:
                rows = rows.filter(platform_category_id=f.platform_id)
            if first:
                rows = rows.filter(month__gte=first)
            if last:
                rows = rows.filter(month__lte=last)
            columns = ("organisation_id", "month", "business_unit_id", "platform_category_id")
            for row in rows.values_list(*columns, "counts", *SAMPLES):
                keys.append(row[:4])
                cells.append(row[4])
                for name, data in zip(SAMPLES, row[5:], strict=True):
                    samples[name].append(unpack(data, name))
        for start, end in partial:
            window = queries.ReportScope(
                organisation_ids=scope.organisation_ids,
                filters=queries.ReportFilters(
                    date_from=start,
                    date_to=end,
                    business_unit_id=f.business_unit_id,
                    section_id=f.section_id,
                    platform_id=f.platform_id,
                ),
            )
            # The same days as a range on submitted_at too, which the database can find
            # through its (organisation, submitted_at) index; the date filter stays.
            days = queries.base(window).filter(
                submitted_at__gte=timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
                submitted_at__lt=timezone.make_aware(
                    dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
                ),
            )
            for (variant, key), cell in count(days).items():
                if variant is not None:
                    continue  # the window is already filtered by section
                keys.append(key)
                cells.append(cell)
                for name in SAMPLES:
                    samples[name].append(cell[name])
        self._keys, self._cells, self._samples = keys, cells, samples

    def _sample(self, name: str) -> np.ndarray:
        """One sample over every cell, in no particular order."""
        self._load()
        dtype = NUMPY_TYPES[SAMPLE_TYPES[name]]
        parts = [np.asarray(values, dtype=dtype) for values in self._samples[name]]
        return np.concatenate(parts) if parts else np.empty(0, dtype=dtype)

    def _sum_by(self, index: int | None) -> dict:
        self._load()
        out: dict = defaultdict(int)
        for key, cell in zip(self._keys, self._cells, strict=True):
            out[None if index is None else key[index]] += cell["total"]
        return out

    # The figures

    def summary_counts(self) -> dict[str, int]:
        if self._merged is None:
            self._load()
            merged = dict.fromkeys(ADDITIVE, 0)
            for cell in self._cells:
                for name in ADDITIVE:
                    merged[name] += cell.get(name, 0)
            today = self.today or timezone.localdate()
            due = self._sample("open_due")
            merged["open_overdue"] = int(np.count_nonzero(due < today.toordinal()))
            submitted = self._sample("open_submitted")
            end_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.max))

            def at_or_before(days: int) -> int:
                moment = (end_of_today - dt.timedelta(days=days) - EPOCH) // MICROSECOND
                return int(np.count_nonzero(submitted <= moment))

            for index, (_, low, high) in enumerate(queries.AGE_BUCKETS):
                older = at_or_before(high + 1) if high is not None else 0
                merged[f"age_{index}"] = at_or_before(low) - older
            merged["subjects"] = _distinct(self._sample("subject_ids"))
            self._merged = merged
        return self._merged

    def by_month(self):
        return queries.fill_months(self._sum_by(1), self.scope)

    def by_section(self):
        self._load()
        confirmed: dict[int, int] = defaultdict(int)
        reported: dict[int, int] = defaultdict(int)
        for cell in self._cells:
            for section, n in cell["confirmed"].items():
                confirmed[int(section)] += n
            for section, n in cell["reported_only"].items():
                reported[int(section)] += n
        ids = {pk for pk, n in confirmed.items() if n} | {pk for pk, n in reported.items() if n}
        if not ids:
            return []
        sections = list(
            CodeSection.objects.filter(pk__in=ids)
            .order_by("sort_key")
            .only("pk", "code", "title", "sort_key")
        )
        self._names["section"] = {s.pk: (s.code, s.title) for s in sections}
        return [(s.code, s.title, confirmed.get(s.pk, 0), reported.get(s.pk, 0)) for s in sections]

    def _named(self, counts: dict, queryset, order: str) -> list[tuple[str, int]]:
        rows, result = self._named_rows(counts, queryset, order)
        self._names[queryset.model._meta.model_name] = rows
        return result

    def _named_rows(self, counts: dict, queryset, order: str):
        """Rows by name, as the direct queries group them (two units of different
        organisations with one name are one row), in the database's own order (its
        collation); unknown last or first as the database puts NULLs (PostgreSQL last,
        SQLite first)."""
        counts = {key: n for key, n in counts.items() if n}
        named: dict[str, int] = {}
        rows = queryset.filter(pk__in=[k for k in counts if k is not None]).order_by(order, "pk")
        names = dict(rows.values_list("pk", "name"))
        for pk, name in names.items():
            named[name] = named.get(name, 0) + counts[pk]
        result = list(named.items())
        if None in counts:
            missing = ("Not given", counts[None])
            result = [*result, missing] if connection.vendor == "postgresql" else [missing, *result]
        return {None: "Not given", **names}, result

    def by_platform(self):
        return self._named(self._sum_by(3), PlatformCategory.objects.all(), "order")

    def by_business_unit(self):
        return self._named(self._sum_by(2), BusinessUnit.objects.all(), "name")

    def by_organisation(self):
        return self._named(self._sum_by(0), Organisation.objects.all(), "name")

    def findings_by_section(self):
        self._load()
        totals: dict[tuple[int, str], int] = defaultdict(int)
        for cell in self._cells:
            for name, n in cell["findings"].items():
                section, finding = name.split("|", 1)
                totals[(int(section), finding)] += n
        if not totals:
            return {}
        labels = dict(Finding.choices)
        sections = {
            s.pk: f"{s.code} {s.title}"
            for s in CodeSection.objects.filter(pk__in={s for s, _ in totals}).only(
                "pk", "code", "title"
            )
        }
        return {
            (sections[section], labels[finding]): n for (section, finding), n in totals.items() if n
        }

    def parts(self) -> dict[tuple, dict]:
        """{(organisation id, month): figures}, as `queries.parts` gives them, from the
        rows already read (no query). Call after the figures whose names it uses."""
        self._load()
        indexes: dict[tuple, list[int]] = defaultdict(list)
        for index, key in enumerate(self._keys):
            indexes[(key[0], key[1])].append(index)
        platforms = self._names.get("platformcategory", {})
        units = self._names.get("businessunit", {})
        organisations = self._names.get("organisation", {})
        sections = self._names.get("section", {})
        labels = dict(Finding.choices)
        out = {}
        for (org, month), chosen in indexes.items():
            part_figures = RollupFigures(self.scope, today=self.today)
            part_figures._keys = [self._keys[i] for i in chosen]
            part_figures._cells = [self._cells[i] for i in chosen]
            part_figures._samples = {
                name: [values[i] for i in chosen] for name, values in self._samples.items()
            }
            part = queries.empty_part()
            part["organisation"] = organisations.get(org, "")
            part["counts"].update(part_figures.summary_counts())
            part["triage_n"] = len(part_figures._sample("triage_seconds"))
            part["close_n"] = len(part_figures._sample("close_seconds"))
            for key, cell in zip(part_figures._keys, part_figures._cells, strict=True):
                part["total"] += cell["total"]
                part["platforms"][platforms.get(key[3], "")] += cell["total"]
                part["units"][units.get(key[2], "")] += cell["total"]
                for name in ("confirmed", "reported_only"):
                    for section, n in cell[name].items():
                        if n:
                            part[name.removesuffix("_only")][sections[int(section)]] += n
                for name, n in cell["findings"].items():
                    section, finding = name.split("|", 1)
                    code, title = sections.get(int(section), ("", ""))
                    part["findings"][(f"{code} {title}", labels[finding])] += n
            out[(org, month)] = part
        return out

    def time_to_triage(self) -> queries.Duration:
        return _duration(self._sample("triage_seconds"))

    def time_to_close(self) -> queries.Duration:
        return _duration(self._sample("close_seconds"))
