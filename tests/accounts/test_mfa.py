"""Two-step sign-in: no page but sign-in and the code pages until a code is entered."""

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_on(settings):
    settings.MFA_REQUIRED = True


def _code(device: TOTPDevice, *, ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += ahead * device.step
    return f"{totp.token():06d}"


@pytest.mark.parametrize(
    "url_name", ["home", "guidance:index", "incidents:mine", "incidents:create", "admin:index"]
)
def test_a_signed_in_person_without_a_code_reaches_only_the_code_pages(client, reporter, url_name):
    reporter.is_staff = True
    reporter.save()
    client.force_login(reporter)
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))


def test_enrolment_shows_a_qr_code_and_the_key(client, reporter):
    client.force_login(reporter)
    response = client.get(reverse("accounts:mfa_setup"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/png;base64,' in body
    device = TOTPDevice.objects.get(user=reporter)
    assert not device.confirmed
    assert response.context["secret"] in body


def test_a_wrong_code_is_refused_and_recorded(client, reporter):
    client.force_login(reporter)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "000000"})
    device = TOTPDevice.objects.get(user=reporter)
    if _code(device) == "000000":  # one chance in a million
        pytest.skip("the current code happened to be 000000")
    assert response.status_code == 400
    assert "did not match" in response.content.decode()
    assert SecurityEvent.objects.filter(kind="mfa_failed", user=reporter).exists()
    assert client.get(reverse("home")).status_code == 302


def test_the_right_code_confirms_the_app_and_opens_the_site(client, reporter):
    client.force_login(reporter)
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user=reporter)
    response = client.post(
        reverse("accounts:mfa_setup"), {"code": _code(device), "next": "/concerns/mine/"}
    )
    assert response.status_code == 302 and response["Location"] == "/concerns/mine/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("incidents:mine")).status_code == 200
    assert SecurityEvent.objects.filter(kind="mfa_verified", user=reporter).exists()


def test_next_time_the_person_is_asked_for_a_code_not_enrolled_again(client, reporter):
    device = TOTPDevice.objects.create(user=reporter, name="app", confirmed=True)
    response = client.post(
        reverse("accounts:login"), {"username": reporter.username, "password": "pass"}
    )
    assert response.status_code == 302
    page = client.get(reverse("home"))
    assert page["Location"].startswith(reverse("accounts:mfa_verify"))
    response = client.post(
        reverse("accounts:mfa_verify"), {"code": _code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")  # never off-site
    assert client.get(reverse("home")).status_code == 200


def test_guessing_codes_is_throttled(client, reporter):
    device = TOTPDevice.objects.create(user=reporter, name="app", confirmed=True)
    client.force_login(reporter)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        client.post(reverse("accounts:mfa_verify"), {"code": wrong})
    response = client.post(reverse("accounts:mfa_verify"), {"code": _code(device)})
    assert response.status_code == 400  # even the right code waits out the throttle
    assert client.get(reverse("home")).status_code == 302


def test_malformed_codes_get_a_message(client, reporter):
    TOTPDevice.objects.create(user=reporter, name="app", confirmed=True)
    client.force_login(reporter)
    for code in ("", "12", "abcdef", "1" * 40, "12 34 5x"):
        response = client.post(reverse("accounts:mfa_verify"), {"code": code})
        assert response.status_code == 400, code


def test_sign_in_health_and_static_files_need_no_code(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("health")).status_code in (200, 500)
    assert client.get("/static/css/app.css").status_code in (200, 404)
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_an_administrator_resets_a_lost_authenticator_and_the_person_enrols_again(
    client, reporter, administrator
):
    from accounts import mfa

    device = TOTPDevice.objects.create(user=reporter, name="app", confirmed=True)
    client.force_login(reporter)
    client.post(reverse("accounts:mfa_verify"), {"code": _code(device)})
    assert client.get(reverse("home")).status_code == 200
    assert mfa.reset_devices(users=[reporter], by=administrator) == 1
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("accounts:mfa_setup"))
    assert SecurityEvent.objects.filter(
        kind="mfa_reset", user=reporter, actor=administrator
    ).exists()


def test_a_reset_removes_passkeys_too(reporter, administrator):
    from django_otp_webauthn.models import WebAuthnCredential

    from accounts import mfa

    WebAuthnCredential.objects.create(
        user=reporter, name="Laptop", credential_id=b"id", public_key=b"key", confirmed=True
    )
    assert mfa.reset_devices(users=[reporter], by=administrator) == 1
    assert not WebAuthnCredential.objects.filter(user=reporter).exists()
