"""The second factor: a browser session must have it for the API too; a request to the
API's endpoints that sends a token is not a session: the token alone decides who it is."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def test_a_token_request_is_not_sent_to_the_code_page(mfa_on, api, reporter):
    response = api(reporter, "read").get("/api/v1/sections/")
    assert response.status_code == 200


def test_a_token_request_from_a_browser_with_an_unverified_session_still_works(
    mfa_on, client, reporter, make_token
):
    TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)  # signed in, second factor not entered
    plaintext = make_token(reporter, "read")
    response = client.get("/api/v1/sections/", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 200


def test_an_unverified_session_cannot_use_the_api(mfa_on, client, reporter):
    TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)
    response = client.get("/api/v1/sections/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/")


def test_an_invalid_token_does_not_let_an_unverified_session_in(mfa_on, client, reporter):
    """The request is the token's alone: refused (and recorded), never the session's."""
    TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)
    response = client.get("/api/v1/sections/", headers={"Authorization": "Bearer smct_abc_forged"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_a_token_header_does_not_exempt_pages_outside_the_api(mfa_on, client, reporter, make_token):
    TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)
    plaintext = make_token(reporter, "read")
    response = client.get("/concerns/mine/", headers={"Authorization": f"Bearer {plaintext}"})
    assert response.status_code == 302


def test_the_session_authenticator_refuses_an_unverified_session_itself(mfa_on, rf, reporter):
    """Behind the middleware, the API's own session check also wants the second factor."""
    from rest_framework.exceptions import AuthenticationFailed
    from rest_framework.request import Request

    from api.auth import VerifiedSessionAuthentication

    request = rf.get("/api/v1/sections/")
    reporter.is_verified = lambda: False
    request.user = reporter
    request._dont_enforce_csrf_checks = True
    with pytest.raises(AuthenticationFailed):
        VerifiedSessionAuthentication().authenticate(Request(request))


def test_a_verified_session_uses_the_api(mfa_on, client, reporter):
    from django_otp import DEVICE_ID_SESSION_KEY

    device = TOTPDevice.objects.create(user=reporter, name="phone", confirmed=True)
    client.force_login(reporter)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assert client.get("/api/v1/sections/").status_code == 200


def test_session_writes_need_the_csrf_token(guidance, reporter):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post("/api/v1/concerns/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
