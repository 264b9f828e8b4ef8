"""The navigation bar's entries: frequent places on the bar, the rest in one menu."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.navigation import nav_entries, places_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _bar(user) -> list[tuple[str, list[str]]]:
    return [
        (entry.label, [place.nav_label for place in entry.places] if entry.is_menu else [])
        for entry in nav_entries(places_for(user))
    ]


def test_someone_with_every_role_gets_the_rare_places_in_one_menu(org):
    everything = UserFactory(
        username="everything", organisation=org, roles=list(Role.values), is_staff=True
    )
    assert _bar(everything) == [
        ("Log a concern", []),
        ("My concerns", []),
        ("Concerns", []),
        ("Trends", []),
        ("Guidance", []),
        ("Manage", ["Records", "Imports", "Access changes", "API tokens", "Administration"]),
    ]


def test_a_menu_of_one_place_is_that_place_and_a_reporter_keeps_a_plain_bar(
    administrator, reporter
):
    assert _bar(administrator) == [("Guidance", []), ("Administration", [])]
    assert _bar(reporter) == [("Log a concern", []), ("My concerns", []), ("Guidance", [])]


def test_the_bar_shows_the_menu_with_its_places_and_the_account_menu(client, org, hr_manager):
    client.force_login(hr_manager)
    page = client.get(reverse("home")).text
    bar = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'data-bs-toggle="dropdown" aria-expanded="false">Manage</button>' in bar
    assert f'href="{reverse("records:disposal")}">Records</a>' in bar
    assert "Sign out" in bar and str(org) in bar
