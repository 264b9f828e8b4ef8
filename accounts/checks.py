"""Deployment checks for what Django's own --deploy checks do not cover."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

MAX_ABSOLUTE_SESSION = 12 * 60 * 60
MAX_IDLE_SESSION = 60 * 60
MAX_RESET_TIMEOUT = 60 * 60


@register(Tags.security, deploy=True)
def check_project_security(app_configs, **kwargs):
    problems = []
    if settings.SESSION_ABSOLUTE_TIMEOUT > MAX_ABSOLUTE_SESSION:
        problems.append(
            Warning(
                "Sessions last longer than 12 hours.",
                hint="Lower SESSION_ABSOLUTE_TIMEOUT.",
                id="conduct.W001",
            )
        )
    if settings.SESSION_IDLE_TIMEOUT > MAX_IDLE_SESSION:
        problems.append(
            Warning(
                "Idle sessions stay signed in for more than an hour.",
                hint="Lower SESSION_IDLE_TIMEOUT.",
                id="conduct.W002",
            )
        )
    if settings.FILE_UPLOAD_PERMISSIONS != 0o600:
        problems.append(
            Warning(
                "Evidence files are not stored with mode 0600.",
                hint="Set FILE_UPLOAD_PERMISSIONS = 0o600.",
                id="conduct.W003",
            )
        )
    if settings.PASSWORD_RESET_TIMEOUT > MAX_RESET_TIMEOUT:
        problems.append(
            Warning(
                "Password reset links stay valid for more than an hour.",
                hint="Lower PASSWORD_RESET_TIMEOUT.",
                id="conduct.W004",
            )
        )
    if settings.ADMIN_URL.strip("/") == "admin":
        problems.append(
            Warning(
                "The admin site is at the default address /admin/.",
                hint="Set ADMIN_URL to a path of your own.",
                id="conduct.W005",
            )
        )
    if not settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"):
        problems.append(
            Warning(
                "Passwords are not hashed with Argon2 first.",
                hint="Put Argon2PasswordHasher first in PASSWORD_HASHERS.",
                id="conduct.W006",
            )
        )
    if settings.OTP_WEBAUTHN_RP_ID == "localhost" or any(
        not origin.startswith("https://") for origin in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS
    ):
        problems.append(
            Warning(
                "Passkeys are set up for a local address, not the site's.",
                hint="Set WEBAUTHN_RP_ID to the site's host name and WEBAUTHN_ORIGINS to its "
                "https address.",
                id="conduct.W008",
            )
        )
    if not settings.MFA_REQUIRED:
        problems.append(
            Warning(
                "Multi-factor sign-in is not required.",
                hint="Set MFA_REQUIRED=true.",
                id="conduct.W007",
            )
        )
    return problems
