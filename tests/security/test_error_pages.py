"""A refused or missing page is shown in the site's own layout, with a way back."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_forbidden_page_says_why_in_the_sites_layout(client, reporter):
    client.force_login(reporter)
    response = client.get(reverse("incidents:list"))
    assert response.status_code == 403
    assert "This page is not open to you" in response.text
    assert "This list is for HR." in response.text  # the rule's own words
    assert "OFFICIAL: Sensitive" in response.text  # the layout, with its marking
    assert reverse("home") in response.text


def test_a_missing_page_is_shown_in_the_sites_layout(client, reporter):
    client.force_login(reporter)
    response = client.get("/concerns/999999/")
    assert response.status_code == 404
    assert "Nothing to show here" in response.text
    assert "OFFICIAL: Sensitive" in response.text
    assert "No Concern matches" not in response.text  # nothing internal is shown
