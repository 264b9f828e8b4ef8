"""Multi-factor sign-in: time-based one-time codes (TOTP, django-otp) or passkeys
(WebAuthn, django-otp-webauthn; phishing-resistant, as the Essential Eight asks).

With MFA_REQUIRED on, a signed-in person reaches no page until they have entered a
code from their authenticator app in this session: first they enrol (scan a QR code
or type the key), afterwards they verify. Successes and failures are security events.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import SecurityEvent

DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_passkey(user) -> bool:
    from django_otp_webauthn.models import WebAuthnCredential

    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user) -> bool:
    return confirmed_device(user) is not None or has_passkey(user)


def verified_with_passkey(user) -> bool:
    """This session's second factor was a passkey (bound to this site's origin, so a
    look-alike site cannot relay it, unlike a typed code)."""
    from django_otp_webauthn.models import WebAuthnCredential

    return isinstance(getattr(user, "otp_device", None), WebAuthnCredential)


def needs_phishing_resistant(user) -> bool:
    """HR staff of an organisation that asks for phishing-resistant sign-in."""
    from .models import CASE_HANDLING_ROLES

    if not user.roles.intersection(CASE_HANDLING_ROLES) or user.organisation_id is None:
        return False
    return user.organisation.hr_require_phishing_resistant


def enrolment_device(user) -> TOTPDevice:
    """The person's unconfirmed device, created on first visit to the set-up page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def setup_details(device: TOTPDevice) -> dict[str, str]:
    uri = device.config_url
    return {
        "qr_data_uri": segno.make(uri, error="m").png_data_uri(scale=5, border=2),
        "secret": b32encode(device.bin_key).decode().rstrip("="),
    }


def _record(request, kind: str) -> None:
    user = request.user
    SecurityEvent.objects.create(
        kind=kind,
        username=user.get_username(),
        user=user,
        ip_address=request.META.get("REMOTE_ADDR"),
    )


def verify(request, device: TOTPDevice, token: str) -> bool:
    """Check a code; on success mark this session as verified. Throttled by django-otp."""
    if device.verify_token(token.strip().replace(" ", "")):
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        _record(request, SecurityEvent.Kind.MFA_VERIFIED)
        return True
    _record(request, SecurityEvent.Kind.MFA_FAILED)
    return False


def reset_devices(*, users, by) -> int:
    """Remove people's authenticator apps and passkeys (a lost phone or key). A session
    verified with a removed one is no longer verified, so they must enrol again at their
    next request. Each reset is a security event."""
    count = 0
    for user in users:
        from django_otp_webauthn.models import WebAuthnCredential

        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        passkeys, _ = WebAuthnCredential.objects.filter(user=user).delete()
        if deleted or passkeys:
            count += 1
            SecurityEvent.objects.create(
                kind=SecurityEvent.Kind.MFA_RESET,
                username=user.get_username(),
                user=user,
                actor=by,
            )
    return count
