"""Reads. Lists start from the permission module's scoping functions."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

from audit.models import AccessRecord, Event
from incidents import permissions
from incidents.models import OPEN_STATUSES, Concern, Note, SectionTag

SORTS = {
    "newest": ("-submitted_at", "-pk"),
    "oldest": ("submitted_at", "pk"),
    "due": ("due_on", "pk"),
    "reference": ("reference", "pk"),
}


def work_queue(user, filters: dict | None = None) -> QuerySet[Concern]:
    """HR's list: the permission-scoped concerns, filtered, searched and sorted."""
    filters = filters or {}
    queryset = permissions.hr_concerns(user).select_related(
        "platform_category", "business_unit", "subject", "assignee"
    )
    queue = filters.get("queue") or "all"
    today = timezone.localdate()
    if queue == "unassigned":
        queryset = queryset.filter(assignee__isnull=True, status__in=OPEN_STATUSES)
    elif queue == "mine":
        queryset = queryset.filter(assignee=user)
    elif queue == "overdue":
        queryset = queryset.filter(status__in=OPEN_STATUSES, due_on__lt=today)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("section"):
        # One EXISTS on the derived (concern, section) table, not joins and DISTINCT (a
        # sort of every match) nor two EXISTS joined by OR (a hash of every match): the
        # database walks the newest concerns probing its index, or starts from the
        # section's rows when they are few. See SectionTag.
        queryset = queryset.filter(
            Exists(SectionTag.objects.filter(concern_id=OuterRef("pk"), section=filters["section"]))
        )
    if filters.get("platform"):
        queryset = queryset.filter(platform_category=filters["platform"])
    if filters.get("unit"):
        queryset = queryset.filter(business_unit=filters["unit"])
    if filters.get("risk"):
        queryset = queryset.filter(risk_rating=filters["risk"])
    if filters.get("submitted_from"):
        queryset = queryset.filter(submitted_at__date__gte=filters["submitted_from"])
    if filters.get("submitted_to"):
        queryset = queryset.filter(submitted_at__date__lte=filters["submitted_to"])
    term = (filters.get("q") or "").strip()
    if term:
        queryset = queryset.filter(
            Q(reference__icontains=term)
            | Q(subject__full_name__icontains=term)
            | Q(platform_name__icontains=term)
        )
    return queryset.order_by(*SORTS.get(filters.get("sort") or "newest", SORTS["newest"]))


QUEUE_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """Counts no further than `cap` rows (40 pages of 25), so "page N of M" never counts
    every concern of a large organisation: past the cap the queue says "more than" and
    pages stop there (the filters reach the rest).

    One query reads the ordered ids, at most cap + 1 of them, which the database answers
    by walking its index and stopping there; they give the count, and the page is then
    read by its own ids. A filter that makes the database build a large set first (a
    Code section carried by a quarter of all concerns) is so paid for once, not twice.
    """

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = QUEUE_COUNT_CAP if cap is None else cap

    @cached_property
    def _ids(self) -> list:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return list(rows.values_list("pk", flat=True)[: self.cap + 1])
        return list(range(min(len(rows), self.cap + 1)))

    @cached_property
    def count(self) -> int:
        return min(len(self._ids), self.cap)

    @property
    def capped(self) -> bool:
        return len(self._ids) > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Still the scoped, filtered, ordered queryset: only the ids narrow it.
            return self._get_page(list(rows.filter(pk__in=self._ids[bottom:top])), number, self)
        return self._get_page(rows[bottom:top], number, self)


def timeline(concern: Concern) -> QuerySet[Event]:
    return Event.objects.filter(concern=concern).select_related("actor").order_by("at", "seq")


def timeline_newest_first(concern: Concern) -> QuerySet[Event]:
    """The concern's events, the latest first: the page shows a slice of it (one query,
    however long the history), the paged timeline the rest."""
    return timeline(concern).reverse()


def notes(concern: Concern) -> QuerySet[Note]:
    return Note.objects.filter(concern=concern).select_related("author").order_by("created_at")


def access_log(concern: Concern) -> QuerySet[AccessRecord]:
    return (
        AccessRecord.objects.filter(concern=concern).select_related("user").order_by("-at", "-pk")
    )
