import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("guidance:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_signed_in_user_browses_the_sections_categories_and_terms(client, guidance):
    client.force_login(UserFactory(roles=[Role.REPORTER]))
    response = client.get(reverse("guidance:index"))
    assert response.status_code == 200
    body = response.content.decode()
    for label in ("2.2 Remaining apolitical", "6.4 Equity and diversity", "Micro-blogging"):
        assert label in body
    assert "Official use" in body and "Private use" in body


def test_section_page_explains_the_section(client, guidance):
    client.force_login(UserFactory())
    response = client.get(reverse("guidance:section", args=["vps-code-2007", "3.5"]))
    assert response.status_code == 200
    assert "What it means for social media" in response.content.decode()
    assert "Making public comment" in response.content.decode()


def test_unknown_section_is_404(client, guidance):
    client.force_login(UserFactory())
    response = client.get(reverse("guidance:section", args=["vps-code-2007", "9.9"]))
    assert response.status_code == 404


def test_guidance_index_query_count_is_fixed(client, guidance, django_assert_num_queries):
    client.force_login(UserFactory())
    # session, user with roles and organisation (navigation), sections, categories, definitions
    with django_assert_num_queries(5):
        client.get(reverse("guidance:index"))
