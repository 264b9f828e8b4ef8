"""Linking concerns as the same matter, and unlinking them.

Several concerns about one post or one person can be one matter. Each keeps its own
record (status, investigator, findings); the trends count the matter once, under its
lead concern: the earliest submitted of its concerns that is not restricted
(`incidents.selectors.counted_in_trends`). The lead is worked out, never chosen, so it
cannot drift from the rule and nobody has to agree on it.

Decisions, each refused with a message:
- a concern belongs to one matter at most. Linking a concern in no matter to one in a
  matter adds it to that matter; linking two concerns that are each in a different
  matter is refused (unlink one first): merging would move concerns the person linking
  may not be able to see;
- never across organisations (the other concern is found only among those the person
  may open, so another organisation's reference is simply not found);
- a restricted concern (possible public interest disclosure) is linked only with another
  restricted one: restricted concerns never count in trends, and a link recorded on an
  ordinary concern's record would tell its readers that a restricted one exists;
- a matter left with one concern is dissolved.

Every link and unlink leaves an event on both concerns, naming the other and the reason;
the version of both goes up, so a form open on either page is refused as stale. Rollups
learn of it from those events (`reporting.rollups.refresh_changed` recounts the months
of every concern sharing a matter with one that changed).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from audit.chain import record_event
from audit.models import EventKind
from config.errors import Refused
from incidents import permissions
from incidents.models import Concern, Matter

from .services import _lock

STALE = (
    "Someone else changed this concern while you were working on it. Your entries are still "
    "in the form: reload the concern in another tab, compare, then save again."
)


def _lead(concerns: list[Concern]) -> Concern | None:
    """The concern that stands for these in trends (see counted_in_trends)."""
    counted = [c for c in concerns if not c.restricted and c.submitted_at is not None]
    return min(counted, key=lambda c: (c.submitted_at, c.pk), default=None)


def _lock_all(pks) -> dict[int, Concern]:
    """Lock the rows in id order (so two links at once cannot deadlock)."""
    rows = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organisation", "subject")
        .filter(pk__in=sorted(set(pks)))
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


def _bump(*concerns: Concern, matter_id: int | None) -> None:
    Concern.objects.filter(pk__in=[c.pk for c in concerns]).update(
        matter_id=matter_id, version=F("version") + 1
    )
    for concern in concerns:
        concern.refresh_from_db()


def _names(record_on: Concern, other: Concern) -> bool:
    """Whether `other` may be named on `record_on`'s record: never a restricted concern
    on an ordinary one's."""
    return not other.restricted or record_on.restricted


def _record(kind, *, concern: Concern, other: Concern, actor, reason: str, lead) -> None:
    named = _names(concern, other)
    record_event(
        organisation_id=concern.organisation_id,
        concern=concern,
        actor=actor,
        kind=kind,
        after={
            "other": other.reference if named else "",
            "lead": lead.reference if lead is not None and _names(concern, lead) else "",
            "matter": concern.matter_id,
            "reason": reason if named else "",
        },
    )


@transaction.atomic
def matter_link(
    *, concern: Concern, other: Concern, actor, reason: str, expected_version: int
) -> Concern:
    """Link `other` with `concern` as the same matter. Returns `concern` as it now is."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Please say why these concerns are the same matter.")
    if other.pk == concern.pk:
        raise Refused("A concern cannot be linked with itself.")
    locked = _lock_all([concern.pk, other.pk])
    this, that = locked.get(concern.pk), locked.get(other.pk)
    if this is None or that is None:
        raise Refused("One of these concerns is no longer available.")
    if this.version != expected_version:
        raise Refused(STALE)
    if not permissions.can_link_matter(actor, this, that):
        raise Refused(
            f"You cannot link {that.reference} with this concern: linking is for the "
            "investigator of either concern or an HR manager who can open both."
        )
    if this.restricted != that.restricted:
        raise Refused(
            "A restricted concern can be linked only with another restricted concern: "
            "restricted concerns are not counted in trends, and the link would show on the "
            "other concern's record. Record the connection in a note instead."
        )
    if this.matter_id is not None and this.matter_id == that.matter_id:
        raise Refused(f"{that.reference} is already linked with this concern as the same matter.")
    if this.matter_id is not None and that.matter_id is not None:
        raise Refused(
            f"This concern and {that.reference} each belong to a different matter already. "
            "Unlink one of them from its matter first, then link it here."
        )
    matter_id = this.matter_id or that.matter_id
    if matter_id is None:
        matter_id = Matter.objects.create(organisation_id=this.organisation_id, created_by=actor).pk
    _bump(this, that, matter_id=matter_id)
    lead = _lead(list(Concern.objects.filter(matter_id=matter_id)))
    for one, two in ((this, that), (that, this)):
        _record(
            EventKind.MATTER_LINKED, concern=one, other=two, actor=actor, reason=reason, lead=lead
        )
    return this


@transaction.atomic
def matter_unlink(*, concern: Concern, actor, reason: str, expected_version: int) -> Concern:
    """Take `concern` out of its matter; a matter left with one concern is dissolved."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused("Please say why this concern is not part of the matter.")
    this = _lock(concern, expected_version)
    if this.matter_id is None:
        raise Refused("This concern is not linked with any other as the same matter.")
    if not permissions.can_link_matter(actor, this):
        raise Refused("Unlinking is for the concern's investigator or an HR manager.")
    members = _lock_all(
        Concern.objects.filter(matter_id=this.matter_id).values_list("pk", flat=True)
    )
    rest = [c for pk, c in members.items() if pk != this.pk]
    matter_id = this.matter_id
    _bump(this, matter_id=None)
    if len(rest) == 1:
        _bump(rest[0], matter_id=None)
        other, lead = rest[0], None
    else:
        lead = _lead(rest)
        other = lead or min(rest, key=lambda c: c.pk)
    for one, two in ((this, other), (other, this)):
        _record(
            EventKind.MATTER_UNLINKED, concern=one, other=two, actor=actor, reason=reason, lead=lead
        )
    if len(rest) <= 1:
        Matter.objects.filter(pk=matter_id).delete()
    return this
