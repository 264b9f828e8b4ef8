"""Where each role works: one list feeds both the home page and the navigation bar."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse


@dataclass(frozen=True)
class Place:
    label: str
    url: str
    description: str


def places_for(user) -> list[Place]:
    if not user.is_authenticated:
        return []
    is_verified = getattr(user, "is_verified", None)
    if settings.MFA_REQUIRED and is_verified is not None and not is_verified():
        return []  # nothing to offer until the second factor is entered
    from api.permissions import can_hold_token
    from imports.permissions import can_import
    from incidents.permissions import can_log_concern, can_see_hr_list
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
    if can_manage_records(user):
        places.append(
            Place(
                "Records",
                reverse("records:disposal"),
                "Closed concerns due for disposal, legal holds and the disposal register.",
            )
        )
    if can_import(user):
        places.append(
            Place(
                "Imports",
                reverse("imports:list"),
                "Bring in past concerns from a spreadsheet: every row is checked before "
                "anything is created.",
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
    if can_hold_token(user) and (can_see_hr_list(user) or can_view_reports(user)):
        places.append(
            Place(
                "API tokens",
                reverse("api:tokens"),
                "Connect an HR system or a reporting tool: personal tokens that act as you.",
            )
        )
    places += [
        Place(
            "Guidance",
            reverse("guidance:index"),
            "The Code of Conduct sections that matter for social media, in plain words.",
        ),
    ]
    if user.is_staff:
        places.append(
            Place(
                "Administration",
                reverse("admin:index"),
                "Users, organisations, business units and reference data.",
            )
        )
    return places
