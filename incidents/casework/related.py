"""The related-concerns panel on HR's concern page: other concerns about the same employee,
sharing a link, or linked as the same matter, that this person may open.

One query for the whole panel, whatever the data: the rows (at most PANEL_LIMIT), how many
there are in all (a window count over the same rows), and the matter's lead concern (so
the page can say which concern stands for the matter even when this person may not open
it). Who may see what is `permissions.hr_scope_q`, the filter twin of `hr_concerns`: a
restricted concern is never a row nor counted for anyone but who may open it, and another
organisation's concerns never match.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Value,
    Window,
)

from incidents import permissions
from incidents.models import Concern, ConcernLink
from incidents.selectors import matter_lead_id

from .forms import MatterLinkForm, MatterUnlinkForm

PANEL_LIMIT = 20


@dataclass(frozen=True)
class RelatedRow:
    concern: Concern
    reasons: tuple[str, ...]


@dataclass
class RelatedConcerns:
    rows: list[RelatedRow] = field(default_factory=list)
    more: int = 0  # related concerns this person may open beyond the rows shown
    lead_reference: str = ""  # the concern standing for the matter, when in one
    is_lead: bool = False


def _flag(condition: Q | None):
    if condition is None:
        return Value(False)
    return ExpressionWrapper(condition, output_field=BooleanField())


def _candidates(concern: Concern, urls: list[str]):
    """The ids of the concerns that could be related, each way found through its own index
    (the same employee, a shared link, the same matter), so the panel's query looks at
    those few rows and never walks the organisation's concerns (an OR of the three in the
    row filter did: measured at about 25 ms at 100,000 concerns, growing with them)."""
    ways = []
    if concern.subject_id:
        ways.append(Concern.objects.filter(subject_id=concern.subject_id).values("pk"))
    if urls:
        ways.append(ConcernLink.objects.filter(normalised_url__in=urls).values("concern_id"))
    if concern.matter_id:
        ways.append(Concern.objects.filter(matter_id=concern.matter_id).values("pk"))
    # No ordering in the parts: SQLite refuses ORDER BY inside a compound statement.
    first, *rest = (way.order_by() for way in ways)
    return first.union(*rest) if rest else first


def related_concerns(user, concern: Concern) -> RelatedConcerns:
    """Concerns related to `concern` that `user` may open. `concern` comes from
    concern_record (its links prefetched). One query."""
    urls = sorted({link.normalised_url for link in concern.links.all() if link.normalised_url})
    if not (concern.subject_id or urls or concern.matter_id):
        return RelatedConcerns()
    # Every row comes from the candidates, so each is related one way or another; which
    # ways is read from the row (employee, matter) or asked of the links.
    shown = (
        Q(organisation_id=concern.organisation_id, submitted_at__isnull=False)
        & permissions.hr_scope_q(user)
        & ~Q(pk=concern.pk)
    )
    lead = (
        Q(pk=matter_lead_id(concern.matter_id))
        if concern.matter_id and not concern.restricted
        else None
    )
    rows = Concern.objects.filter(pk__in=_candidates(concern, urls))
    if lead is not None:  # the matter's lead is a row even when this person may not open it
        rows = rows.filter(shown | lead).annotate(shown=_flag(shown), is_lead=_flag(lead))
    else:
        rows = rows.filter(shown).annotate(shown=Value(True), is_lead=Value(False))
    same_link = (
        Q(Exists(ConcernLink.objects.filter(concern_id=OuterRef("pk"), normalised_url__in=urls)))
        if urls
        else None
    )
    rows = (
        rows.annotate(same_link=_flag(same_link), found=Window(Count("id")))
        .order_by(F("is_lead").desc(), "-submitted_at", "-pk")
        .only(
            "pk",
            "reference",
            "status",
            "submitted_at",
            "organisation_id",
            "subject_id",
            "matter_id",
        )[: PANEL_LIMIT + 1]
    )
    result = RelatedConcerns()
    hidden = 0
    found = 0
    for row in rows:
        found = row.found
        if row.is_lead:
            result.lead_reference = row.reference
            result.is_lead = row.pk == concern.pk
        if not row.shown:
            hidden += 1
            continue
        why = []
        if concern.matter_id and row.matter_id == concern.matter_id:
            why.append("linked as the same matter")
        if concern.subject_id and row.subject_id == concern.subject_id:
            why.append("same employee")
        if row.same_link:
            why.append("same link")
        result.rows.append(RelatedRow(row, tuple(why)))
    result.rows = result.rows[:PANEL_LIMIT]
    result.more = max(found - hidden - len(result.rows), 0)
    return result


def related_context(user, concern: Concern, bound: dict) -> dict:
    """The panel's part of the concern page: the rows and the link and unlink forms."""
    related = related_concerns(user, concern)
    can_link = permissions.can_link_matter(user, concern)
    version = {"version": concern.version}
    return {
        "related": related,
        "matter_link_form": (bound.get("matter_link") or MatterLinkForm(initial=version))
        if can_link
        else None,
        "matter_unlink_form": (bound.get("matter_unlink") or MatterUnlinkForm(initial=version))
        if can_link and concern.matter_id
        else None,
    }
