"""Reads every room shares: a concern's whole record, loaded in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from .models import Concern, ConfirmedSection, Status

# What the permission rules have already read about this concern (incidents.permissions
# keeps it on the instance): the same facts, so the reloaded record need not ask again.
_RULE_CACHES = (
    "_conflict_sets",
    "_was_investigated",
    "_investigation_participants",
    "_kept_from_approving",
)
# Marks an instance that record_queryset() loaded, so concern_record need not reload it.
RECORD_LOADED = "_record_loaded"


# Parts of a record that most concerns do not have: whether each exists is read with the
# concern (an indexed probe inside its query), so the page asks for their rows only when
# there are some. Each name is the related name the probe looks at.
OFTEN_EMPTY = ("documents", "questions", "additions", "legal_holds", "interim_measures")


def holds_none(concern: Concern, related_name: str) -> bool:
    """True when the concern was read by record_queryset and has no `related_name` rows;
    False when it has some or nobody asked (then the caller reads them)."""
    return concern.__dict__.get(f"_has_{related_name}") is False


def record_queryset() -> QuerySet[Concern]:
    """Concerns with everything the concern page shows, in a fixed number of queries."""
    concern = OuterRef("pk")
    probes = {
        f"_has_{name}": Exists(
            Concern._meta.get_field(name).related_model.objects.filter(concern=concern)
        )
        for name in OFTEN_EMPTY
    }
    return (
        Concern.objects.annotate(**probes)
        .select_related(
            "organisation",
            "reporter",
            "business_unit",
            "platform_category",
            "subject",
            "subject__business_unit",
            "code_edition",
            "assignee",
            "retention",
            "retention__approved_by",
        )
        .prefetch_related(
            "links",
            "reported_sections",
            "evidence",
            # The confirmed sections with their Code sections in one query, not two.
            Prefetch("findings", queryset=ConfirmedSection.objects.select_related("section")),
            "subject__reporting_line",
        )
    )


def concern_record(concern: Concern) -> Concern:
    """The concern with everything its page shows: `concern` itself when it was loaded so
    (get_concern_for_user with_record), else reloaded, keeping what the permission rules
    already read about it."""
    if concern.__dict__.get(RECORD_LOADED):
        return concern
    record = record_queryset().get(pk=concern.pk)
    for name in _RULE_CACHES:
        if name in concern.__dict__:
            record.__dict__[name] = concern.__dict__[name]
    return record


# --- Matters: concerns linked as one, counted once ----------------------------------------


def _before() -> Q:
    """Submitted before the outer concern (by time, then id): the order within a matter."""
    return Q(submitted_at__lt=OuterRef("submitted_at")) | Q(
        submitted_at=OuterRef("submitted_at"), pk__lt=OuterRef("pk")
    )


def _counted_members(matter_id) -> QuerySet[Concern]:
    """The concerns of a matter that trends could count: submitted and not restricted."""
    return Concern.objects.filter(
        matter_id=matter_id, restricted=False, submitted_at__isnull=False
    ).exclude(status=Status.DRAFT)


def counted_in_trends() -> Q:
    """A concern that stands for itself in trends: one in no matter, or its matter's lead
    (the earliest submitted of its concerns that is not restricted; a restricted concern
    is never counted, so it never leads). A filter on the concern's own row; the subquery
    is asked only of concerns in a matter."""
    return Q(matter__isnull=True) | ~Exists(
        _counted_members(OuterRef("matter_id")).filter(_before())
    )


def matter_lead_id(matter_id: int) -> Subquery:
    """The id of the concern that stands for the matter (see counted_in_trends)."""
    return Subquery(_counted_members(matter_id).order_by("submitted_at", "pk").values("pk")[:1])
