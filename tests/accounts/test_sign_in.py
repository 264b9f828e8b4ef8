import pytest
from django.urls import reverse

from accounts.models import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_page_has_labelled_fields_and_a_skip_link(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'for="id_username"' in body and 'for="id_password"' in body
    assert 'href="#main"' in body and '<main id="main"' in body


def test_user_signs_in_and_lands_on_home(client):
    UserFactory(username="riley", roles=[Role.REPORTER])
    response = client.post(
        reverse("accounts:login"), {"username": "riley", "password": "pass"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Welcome" in response.content.decode()


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="riley")
    response = client.post(reverse("accounts:login"), {"username": "riley", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_sign_out_ends_the_session(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:logout"), follow=True)
    assert "You have signed out." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_home_requires_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302


def test_home_shows_the_roles_held(client):
    client.force_login(UserFactory(roles=[Role.HR_MANAGER, Role.INVESTIGATOR]))
    body = client.get(reverse("home")).content.decode()
    assert "HR investigator" in body and "HR manager" in body


def test_every_page_carries_the_protective_marking(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "OFFICIAL: Sensitive" in body


def test_static_assets_are_local_not_from_a_cdn(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in body
    assert "https://" not in body.split("<body")[0]
