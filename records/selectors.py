"""Reads for the retention pages, always starting from the permission module's scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from incidents.models import Concern
from incidents.selectors import holds_none

from . import permissions
from .models import DisposalRecord, LegalHold, RetentionSchedule


def _active_hold() -> Exists:
    return Exists(LegalHold.objects.filter(concern_id=OuterRef("concern_id"), released_at=None))


def disposal_candidates(user: User) -> QuerySet[RetentionSchedule]:
    """Listed by the daily job, not yet disposed of, for concerns this HR manager handles."""
    return (
        RetentionSchedule.objects.filter(
            concern__in=permissions.records_concerns(user),
            listed_at__isnull=False,
            disposed_at__isnull=True,
        )
        .select_related("concern", "approved_by")
        .annotate(on_hold=_active_hold())
        .order_by("disposal_due_on", "concern_id")
    )


def held_concerns(user: User) -> QuerySet[LegalHold]:
    """Active legal holds on concerns this HR manager handles."""
    return (
        LegalHold.objects.filter(
            concern__in=permissions.records_concerns(user), released_at__isnull=True
        )
        .select_related("concern", "placed_by")
        .order_by("-placed_at", "-pk")
    )


def disposal_register(user: User) -> QuerySet[DisposalRecord]:
    if not permissions.can_manage_records(user):
        return DisposalRecord.objects.none()
    return (
        DisposalRecord.objects.filter(organisation_id=user.organisation_id)
        .select_related("approved_by")
        .order_by("-disposed_at", "-pk")
    )


def retention_of(concern: Concern) -> RetentionSchedule | None:
    """The concern's schedule, or None; read with the concern when it was loaded with it
    (incidents.selectors.concern_record)."""
    if Concern.retention.is_cached(concern):
        return getattr(concern, "retention", None)
    return RetentionSchedule.objects.filter(concern=concern).first()


def holds_of(concern: Concern) -> list[LegalHold]:
    """The concern's legal holds, past and current (none read when the concern, loaded
    with its record, is known to have none)."""
    if holds_none(concern, "legal_holds"):
        return []
    return list(
        LegalHold.objects.filter(concern=concern).select_related("placed_by", "released_by")
    )
