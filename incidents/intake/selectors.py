"""What the person who logs concerns reads: their own concerns, and a hint of a duplicate."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .. import permissions
from ..models import Concern, ConcernLink, Status

DUPLICATE_WINDOW_DAYS = 14


def my_concerns(user) -> QuerySet[Concern]:
    return (
        permissions.reported_by(user)
        .select_related("platform_category")
        .only(
            "pk",
            "reference",
            "status",
            "created_at",
            "submitted_at",
            "occurred_on",
            "platform_name",
            "platform_category__name",
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class DuplicateHint:
    """What the reporter may be told about a possible earlier concern: only their own."""

    visible_references: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.visible_references)


def possible_duplicates(concern: Concern, user) -> DuplicateHint:
    """The reporter's own earlier concerns about the same employee with the same link or
    within 14 days.

    Concerns logged by anyone else are never mentioned, not even as "one exists": that
    would tell any reporter whether a concern (a restricted one, or one about themselves)
    is held about a named person. HR sees related concerns on the case instead.
    """
    if concern.subject_id is None:
        return DuplicateHint(())
    match = Q(pk__in=[])
    links = list(concern.links.values_list("normalised_url", flat=True))
    if links:
        match |= Q(pk__in=ConcernLink.objects.filter(normalised_url__in=links).values("concern_id"))
    if concern.occurred_on:
        window = dt.timedelta(days=DUPLICATE_WINDOW_DAYS)
        match |= Q(
            occurred_on__gte=concern.occurred_on - window,
            occurred_on__lte=concern.occurred_on + window,
        )
    candidates = (
        permissions.reported_by(user)
        .filter(organisation_id=concern.organisation_id, subject_id=concern.subject_id)
        .exclude(pk=concern.pk)
        .exclude(status=Status.DRAFT)
        .filter(match)
    )
    return DuplicateHint(tuple(sorted(candidates.values_list("reference", flat=True)[:20])))
