"""Trend queries for the dashboards. All aggregation happens in the database.

Every function takes a `ReportScope` (which organisations, which filters) and
returns plain rows of counts; small-cell suppression is applied afterwards by
`reporting.suppression` so the same rows feed the page, the exports and the
monthly summary. Drafts and possible public interest disclosures (restricted
concerns) never count, and concerns HR linked as the same matter count once, under the
matter's lead concern (`incidents.selectors.counted_in_trends`). Nothing here returns an
individual concern.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Field,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Extract, TruncMonth
from django.utils import timezone

from accounts.models import BusinessUnit
from guidance.models import PlatformCategory, UseContext
from incidents.models import (
    OPEN_STATUSES,
    Concern,
    ConfirmedSection,
    Finding,
    GraduatedResponse,
    ReportedSection,
    SectionTag,
    Status,
)
from incidents.selectors import counted_in_trends

AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("Up to 7 days", 0, 7),
    ("8 to 30 days", 8, 30),
    ("31 to 90 days", 31, 90),
    ("Over 90 days", 91, None),
)


@dataclass(frozen=True)
class ReportFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    business_unit_id: int | None = None
    section_id: int | None = None
    platform_id: int | None = None


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def whole_months(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The period a report covers: from the first day of the start date's month to the
    last day of the end date's month.

    Every report is a sum of whole months, so two periods differ by whole months, never by
    a day or a week (see `reporting.dashboard` for how those months stay protected).
    """
    return (
        date_from.replace(day=1) if date_from else None,
        month_end(date_to) if date_to else None,
    )


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def describe_period(
    date_from: dt.date | None,
    date_to: dt.date | None,
    *,
    asked_from: dt.date | None = None,
    asked_to: dt.date | None = None,
) -> str:
    """One plain sentence: the dates used, and the dates asked for when they differ."""
    if date_from and date_to:
        used = f"{_day(date_from)} to {_day(date_to)}"
    elif date_from:
        used = f"{_day(date_from)} onwards"
    elif date_to:
        used = f"every month up to {_day(date_to)}"
    else:
        return "Figures cover every month with a submitted concern."
    sentence = f"Figures cover {used} (whole months)."
    if (asked_from, asked_to) != (date_from, date_to) and (asked_from or asked_to):
        if asked_from and asked_to:
            asked = f"{_day(asked_from)} to {_day(asked_to)}"
        elif asked_from:
            asked = f"from {_day(asked_from)}"
        else:
            asked = f"up to {_day(asked_to)}"
        sentence = f"You asked for {asked}. {sentence}"
    return sentence


@dataclass(frozen=True)
class ReportScope:
    """Which concerns a report counts. `organisation_ids` None means every organisation."""

    organisation_ids: tuple[int, ...] | None
    filters: ReportFilters = field(default_factory=ReportFilters)


# Said once on the dashboard and in every export (Panel.export_note).
MATTER_NOTE = "A matter reported several times is counted once, under its lead concern."


def base(scope: ReportScope) -> QuerySet[Concern]:
    queryset = (
        Concern.objects.exclude(status=Status.DRAFT)
        .filter(restricted=False)
        .filter(counted_in_trends())
    )
    if scope.organisation_ids is not None:
        queryset = queryset.filter(organisation_id__in=scope.organisation_ids)
    f = scope.filters
    if f.date_from:
        queryset = queryset.filter(submitted_at__date__gte=f.date_from)
    if f.date_to:
        queryset = queryset.filter(submitted_at__date__lte=f.date_to)
    if f.business_unit_id:
        queryset = queryset.filter(business_unit_id=f.business_unit_id)
    if f.platform_id:
        queryset = queryset.filter(platform_category_id=f.platform_id)
    if f.section_id:
        # Reported or confirmed: one EXISTS on the derived table (see SectionTag).
        queryset = queryset.filter(
            Exists(SectionTag.objects.filter(concern_id=OuterRef("pk"), section_id=f.section_id))
        )
    return queryset


def by_month(scope: ReportScope) -> list[tuple[dt.date, int]]:
    rows = (
        base(scope)
        .annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    )
    counts = {month_key(row["month"]): row["n"] for row in rows}
    return fill_months(counts, scope)


def month_key(value) -> dt.date:
    """TruncMonth gives a datetime on some backends and a date on others."""
    return value.date() if isinstance(value, dt.datetime) else value


def fill_months(counts: dict[dt.date, int], scope: ReportScope) -> list[tuple[dt.date, int]]:
    """Every month from the first (or the filter's start) to the last, gaps as zero."""
    counts = {month: n for month, n in counts.items() if n}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if scope.filters.date_from:
        first = min(first, scope.filters.date_from.replace(day=1))
    months = []
    current = first
    while current <= last:
        months.append((current, counts.get(current, 0)))
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def by_section(scope: ReportScope) -> list[tuple[str, str, int, int]]:
    """(code, title, confirmed count, reported-only count) per Code section.

    A concern HR has confirmed sections for counts under those; one not yet
    confirmed counts under the sections its reporter chose.
    """
    concerns = base(scope)
    confirmed = (
        ConfirmedSection.objects.filter(concern__in=concerns)
        .values("section__code", "section__title", "section__sort_key")
        .annotate(n=Count("concern_id", distinct=True))
    )
    unconfirmed = concerns.exclude(
        Exists(ConfirmedSection.objects.filter(concern_id=OuterRef("pk")))
    )
    reported = (
        ReportedSection.objects.filter(concern__in=unconfirmed)
        .values("section__code", "section__title", "section__sort_key")
        .annotate(n=Count("concern_id", distinct=True))
    )
    table: dict[str, list] = {}
    for row in confirmed:
        table.setdefault(
            row["section__code"], [row["section__sort_key"], row["section__title"], 0, 0]
        )[2] = row["n"]
    for row in reported:
        table.setdefault(
            row["section__code"], [row["section__sort_key"], row["section__title"], 0, 0]
        )[3] = row["n"]
    return [
        (code, title, confirmed_n, reported_n)
        for code, (_, title, confirmed_n, reported_n) in sorted(
            table.items(), key=lambda item: item[1][0]
        )
    ]


def by_platform(scope: ReportScope) -> list[tuple[str, int]]:
    rows = (
        base(scope)
        .values("platform_category__name", "platform_category__order")
        .annotate(n=Count("id"))
        .order_by("platform_category__order")
    )
    return [(row["platform_category__name"] or "Not given", row["n"]) for row in rows]


def by_use_context(scope: ReportScope, counts: dict | None = None) -> list[tuple[str, int]]:
    counts = counts or summary_counts(scope)
    return [(label, counts[f"use_{value}"]) for value, label in UseContext.choices]


def by_business_unit(scope: ReportScope) -> list[tuple[str, int]]:
    rows = (
        base(scope)
        .values("business_unit__name")
        .annotate(n=Count("id"))
        .order_by("business_unit__name")
    )
    return [(row["business_unit__name"] or "Not given", row["n"]) for row in rows]


def by_organisation(scope: ReportScope) -> list[tuple[str, int]]:
    rows = (
        base(scope)
        .values("organisation__name")
        .annotate(n=Count("id"))
        .order_by("organisation__name")
    )
    return [(row["organisation__name"], row["n"]) for row in rows]


def findings_by_section(scope: ReportScope) -> dict[tuple[str, str], int]:
    """{(section code and title, finding label): count} for findings made."""
    rows = (
        ConfirmedSection.objects.filter(concern__in=base(scope))
        .exclude(finding="")
        .values("section__code", "section__title", "finding")
        .annotate(n=Count("id"))
    )
    labels = dict(Finding.choices)
    return {
        (f"{row['section__code']} {row['section__title']}", labels[row["finding"]]): row["n"]
        for row in rows
    }


def graduated_responses(scope: ReportScope, counts: dict | None = None) -> list[tuple[str, int]]:
    counts = counts or summary_counts(scope)
    return [(label, counts[f"response_{value}"]) for value, label in GraduatedResponse.choices]


@dataclass(frozen=True)
class Duration:
    count: int
    median_days: float | None
    p90_days: float | None


class _PercentileCont(Aggregate):
    """PostgreSQL's percentile_cont over an array of fractions, in one pass."""

    template = "percentile_cont(ARRAY%(fractions)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = Field()  # a float array, passed through as the driver returns it
    contains_aggregate = True

    def __init__(self, expression, fractions: tuple[float, ...], **extra):
        super().__init__(expression, **extra)
        self.fractions = fractions

    def as_sql(self, compiler, connection, **extra_context):
        extra_context["fractions"] = "[" + ",".join(str(float(f)) for f in self.fractions) + "]"
        return super().as_sql(compiler, connection, **extra_context)


def _percentiles(queryset: QuerySet, start: str, end: str) -> Duration:
    spans = queryset.filter(**{f"{start}__isnull": False, f"{end}__isnull": False})
    if connection.vendor == "postgresql":
        seconds = Extract(F(end) - F(start), "epoch")
        result = spans.aggregate(n=Count("id"), p=_PercentileCont(seconds, fractions=(0.5, 0.9)))
        if not result["n"]:
            return Duration(0, None, None)
        median, p90 = result["p"]
        return Duration(result["n"], round(median / 86400, 1), round(p90 / 86400, 1))
    spans = spans.annotate(span=ExpressionWrapper(F(end) - F(start), output_field=DurationField()))
    count = spans.count()
    if not count:
        return Duration(0, None, None)
    ordered = spans.order_by("span").values_list("span", flat=True)

    def at(fraction: float) -> float:
        """Linear interpolation between the two nearest ranks, like percentile_cont."""
        position = fraction * (count - 1)
        low = int(position)
        values = list(ordered[low : low + 2])
        low_value = values[0].total_seconds()
        high_value = values[-1].total_seconds()
        seconds = low_value + (high_value - low_value) * (position - low)
        return round(seconds / 86400, 1)

    return Duration(count, at(0.5), at(0.9))


def imported() -> Exists:
    """Whether a concern came from a spreadsheet import. Its submission date is the one the
    spreadsheet gave, often long before it reached the app, so the times taken (to triage,
    to closure) leave it out; every count by month still includes it."""
    from imports.models import ImportedRow

    return Exists(ImportedRow.objects.filter(concern_id=OuterRef("pk")))


def _measured(queryset: QuerySet[Concern]) -> QuerySet[Concern]:
    return queryset.exclude(imported())


def time_to_triage(scope: ReportScope) -> Duration:
    return _percentiles(_measured(base(scope)), "submitted_at", "triaged_at")


def time_to_close(scope: ReportScope) -> Duration:
    return _percentiles(
        _measured(base(scope)).filter(status=Status.CLOSED), "submitted_at", "closed_at"
    )


def additive_aggregates() -> dict[str, Count]:
    """The per-concern counts that add up across months, units and platforms (rollups)."""
    open_ = Q(status__in=OPEN_STATUSES)
    aggregates = {
        "total": Count("id"),
        "open": Count("id", filter=open_),
        "escalated": Count("id", filter=~Q(escalated_for="")),
        "finished": Count("id", filter=~open_),
        "with_subject": Count("id", filter=Q(subject__isnull=False)),
    }
    for value, _ in UseContext.choices:
        aggregates[f"use_{value}"] = Count("id", filter=Q(use_context=value))
    for value, _ in GraduatedResponse.choices:
        aggregates[f"response_{value}"] = Count("id", filter=Q(graduated_response=value))
    return aggregates


def live_aggregates(today: dt.date) -> dict[str, Count]:
    """The counts that depend on today's date or do not add up (distinct employees)."""
    end_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.max))
    open_ = Q(status__in=OPEN_STATUSES)
    aggregates = {
        "open_overdue": Count("id", filter=open_ & Q(due_on__lt=today)),
        "subjects": Count("subject_id", distinct=True),
    }
    for index, (_, low, high) in enumerate(AGE_BUCKETS):
        condition = open_ & Q(submitted_at__lte=end_of_today - dt.timedelta(days=low))
        if high is not None:
            condition &= Q(submitted_at__gt=end_of_today - dt.timedelta(days=high + 1))
        aggregates[f"age_{index}"] = Count("id", filter=condition)
    return aggregates


def summary_counts(scope: ReportScope, *, today: dt.date | None = None) -> dict[str, int]:
    """Every per-concern count the dashboard needs, in one pass over the concerns."""
    today = today or timezone.localdate()
    return base(scope).aggregate(**additive_aggregates(), **live_aggregates(today))


class DirectFigures:
    """Every dashboard figure straight from the concerns (the reference for rollups)."""

    def __init__(self, scope: ReportScope):
        self.scope = scope
        self._counts: dict | None = None

    def summary_counts(self) -> dict[str, int]:
        if self._counts is None:
            self._counts = summary_counts(self.scope)
        return self._counts

    def by_month(self):
        return by_month(self.scope)

    def by_section(self):
        return by_section(self.scope)

    def by_platform(self):
        return by_platform(self.scope)

    def by_business_unit(self):
        return by_business_unit(self.scope)

    def by_organisation(self):
        return by_organisation(self.scope)

    def findings_by_section(self):
        return findings_by_section(self.scope)

    def time_to_triage(self) -> Duration:
        return time_to_triage(self.scope)

    def time_to_close(self) -> Duration:
        return time_to_close(self.scope)

    def parts(self) -> dict[tuple, dict]:
        return parts(self.scope)


def ageing(
    scope: ReportScope, *, today: dt.date | None = None, counts: dict | None = None
) -> list[tuple[str, int]]:
    counts = counts or summary_counts(scope, today=today)
    return [(label, counts[f"age_{index}"]) for index, (label, _, _) in enumerate(AGE_BUCKETS)]


def due_compliance(
    scope: ReportScope, *, today: dt.date | None = None, counts: dict | None = None
) -> dict[str, int]:
    counts = counts or summary_counts(scope, today=today)
    return {key: counts[key] for key in ("open", "open_overdue", "escalated", "finished")}


def repeat_concerns(scope: ReportScope, counts: dict | None = None) -> dict[str, int]:
    """How many concerns in scope are about an employee with an earlier one in scope.

    Every concern about an employee after their first counts once, so this is the
    number of concerns with a named employee less the number of employees. A number
    only: nobody is named.
    """
    counts = counts or summary_counts(scope)
    return {
        "with_subject": counts["with_subject"],
        "repeat": counts["with_subject"] - counts["subjects"],
    }


# --- Parts: one organisation's figures for one month ----------------------------------


def empty_part() -> dict:
    """The figures of one organisation in one month, keyed by the labels the panels show."""
    return {
        "organisation": "",
        "total": 0,
        "platforms": defaultdict(int),
        "units": defaultdict(int),
        "counts": defaultdict(int),
        "triage_n": 0,
        "close_n": 0,
        "confirmed": defaultdict(int),
        "reported": defaultdict(int),
        "findings": defaultdict(int),
    }


def parts(scope: ReportScope, *, today: dt.date | None = None) -> dict[tuple, dict]:
    """{(organisation id, month): figures} for every month and organisation in scope,
    in five grouped queries (the figures of `DirectFigures`, split by part)."""
    today = today or timezone.localdate()
    concerns = base(scope).annotate(month=TruncMonth("submitted_at"))
    live = {k: v for k, v in live_aggregates(today).items() if k != "subjects"}
    out: dict[tuple, dict] = defaultdict(empty_part)
    rows = (
        concerns.values(
            "organisation_id",
            "organisation__name",
            "month",
            "business_unit__name",
            "platform_category__name",
        )
        .annotate(
            **additive_aggregates(),
            **live,
            triage_n=Count("id", filter=Q(~imported(), triaged_at__isnull=False)),
            close_n=Count(
                "id", filter=Q(~imported(), status=Status.CLOSED, closed_at__isnull=False)
            ),
        )
        .order_by()
    )
    names = (*additive_aggregates(), *live)
    for row in rows:
        part = out[(row["organisation_id"], month_key(row["month"]))]
        part["organisation"] = row["organisation__name"]
        part["total"] += row["total"]
        part["platforms"][row["platform_category__name"] or "Not given"] += row["total"]
        part["units"][row["business_unit__name"] or "Not given"] += row["total"]
        for name in names:
            part["counts"][name] += row[name]
        part["triage_n"] += row["triage_n"]
        part["close_n"] += row["close_n"]
    for row in (
        concerns.values("organisation_id", "month")
        .annotate(subjects=Count("subject_id", distinct=True))
        .order_by()
    ):
        out[(row["organisation_id"], month_key(row["month"]))]["counts"]["subjects"] = row[
            "subjects"
        ]

    def by_concern(model, queryset, name: str) -> None:
        grouped = (
            queryset.annotate(month=TruncMonth("concern__submitted_at"))
            .values("concern__organisation_id", "month", "section__code", "section__title")
            .annotate(n=Count("concern_id", distinct=True))
            .order_by()
        )
        for row in grouped:
            key = (row["concern__organisation_id"], month_key(row["month"]))
            out[key][name][(row["section__code"], row["section__title"])] += row["n"]

    scoped = base(scope)
    by_concern(ConfirmedSection, ConfirmedSection.objects.filter(concern__in=scoped), "confirmed")
    unconfirmed = scoped.exclude(Exists(ConfirmedSection.objects.filter(concern_id=OuterRef("pk"))))
    by_concern(ReportedSection, ReportedSection.objects.filter(concern__in=unconfirmed), "reported")
    labels = dict(Finding.choices)
    for row in (
        ConfirmedSection.objects.filter(concern__in=scoped)
        .exclude(finding="")
        .annotate(month=TruncMonth("concern__submitted_at"))
        .values("concern__organisation_id", "month", "section__code", "section__title", "finding")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (row["concern__organisation_id"], month_key(row["month"]))
        label = f"{row['section__code']} {row['section__title']}"
        out[key]["findings"][(label, labels[row["finding"]])] += row["n"]
    return dict(out)


def platform_ids() -> dict[str, int]:
    """Name → id, for drill-through links."""
    return dict(PlatformCategory.objects.values_list("name", "pk"))


def unit_ids(scope: ReportScope) -> dict[str, int]:
    units = BusinessUnit.objects.all()
    if scope.organisation_ids is not None:
        units = units.filter(organisation_id__in=scope.organisation_ids)
    return dict(units.values_list("name", "pk"))


def headcounts(scope: ReportScope, months: list[dt.date]) -> list[tuple[str, dt.date, int]]:
    """(business unit name, month, staff) recorded for the scope's one organisation in the
    report's months, in one query; empty for the sector or several organisations."""
    from accounts.models import Headcount

    if scope.organisation_ids is None or len(scope.organisation_ids) != 1 or not months:
        return []
    rows = Headcount.objects.filter(
        organisation_id=scope.organisation_ids[0], month__gte=min(months), month__lte=max(months)
    )
    if scope.filters.business_unit_id:
        rows = rows.filter(business_unit_id=scope.filters.business_unit_id)
    return list(rows.order_by("month").values_list("business_unit__name", "month", "staff"))
