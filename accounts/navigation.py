"""Where each role works: one list feeds both the home page and the navigation bar."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Place:
    label: str
    url: str
    description: str


def places_for(user) -> list[Place]:
    if not user.is_authenticated:
        return []
    places = [
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
