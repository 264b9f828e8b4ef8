"""Where each role works: one list feeds both the home page and the navigation bar."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

MANAGE = "Manage"  # the navigation bar's menu for the less frequent places


@dataclass(frozen=True)
class Place:
    label: str
    url: str
    description: str
    group: str = ""  # the navigation bar's menu it sits in; "" for the bar itself
    short: str = ""  # its name on the navigation bar, when shorter than the label

    @property
    def nav_label(self) -> str:
        return self.short or self.label


@dataclass(frozen=True)
class NavEntry:
    """One item of the navigation bar: a place, or a menu of places."""

    label: str
    places: tuple[Place, ...]

    @property
    def is_menu(self) -> bool:
        return len(self.places) > 1


def nav_entries(places: list[Place]) -> list[NavEntry]:
    """The places as the navigation bar shows them, so it fits on one line at 1024 px
    whatever roles someone holds: the places of the bar in their order, then the menus;
    a menu of one place is that place."""
    entries: list[NavEntry] = []
    menus: dict[str, int] = {}
    for place in places:
        if not place.group:
            entries.append(NavEntry(place.nav_label, (place,)))
        elif place.group in menus:
            index = menus[place.group]
            entries[index] = NavEntry(place.group, (*entries[index].places, place))
        else:
            menus[place.group] = len(entries)
            entries.append(NavEntry(place.group, (place,)))
    plain = [entry for entry in entries if not entry.places[0].group]
    menus_last = [entry for entry in entries if entry.places[0].group]
    return plain + [
        entry if entry.is_menu else NavEntry(entry.places[0].nav_label, entry.places)
        for entry in menus_last
    ]


def places_for(user) -> list[Place]:
    if not user.is_authenticated:
        return []
    is_verified = getattr(user, "is_verified", None)
    if settings.MFA_REQUIRED and is_verified is not None and not is_verified():
        return []  # nothing to offer until the second factor is entered
    from api.permissions import can_hold_token
    from imports.permissions import can_import
    from incidents.permissions import can_log_concern, can_see_decision_queue, can_see_hr_list
    from records.permissions import can_manage_records
    from reporting.permissions import can_view_reports

    places = []
    if can_log_concern(user):
        places += [
            Place(
                "Log a concern",
                reverse("incidents:create"),
                "Record social media conduct "
                "that may breach the Code of Conduct. It takes a few minutes.",
            ),
            Place(
                "My concerns",
                reverse("incidents:mine"),
                "Follow the status of the concerns you have logged.",
            ),
        ]
    if can_see_hr_list(user):
        places.append(
            Place(
                "Concerns",
                reverse("incidents:list"),
                "Every concern submitted in your organisation.",
            )
        )
    if can_see_decision_queue(user):
        places.append(
            Place(
                "Awaiting your decision",
                reverse("incidents:list") + "?status=decision",
                "You are your organisation's second approver: concerns sent for decision, "
                "to approve and close or return to the investigation.",
                short="Decisions",
            )
        )
    if can_manage_records(user):
        places.append(
            Place(
                "Records",
                reverse("records:disposal"),
                "Closed concerns due for disposal, legal holds and the disposal register.",
                group=MANAGE,
            )
        )
    if can_import(user):
        places.append(
            Place(
                "Imports",
                reverse("imports:list"),
                "Bring in past concerns from a spreadsheet: every row is checked before "
                "anything is created.",
                group=MANAGE,
            )
        )
    if can_view_reports(user):
        places.append(
            Place(
                "Trends",
                reverse("reports:dashboard"),
                "Where social media conduct risk is rising and how well it is handled. "
                "Counts only, never individuals.",
            )
        )
    from .permissions import can_see_access_changes

    if can_see_access_changes(user):
        places.append(
            Place(
                "Access changes",
                reverse("accounts:access_changes"),
                "Who was given or lost a role here, and who was named coordinator or "
                "second approver.",
                group=MANAGE,
            )
        )
    if can_hold_token(user) and (can_see_hr_list(user) or can_view_reports(user)):
        places.append(
            Place(
                "API tokens",
                reverse("api:tokens"),
                "Connect an HR system or a reporting tool: personal tokens that act as you.",
                group=MANAGE,
            )
        )
    places += [
        Place(
            "Guidance",
            reverse("guidance:index"),
            "The Code of Conduct sections that matter for social media, in plain words.",
        ),
    ]
    from .permissions import may_use_admin

    if may_use_admin(user):
        places.append(
            Place(
                "Administration",
                reverse("admin:index"),
                "Users, organisations, business units and reference data.",
                group=MANAGE,
            )
        )
    return places
