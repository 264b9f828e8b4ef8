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
    """Append one event to the organisation's chain, inside the caller's transaction."""
    kind = EventKind(kind)  # an unknown kind is a programming error: refuse it here
    before = _jsonable(before or {})
    after = _jsonable(after or {})
    at = at or timezone.now()
    # No savepoint of its own: an event is written with its change or not at all, so a
    # failure here ends the caller's transaction (two queries fewer per event).
    with transaction.atomic(savepoint=False):
        heads = EventChainHead.objects.select_for_update()
        head = heads.filter(organisation_id=organisation_id).first()
        if head is None:  # the organisation's first event: make its head, then lock it
            EventChainHead.objects.bulk_create(
                [EventChainHead(organisation_id=organisation_id)], ignore_conflicts=True
            )
            head = heads.get(organisation_id=organisation_id)
        seq = head.seq + 1
        digest = event_digest(
            organisation_id=organisation_id,
            seq=seq,
            concern_id=concern.pk if concern is not None else None,
            actor_id=actor.pk if actor is not None else None,
            kind=kind,
            at=at,
            before=before,
            after=after,
            prev_hash=head.hash,
        )
        event = Event.objects.create(
            organisation_id=organisation_id,
            concern=concern,
            actor=actor,
            kind=kind,
            at=at,
            before=before,
            after=after,
            seq=seq,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq, head.hash = seq, digest
        head.save(update_fields=["seq", "hash"])
    return event


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
