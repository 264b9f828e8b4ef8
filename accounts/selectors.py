"""Reads for the sign-in and access-changes pages."""

from __future__ import annotations

from dataclasses import dataclass

from .models import IdentityProvider


def sign_in_providers() -> list[IdentityProvider]:
    """The organisations whose people may sign in through their identity provider."""
    return list(
        IdentityProvider.objects.filter(is_active=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )


@dataclass(frozen=True)
class AccessChange:
    at: object
    kind: str
    actor: str
    person: str
    before: str
    after: str


# What the access-changes page lists: changes to who may do what in the organisation.
ACCESS_EVENT_KINDS = (
    "roles_changed",
    "pid_coordinator_changed",
    "second_approver_changed",
    "service_identity_created",
    "service_identity_changed",
)
ACCESS_CHANGES_SHOWN = 200


def access_changes(*, organisation_id: int) -> list[AccessChange]:
    """The organisation's latest access changes, newest first, with people's names (two
    queries, whatever the number of rows)."""
    from audit.models import Event, EventKind

    from .models import Role, User

    events = list(
        Event.objects.filter(organisation_id=organisation_id, kind__in=ACCESS_EVENT_KINDS)
        .select_related("actor")
        .order_by("-seq")[:ACCESS_CHANGES_SHOWN]
    )
    named = set()
    for event in events:
        for side in (event.before, event.after):
            for key in ("person", "service_identity", "pid_coordinator", "second_approver"):
                if isinstance(side.get(key), int):
                    named.add(side[key])
    names = {
        person.pk: person.display_name
        for person in User.objects.filter(pk__in=named, organisation_id=organisation_id).only(
            "pk", "username", "first_name", "last_name"
        )
    }

    def roles(side: dict) -> str:
        return ", ".join(Role(role).label for role in side.get("roles", ())) or "none"

    def describe(event, side: dict) -> str:
        if event.kind == "roles_changed":
            return roles(side)
        for key in ("pid_coordinator", "second_approver"):
            if key in side:
                return names.get(side[key], "nobody") if side[key] else "nobody"
        if "roles" in side:
            state = "active" if side.get("is_active") else "switched off"
            return f"{roles(side)} ({state})"
        return ""

    changes = []
    for event in events:
        side = event.after or event.before
        person_id = side.get("person") or side.get("service_identity")
        changes.append(
            AccessChange(
                at=event.at,
                kind=EventKind(event.kind).label,
                actor=event.actor.display_name if event.actor else "Identity provider sign-in",
                person=names.get(person_id, "") if person_id else "",
                before=describe(event, event.before) if event.before else "",
                after=describe(event, event.after),
            )
        )
    return changes
