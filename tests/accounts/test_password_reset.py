"""Password reset: the same answer for everyone, a link that works once and briefly,
and no way around the second factor."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ask(client, email):
    return client.post(reverse("accounts:password_reset"), {"email": email})


def _link() -> str:
    return re.search(r"https?://[^/]+(/accounts/password-reset/[^\s\"]+/)", mail.outbox[-1].body)[1]


def test_known_and_unknown_addresses_get_the_same_answer(client):
    UserFactory(username="riley", email="riley@example.org")
    known = _ask(client, "riley@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["riley@example.org"]
    assert "OFFICIAL: Sensitive" in mail.outbox[0].subject


def test_the_link_works_once(client):
    UserFactory(username="riley", email="riley@example.org")
    _ask(client, "riley@example.org")
    link = _link()
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    new = {"new_password1": "a-Long-new-passphrase-42", "new_password2": "a-Long-new-passphrase-42"}
    assert client.post(set_url, new).status_code == 302
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_the_link_expires_after_an_hour(client, settings):
    UserFactory(username="riley", email="riley@example.org")
    _ask(client, "riley@example.org")
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch(
        "django.contrib.auth.tokens.PasswordResetTokenGenerator._now", return_value=later
    ):
        page = client.get(_link(), follow=True)
    assert "This link no longer works" in page.content.decode()


def test_a_reset_never_signs_anyone_in_or_skips_the_second_factor(client, settings):
    settings.MFA_REQUIRED = True
    user = UserFactory(username="riley", email="riley@example.org")
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    _ask(client, "riley@example.org")
    set_url = client.get(_link(), follow=True).redirect_chain[-1][0]
    new = {"new_password1": "a-Long-new-passphrase-42", "new_password2": "a-Long-new-passphrase-42"}
    client.post(set_url, new)
    assert client.get(reverse("home")).status_code == 302  # not signed in
    client.post(
        reverse("accounts:login"),
        {"username": "riley", "password": "a-Long-new-passphrase-42"},
    )
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_a_service_identity_is_never_sent_a_reset_link(client, org):
    """Even with a password set behind the application's back (its own save removes it)."""
    from accounts.models import Role, User
    from tests.factories import ServiceIdentityFactory

    service = ServiceIdentityFactory(username="hr-system", organisation=org, roles=[Role.REPORTER])
    service.set_password("Sup3r-secret-pass!")
    User.objects.filter(pk=service.pk).update(password=service.password, email="svc@example.org")
    assert _ask(client, "svc@example.org").status_code == 302
    assert mail.outbox == []
