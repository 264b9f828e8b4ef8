"""The review workflow as data: which status may follow which, for whom, needing what.

`transition()` is the only code that writes `Concern.status`. Views, admin actions,
tasks and any API call it; the UI reads `allowed_transitions()` to show only the
actions the table allows the current user.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role

from . import permissions
from .models import Concern, Event, Status


class TransitionNotAllowed(Exception):
    """Raised with a message a person can act on."""


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    roles: frozenset[str]
    required: tuple[str, ...]
    label: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        Status.DRAFT,
        Status.SUBMITTED,
        frozenset({Role.REPORTER}),
        ("occurred_on", "description", "platform_category", "subject_or_not_known"),
        "Submit concern",
    ),
)

# What each required field means to the person filling it in.
REQUIRED_LABELS = {
    "occurred_on": "when it happened",
    "description": "what you saw",
    "platform_category": "the kind of platform",
    "subject_or_not_known": "who it is about (or tick that you don't know)",
}


def _present(concern: Concern, name: str) -> bool:
    if name == "subject_or_not_known":
        return concern.subject_id is not None or concern.subject_not_known
    value = getattr(concern, name)
    return value not in (None, "", [], {})


def missing_fields(concern: Concern, transition_: Transition) -> list[str]:
    return [name for name in transition_.required if not _present(concern, name)]


def find(source: str, target: str) -> Transition | None:
    for item in TRANSITIONS:
        if item.source == source and item.target == target:
            return item
    return None


def allowed_transitions(user, concern: Concern) -> list[Transition]:
    return [
        item
        for item in TRANSITIONS
        if item.source == concern.status and permissions.can_apply_transition(user, concern, item)
    ]


def transition(
    *,
    concern: Concern,
    target: str,
    actor,
    expected_version: int | None = None,
    on_commit: Callable[[], None] | None = None,
    at: datetime | None = None,
) -> Concern:
    """Move a concern to `target`, enforcing the table, and leave an event.

    Compare-and-set on status and version: if someone else changed the concern
    first, nothing is written and the caller is told.
    """
    rule = find(concern.status, target)
    if rule is None:
        raise TransitionNotAllowed(
            f"A concern that is {concern.get_status_display().lower()} cannot move to "
            f"{Status(target).label.lower()}."
        )
    if not permissions.can_apply_transition(actor, concern, rule):
        raise TransitionNotAllowed("You are not allowed to do that to this concern.")
    missing = missing_fields(concern, rule)
    if missing:
        needed = ", ".join(REQUIRED_LABELS.get(name, name) for name in missing)
        raise TransitionNotAllowed(f"Before you can do that, please add {needed}.")

    version = concern.version if expected_version is None else expected_version
    with transaction.atomic():
        updated = Concern.objects.filter(
            pk=concern.pk, status=concern.status, version=version
        ).update(status=target, version=F("version") + 1)
        if updated != 1:
            raise TransitionNotAllowed(
                "Someone else changed this concern while you were looking at it. "
                "Reload the page to see the latest version."
            )
        before = concern.status
        concern.refresh_from_db(fields=["status", "version", "updated_at"])
        Event.objects.create(
            organisation_id=concern.organisation_id,
            concern=concern,
            actor=actor,
            kind="status_changed",
            at=at or timezone.now(),
            before={"status": before},
            after={"status": target},
        )
        if on_commit is not None:
            transaction.on_commit(on_commit)
    return concern
