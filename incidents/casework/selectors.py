"""Reads. Lists start from the permission module's scoping functions."""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import cached_property

from audit.models import AccessRecord, Event
from incidents import permissions
from incidents.models import OPEN_STATUSES, Concern, Note, Person, SectionTag

SORTS = {
    "newest": ("-submitted_at", "-pk"),
    "oldest": ("submitted_at", "pk"),
    "due": ("due_on", "pk"),
    "reference": ("reference", "pk"),
}
QUEUE_RELATED = ("platform_category", "business_unit", "subject", "assignee")
# Best match first when there is a search (ranked on PostgreSQL); otherwise newest first.
RELEVANCE = "relevance"
# The words of a concern and of its notes as PostgreSQL indexes them: the expressions of
# the GIN indexes made in incidents/migrations/0012_full_text_search.py. A query must use
# the very same expression (configuration included) for the index to serve it.
SEARCH_CONFIG = "english"
NOTE_MATCH = 0.05  # added to a concern's rank when one of its notes matches the search


def concern_words() -> SearchVector:
    return SearchVector("description", config=SEARCH_CONFIG)


def note_words() -> SearchVector:
    return SearchVector("text", config=SEARCH_CONFIG)


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


def work_queue(user, filters: dict | None = None) -> QuerySet[Concern]:
    """HR's list: the permission-scoped concerns, filtered, searched and sorted."""
    filters = filters or {}
    queryset = permissions.hr_concerns(user).select_related(*QUEUE_RELATED)
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
    sort = filters.get("sort") or RELEVANCE
    if term:
        queryset = queryset.filter(_search_q(term, organisation_id=user.organisation_id))
        if sort == RELEVANCE and full_text_search():
            return _best_matches_first(queryset, term)
    return queryset.order_by(*SORTS.get(sort, SORTS["newest"]))


def _search_q(term: str, *, organisation_id: int | None) -> Q:
    """Reference, employee and platform by their letters; the description and HR's notes
    by their words (PostgreSQL full-text search, English stemming: "posting" finds
    "posted"), or by their letters on SQLite.

    Only ever narrows the person's permission-scoped list: a concern they may not open
    (restricted, another's case, a draft) is not in it, so neither its words nor its
    notes' words can find it. Whoever may open a concern's full record reads its notes,
    so a note's words find only concerns whose notes the person may read. On PostgreSQL
    each set of words is looked up through its own GIN index, as a list of ids the
    list's query probes, not an OR that no index can serve.
    """
    # The employee as a list of ids (read once), not a join the list walks row by row.
    people = Person.objects.filter(
        organisation_id=organisation_id, full_name__icontains=term
    ).values("pk")
    matched = (
        Q(reference__icontains=term) | Q(subject_id__in=people) | Q(platform_name__icontains=term)
    )
    if not full_text_search():
        return (
            matched
            | Q(description__icontains=term)
            | Q(pk__in=Note.objects.filter(text__icontains=term).values("concern_id"))
        )
    return matched | Q(pk__in=_by_description(term)) | Q(pk__in=_by_notes(term))


def _words_query(term: str) -> SearchQuery:
    # websearch: quotes, "or" and a leading "-" mean what they do in a web search, and no
    # input is a syntax error.
    return SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")


def _by_description(term: str) -> QuerySet:
    words = Concern.objects.annotate(words=concern_words())
    return words.filter(words=_words_query(term)).values("pk")


def _by_notes(term: str) -> QuerySet:
    words = Note.objects.annotate(words=note_words())
    return words.filter(words=_words_query(term)).values("concern_id")


def _best_matches_first(queryset: QuerySet[Concern], term: str) -> QuerySet[Concern]:
    """The matches ranked (SearchRank of the description, a little more when a note
    matches too), best first.

    Ranking reads each match's description again, so it is given the newest matches the
    queue can page through (QUEUE_COUNT_CAP + 1, found by walking the list's index),
    never every match of a broad word: past the cap the queue already asks for narrower
    filters. The ids come from the permission-scoped list, so the outer query adds
    nothing the person may not see.
    """
    newest = queryset.order_by(*SORTS["newest"]).values("pk")[: QUEUE_COUNT_CAP + 1]
    query = _words_query(term)
    return (
        Concern.objects.filter(pk__in=newest)
        .select_related(*QUEUE_RELATED)
        .annotate(
            rank=SearchRank(concern_words(), query)
            + Case(When(pk__in=_by_notes(term), then=Value(NOTE_MATCH)), default=Value(0.0))
        )
        .order_by("-rank", *SORTS["newest"])
    )


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
