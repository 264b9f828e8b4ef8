"""A request's identity comes from one source: the token (its holder, never the browser
session beside it), or a session whose second factor was entered.

The probe: with only an HR manager's password and someone else's token, the token pages
answered 200 and made a read-and-write token for the HR manager.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from api.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def _password_only(client, user):
    """Signed in with the password; the second factor not entered."""
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)


def _verified(client, user):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _new_token_form() -> dict:
    expires = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    return {"name": "Mine now", "scope": "read_write", "expires_on": expires}


@pytest.fixture
def someone_elses_token(make_token, outsider):
    return {"Authorization": f"Bearer {make_token(outsider, 'read')}"}


def test_a_password_and_someone_elses_token_do_not_open_the_token_page(
    mfa_on, client, hr_manager, someone_elses_token
):
    _password_only(client, hr_manager)
    response = client.get(reverse("api:tokens"), headers=someone_elses_token)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


def test_a_password_and_someone_elses_token_make_no_token(
    mfa_on, client, hr_manager, someone_elses_token
):
    _password_only(client, hr_manager)
    response = client.post(reverse("api:tokens"), _new_token_form(), headers=someone_elses_token)
    assert response.status_code == 302
    assert not ApiToken.objects.filter(user=hr_manager).exists()


def test_a_password_and_someone_elses_token_revoke_nothing(
    mfa_on, client, hr_manager, reporter, make_token, someone_elses_token
):
    make_token(reporter)
    token = ApiToken.objects.get(user=reporter)
    _password_only(client, hr_manager)
    client.post(reverse("api:token_revoke", args=[token.pk]), headers=someone_elses_token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_pages_refuse_a_request_with_an_authorization_header(
    mfa_on, client, hr_manager, someone_elses_token
):
    _verified(client, hr_manager)
    response = client.post(reverse("api:tokens"), _new_token_form(), headers=someone_elses_token)
    assert response.status_code == 400
    assert "also sent an Authorization header" in response.content.decode()
    assert not ApiToken.objects.filter(user=hr_manager).exists()
    assert client.get(reverse("api:tokens")).status_code == 200, "the session alone works"


def test_the_api_token_endpoints_refuse_a_token_beside_an_unverified_session(
    mfa_on, client, hr_manager, someone_elses_token
):
    _password_only(client, hr_manager)
    response = client.post(
        "/api/v1/tokens/",
        {"name": "x", "scope": "read_write", "expires_at": timezone.now() + dt.timedelta(days=1)},
        content_type="application/json",
        headers=someone_elses_token,
    )
    assert response.status_code == 403
    assert not ApiToken.objects.filter(user=hr_manager).exists()


@pytest.mark.parametrize("url_name", ["api:docs", "api:reference"])
def test_a_token_does_not_take_an_unverified_session_past_the_code_page_on_the_docs(
    mfa_on, client, hr_manager, someone_elses_token, url_name
):
    _password_only(client, hr_manager)
    response = client.get(reverse(url_name), headers=someone_elses_token)
    assert response.status_code == 302


def test_the_api_acts_as_the_tokens_holder_not_the_session(
    mfa_on, client, hr_manager, submitted_concern, someone_elses_token
):
    _verified(client, hr_manager)
    url = f"/api/v1/concerns/{submitted_concern.pk}/"
    assert client.get(url).status_code == 200, "the HR manager's own session sees it"
    as_outsider = client.get(url, headers=someone_elses_token)
    assert as_outsider.status_code == 404


def test_a_refused_token_never_falls_back_to_the_session(
    client, hr_manager, submitted_concern, reporter, make_token
):
    client.force_login(hr_manager)
    url = f"/api/v1/concerns/{submitted_concern.pk}/"
    for header in ("Bearer smct_abcdef_wrong", "Basic aHJtYW5hZ2VyOnBhc3M=", ""):
        response = client.get(url, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json()["error"]["code"] == "authentication_failed"
