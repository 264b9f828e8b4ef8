"""The append-only event record, chained by hash per organisation.

Every event stores the hash of the previous event in its organisation's chain and a
hash over its own content plus that previous hash. Editing, deleting or inserting
a row directly in the database breaks the chain, and `verify_chain` (the
`verify_events` command) finds the first broken link.
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

from .models import Concern, Event, EventChainHead

GENESIS = "0" * 64


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


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
) -> str:
    payload = {
        "organisation": organisation_id,
        "seq": seq,
        "concern": concern_id,
        "actor": actor_id,
        "kind": kind,
        "at": at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "before": before,
        "after": after,
        "prev": prev_hash,
    }
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(encoded.encode()).hexdigest()


def record_event(
    *,
    organisation_id: int,
    kind: str,
    actor=None,
    concern: Concern | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: dt.datetime | None = None,
) -> Event:
    """Append one event to the organisation's chain, inside the caller's transaction."""
    before = _jsonable(before or {})
    after = _jsonable(after or {})
    at = at or timezone.now()
    with transaction.atomic():
        EventChainHead.objects.bulk_create(
            [EventChainHead(organisation_id=organisation_id)], ignore_conflicts=True
        )
        head = EventChainHead.objects.select_for_update().get(organisation_id=organisation_id)
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


def verify_chain(organisation_id: int) -> Iterator[ChainProblem]:
    expected_prev = GENESIS
    expected_seq = 1
    events = Event.objects.filter(organisation_id=organisation_id).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            yield ChainProblem(
                organisation_id, event.seq, f"expected event {expected_seq}, found {event.seq}"
            )
        if event.prev_hash != expected_prev:
            yield ChainProblem(organisation_id, event.seq, "does not link to the previous event")
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
