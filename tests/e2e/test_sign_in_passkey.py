"""Passkeys as the second factor, in Chromium with its virtual authenticator (the DevTools
WebAuthn domain, through Playwright's CDP session).

WebAuthn needs a host name for the relying party (never an IP address), so these tests
reach the live server as localhost.
"""

from __future__ import annotations

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from accounts.models import Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass"


@pytest.fixture
def site(live_server, settings):
    url = live_server.url.replace("127.0.0.1", "localhost")
    settings.MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [url]
    return url


@pytest.fixture
def authenticator(page):
    """A platform authenticator that always verifies the user, like Touch ID would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    added = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp, added["authenticatorId"]


def _password_sign_in(page, site, username):
    page.goto(f"{site}/accounts/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def test_an_hr_manager_enrols_a_passkey_and_signs_in_with_it(page, site, authenticator, shots):
    organisation = OrganisationFactory(
        name="Department of Examples", short_name="examples", hr_require_phishing_resistant=True
    )
    person = UserFactory(username="hrmanager", organisation=organisation, roles=[Role.HR_MANAGER])
    cdp, authenticator_id = authenticator

    _password_sign_in(page, site, "hrmanager")
    expect(page).to_have_url(f"{site}/accounts/two-step/set-up/?next=/")
    expect(page.get_by_text("asks HR staff to use a passkey")).to_be_visible()
    expect(page.get_by_role("heading", name="An authenticator app")).to_have_count(0)
    shots.take(page, "set-up offers a passkey only")
    page.get_by_role("button", name="Create a passkey").click()
    expect(page.locator("#passkey-register-status-message")).not_to_be_empty()
    shots.take(page, "passkey created")
    assert WebAuthnCredential.objects.filter(user=person).count() == 1
    page.get_by_role("link", name="continue").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("body")).to_contain_text("HR manager")

    # Next time: password, then the passkey.
    page.context.clear_cookies()
    _password_sign_in(page, site, "hrmanager")
    expect(page).to_have_url(f"{site}/accounts/two-step/?next=/")
    expect(page.locator("input[name=code]")).to_have_count(0)  # no typed code for HR here
    shots.take(page, "asked for the passkey")
    page.wait_for_load_state("networkidle")  # the passkey script is ready
    page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{site}/", timeout=15_000)
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})
    assert credentials["credentials"][0]["signCount"] >= 1


def test_a_typed_code_does_not_satisfy_the_passkey_rule_for_hr(page, site, authenticator):
    """An HR manager who already uses an authenticator app must still add a passkey."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    organisation = OrganisationFactory(short_name="examples", hr_require_phishing_resistant=True)
    person = UserFactory(username="hrmanager", organisation=organisation, roles=[Role.HR_MANAGER])
    from django_otp.oath import totp

    app = TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)
    _password_sign_in(page, site, "hrmanager")
    expect(page).to_have_url(f"{site}/accounts/two-step/set-up/?next=/")
    page.fill("input[name=code]", f"{totp(app.bin_key):06d}")
    page.get_by_role("button", name="Continue").click()
    # The code confirmed the session, which is still not enough for an HR manager here.
    page.goto(f"{site}/concerns/")
    expect(page).to_have_url(f"{site}/accounts/two-step/set-up/?next=/concerns/")
    page.get_by_role("button", name="Create a passkey").click()
    expect(page.locator("#passkey-register-status-message")).not_to_be_empty()
    page.get_by_role("link", name="continue").click()
    # The session was confirmed with the app: the new passkey is asked for once. The page's
    # passkey script must have loaded before the button does anything (on a busy machine a
    # click could come first), and the ceremony takes a few round trips.
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Use your passkey").click()
    expect(page).to_have_url(f"{site}/concerns/", timeout=15_000)


def test_a_reporter_may_choose_a_passkey_beside_the_authenticator_app(
    page, site, authenticator, shots
):
    organisation = OrganisationFactory(short_name="examples", hr_require_phishing_resistant=True)
    UserFactory(username="reporter", organisation=organisation, roles=[Role.REPORTER])
    _password_sign_in(page, site, "reporter")
    expect(page.get_by_role("heading", name="An authenticator app")).to_be_visible()
    shots.take(page, "both factors offered")
    page.get_by_role("button", name="Create a passkey").click()
    expect(page.locator("#passkey-register-status-message")).not_to_be_empty()
    page.get_by_role("link", name="continue").click()
    expect(page).to_have_url(f"{site}/")
