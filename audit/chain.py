"""The append-only event record, chained by hash per organisation.

Every event stores the hash of the previous event in its organisation's chain and a
hash over its own content plus that previous hash. Editing, deleting or inserting
a row directly in the database breaks the chain, and `verify_chain` (the
`verify_events` command) finds the first broken link.

The chain covers an event's payload (its before and after) through the payload's
own SHA-256. That is what lets an approved disposal redact the personal details in
a concern's events without breaking the chain: `redact_concern_events` replaces the
payload by a marker that keeps the payload's hash and names the disposal register
entry, and `verify_chain` accepts a marker only on a concern that was disposed of.
Anything else that changes a payload still breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from incidents.models import Concern

from .models import Event, EventChainHead, EventKind

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


# The key of a redacted payload: {"redacted": {"payload_sha256": ..., "disposal": ...}}.
REDACTED = "redacted"


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def payload_digest(before: dict, after: dict) -> str:
    """The SHA-256 of an event's payload, which is what the chain hash covers."""
    return hashlib.sha256(_canonical({"before": before, "after": after})).hexdigest()


def redaction_of(before: dict, after: dict) -> dict | None:
    """The redaction marker if this payload was redacted at disposal, else None."""
    marker = after.get(REDACTED) if isinstance(after, dict) else None
    if before == {} and len(after) == 1 and isinstance(marker, dict):
        return marker
    return None


def event_digest(
    *,
    organisation_id: int,
    seq: int,
    concern_id: int | None,
    actor_id: int | None,
    kind: str,
    at: dt.datetime,
    before: dict,
    after: dict,
    prev_hash: str,
    payload_sha256: str | None = None,
) -> str:
    """The chain hash of one event. Give `payload_sha256` for a redacted payload."""
    fields = {
        "organisation": organisation_id,
        "seq": seq,
        "concern": concern_id,
        "actor": actor_id,
        "kind": kind,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "payload": payload_sha256 or payload_digest(before, after),
        "prev": prev_hash,
    }
    return hashlib.sha256(_canonical(fields)).hexdigest()


# The events made inside `events_together()`, waiting to be written; None outside one.
_together: ContextVar[list[Event] | None] = ContextVar("audit_events_together", default=None)


@contextmanager
def events_together() -> Iterator[None]:
    """Write the events recorded inside as one append to the chain, when the block ends.

    The chain and its hashes are exactly as if each had been recorded on its own, in
    order; the organisation's chain head is locked and moved on once for all of them (one
    insert instead of three queries per event). Inside the block an event's row does not
    exist yet: use it only where nothing reads the events back before the block ends (a
    status change and the effects it declares). Call inside the caller's transaction; an
    exception inside writes nothing. A block inside another is part of the outer one.
    """
    if _together.get() is not None:
        yield
        return
    pending: list[Event] = []
    token = _together.set(pending)
    try:
        yield
    finally:
        _together.reset(token)
    if pending:
        _append(pending)


def record_event(
    *,
    organisation_id: int,
    kind: EventKind,
    actor=None,
    concern: Concern | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Append one event to the organisation's chain, inside the caller's transaction.

    Inside `events_together()` the event is written when that block ends."""
    kind = EventKind(kind)  # an unknown kind is a programming error: refuse it here
    event = Event(
        organisation_id=organisation_id,
        concern=concern,
        actor=actor,
        kind=kind,
        at=at or timezone.now(),
        before=_jsonable(before or {}),
        after=_jsonable(after or {}),
    )
    pending = _together.get()
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    return event


def _append(events: list[Event]) -> None:
    """Chain and write these events, in order: per organisation, its head locked once."""
    # No savepoint of its own: an event is written with its change or not at all, so a
    # failure here ends the caller's transaction (two queries fewer per event).
    with transaction.atomic(savepoint=False):
        for organisation_id in dict.fromkeys(event.organisation_id for event in events):
            _append_to_chain(
                organisation_id, [e for e in events if e.organisation_id == organisation_id]
            )


def _append_to_chain(organisation_id: int, events: list[Event]) -> None:
    heads = EventChainHead.objects.select_for_update()
    head = heads.filter(organisation_id=organisation_id).first()
    if head is None:  # the organisation's first event: make its head, then lock it
        EventChainHead.objects.bulk_create(
            [EventChainHead(organisation_id=organisation_id)], ignore_conflicts=True
        )
        head = heads.get(organisation_id=organisation_id)
    for event in events:
        event.seq = head.seq + 1
        event.prev_hash = head.hash
        event.hash = event_digest(
            organisation_id=organisation_id,
            seq=event.seq,
            concern_id=event.concern_id,
            actor_id=event.actor_id,
            kind=event.kind,
            at=event.at,
            before=event.before,
            after=event.after,
            prev_hash=event.prev_hash,
        )
        head.seq, head.hash = event.seq, event.hash
    if len(events) == 1:
        events[0].save(force_insert=True)
    else:
        Event.objects.bulk_create(events)
    head.save(update_fields=["seq", "hash"])


@dataclass(frozen=True)
class ChainProblem:
    organisation_id: int
    seq: int
    message: str


def redact_concern_events(concern: Concern, *, disposal: str) -> int:
    """Replace the payload of every event of a disposed concern by a redaction marker.

    Only the disposal service calls this, inside its transaction, once the concern is
    marked disposed. The marker keeps the payload's hash, so the chain still verifies,
    and names the disposal register entry. Returns how many events were redacted.
    """
    if concern.disposed_at is None:
        raise ValueError("Only a disposed concern's events may be redacted.")
    redacted = 0
    events = Event.objects.filter(concern=concern).only("pk", "before", "after")
    for event in events.iterator(chunk_size=500):
        if redaction_of(event.before, event.after) is not None:
            continue
        marker = {
            REDACTED: {
                "payload_sha256": payload_digest(event.before, event.after),
                "disposal": disposal,
            }
        }
        # Event.save refuses changes; this queryset update is the one sanctioned rewrite.
        Event.objects.filter(pk=event.pk).update(before={}, after=marker)
        redacted += 1
    return redacted


def verify_chain(organisation_id: int) -> Iterator[ChainProblem]:
    expected_prev = GENESIS
    expected_seq = 1
    disposed = set(
        Concern.objects.filter(
            organisation_id=organisation_id, disposed_at__isnull=False
        ).values_list("pk", flat=True)
    )
    events = Event.objects.filter(organisation_id=organisation_id).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            yield ChainProblem(
                organisation_id, event.seq, f"expected event {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != expected_prev:
            yield ChainProblem(organisation_id, event.seq, "does not link to the previous event")
        marker = redaction_of(event.before, event.after)
        if marker is not None and event.concern_id not in disposed:
            yield ChainProblem(
                organisation_id, event.seq, "redacted, but its concern was never disposed of"
            )
        recomputed = event_digest(
            organisation_id=event.organisation_id,
            seq=event.seq,
            concern_id=event.concern_id,
            actor_id=event.actor_id,
            kind=event.kind,
            at=event.at,
            before=event.before,
            after=event.after,
            prev_hash=event.prev_hash,
            payload_sha256=str(marker.get("payload_sha256", "")) if marker else None,
        )
        if recomputed != event.hash:
            yield ChainProblem(organisation_id, event.seq, "content does not match its hash")
        expected_prev = event.hash
        expected_seq = event.seq + 1
    head = EventChainHead.objects.filter(organisation_id=organisation_id).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        yield ChainProblem(
            organisation_id, head.seq, "the chain ends early: events after it are missing"
        )
