"""Interim measures while a concern is looked into (issue 19): recording one, ending it,
and the reminder once its review date has passed.

A measure is a step taken about the employee before the outcome (removed from managing
an official account, asked to take a post down, moved to other duties, another step, or
a recorded decision that none is needed), each with its reason, start date and review
date. Every write is atomic, checks the permission module and leaves an event holding
no reason text (the reasons stay on the measure, which only HR handling it sees).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from incidents import permissions
from incidents.models import OPEN_STATUSES, Concern, InterimMeasure, InterimMeasureKind
from notifications.models import Kind
from notifications.services import notify

CLOSED = "Interim measures can be recorded or ended only while the concern is open."


@dataclass(frozen=True)
class InterimData:
    kind: str
    reason: str
    starts_on: dt.date
    review_on: dt.date | None
    other: str = ""


def _locked(concern: Concern) -> Concern:
    return (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation", "subject")
        .get(pk=concern.pk)
    )


def interim_measures_of(concern: Concern) -> list[InterimMeasure]:
    """The concern's measures, those in place first, then the ended ones (one query)."""
    measures = list(
        InterimMeasure.objects.filter(concern_id=concern.pk).select_related(
            "recorded_by", "ended_by"
        )
    )
    return sorted(measures, key=lambda item: (not item.is_active, item.starts_on, item.pk))


@transaction.atomic
def interim_measure_record(*, concern: Concern, actor, data: InterimData) -> InterimMeasure:
    """Record an interim measure on an open concern."""
    locked = _locked(concern)
    if not permissions.can_record_interim_measure(actor, locked):
        raise Refused(CLOSED if not locked.is_open else "You cannot record measures here.")
    measure = InterimMeasure(
        concern=locked,
        kind=data.kind,
        other=data.other.strip() if data.kind == InterimMeasureKind.OTHER else "",
        reason=data.reason.strip(),
        starts_on=data.starts_on,
        review_on=data.review_on if data.kind != InterimMeasureKind.NONE else None,
        recorded_by=actor,
    )
    measure.full_clean()
    measure.save()
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.INTERIM_RECORDED,
        at=measure.recorded_at,
        after={
            "measure": measure.pk,
            "kind": measure.kind,
            "starts_on": measure.starts_on.isoformat(),
            "review_on": measure.review_on.isoformat() if measure.review_on else None,
        },
    )
    return measure


@transaction.atomic
def interim_measure_end(
    *, concern: Concern, actor, measure_id: int, ended_on: dt.date, reason: str
) -> InterimMeasure:
    """End a measure still in place, with the date it ended and why. Compare-and-set: a
    measure someone else ended first is refused, not ended twice."""
    locked = _locked(concern)
    if not permissions.can_record_interim_measure(actor, locked):
        raise Refused(CLOSED if not locked.is_open else "You cannot end measures here.")
    measure = InterimMeasure.objects.filter(pk=measure_id, concern_id=locked.pk).first()
    if measure is None:
        raise Refused("That measure is not one of this concern's.")
    if ended_on < measure.starts_on:
        raise Refused("A measure can't end before it started: check the end date.")
    changed = InterimMeasure.objects.filter(pk=measure.pk, ended_on__isnull=True).update(
        ended_on=ended_on, end_reason=reason.strip(), ended_by=actor
    )
    if not changed:
        raise Refused("Someone else ended this measure first. Reload the concern to see it.")
    measure.refresh_from_db()
    record_event(
        organisation_id=locked.organisation_id,
        concern=locked,
        actor=actor,
        kind=EventKind.INTERIM_ENDED,
        before={"measure": measure.pk, "ended_on": None},
        after={"measure": measure.pk, "ended_on": ended_on.isoformat()},
    )
    return measure


def remind_interim_reviews(*, today: dt.date | None = None, limit: int = 500) -> int:
    """Remind the investigator and the case managers of each measure still in place on an
    open concern whose review date has passed, once per review date.

    Like the escalation of overdue concerns: each measure is claimed with a conditional
    update on `reminded_for`, so two runs at once (or a rerun) remind once, and the
    emails' dedupe keys make a repeated notification harmless too. The emails say only
    that a measure on the referenced concern is due for review.
    """
    today = today or timezone.localdate()
    due = (
        InterimMeasure.objects.filter(
            ended_on__isnull=True, review_on__lt=today, concern__status__in=OPEN_STATUSES
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("review_on")))
        .select_related("concern", "concern__organisation", "concern__assignee")
        .order_by("review_on", "pk")[:limit]
    )
    count = 0
    for measure in due:
        if measure.reminded_for == measure.review_on:
            continue
        with transaction.atomic():
            claimed = (
                InterimMeasure.objects.filter(
                    pk=measure.pk, ended_on__isnull=True, review_on=measure.review_on
                )
                .exclude(reminded_for=measure.review_on)
                .update(reminded_for=measure.review_on)
            )
            if not claimed:
                continue
            concern = measure.concern
            key = f"{measure.pk}:{measure.review_on.isoformat()}"
            record_event(
                organisation_id=concern.organisation_id,
                concern=concern,
                actor=None,
                kind=EventKind.INTERIM_REVIEW_DUE,
                after={"measure": measure.pk, "review_on": measure.review_on.isoformat()},
            )
            recipients = list(permissions.managers_to_notify(concern))
            if concern.assignee_id and concern.assignee not in recipients:
                recipients.append(concern.assignee)
            notify(
                recipients=recipients,
                kind=Kind.INTERIM_REVIEW,
                concern=concern,
                dedupe_key_suffix=key,
            )
        count += 1
    return count
