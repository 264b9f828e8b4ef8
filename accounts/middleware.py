"""Idle timeout and absolute lifetime for signed-in sessions."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

STARTED = "auth_started_at"
SEEN = "auth_seen_at"
# Refresh the "last seen" mark at most this often, so most requests write nothing.
SEEN_RESOLUTION = 60


def start_session_clock(session) -> None:
    """Called at sign-in: the session's lifetime and idle time count from now."""
    now = time.time()
    session[STARTED] = now
    session[SEEN] = now


class SessionTimeoutMiddleware:
    """Sign a person out after SESSION_IDLE_TIMEOUT seconds without a request, and in any
    case SESSION_ABSOLUTE_TIMEOUT seconds after signing in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(STARTED)
            seen = session.get(SEEN)
            if started is None or seen is None:
                session[STARTED] = started or now
                session[SEEN] = now
            elif (
                now - started > settings.SESSION_ABSOLUTE_TIMEOUT
                or now - seen > settings.SESSION_IDLE_TIMEOUT
            ):
                logout(request)
                messages.info(
                    request, "You were signed out to keep the records safe. Sign in again."
                )
                login = reverse(settings.LOGIN_URL)
                if request.method == "GET":
                    return redirect(f"{login}?next={request.path}")
                return redirect(login)
            elif now - seen > SEEN_RESOLUTION:
                session[SEEN] = now
        return self.get_response(request)


class MFARequiredMiddleware:
    """With MFA_REQUIRED, a signed-in person who has not entered a code this session can
    reach only the pages that let them do so (and sign out)."""

    ALLOWED = (
        "accounts:mfa_setup",
        "accounts:mfa_verify",
        "accounts:logout",
        "accounts:login",
    )
    ALLOWED_PREFIXES = ("/accounts/password-reset/", "/accounts/sso/", "/accounts/passkeys/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED
            and user is not None
            and user.is_authenticated
            and not self._second_factor_done(request, user)
            and not self._exempt(request)
        ):
            from .mfa import has_second_factor

            target = "accounts:mfa_verify" if has_second_factor(user) else "accounts:mfa_setup"
            url = reverse(target)
            if request.method == "GET":
                url = f"{url}?next={request.get_full_path()}"
            return redirect(url)
        return self.get_response(request)

    def _second_factor_done(self, request, user) -> bool:
        from .mfa import needs_phishing_resistant, verified_with_passkey

        if needs_phishing_resistant(user):
            return verified_with_passkey(user)
        return user.is_verified() or self._provider_checked_second_factor(request, user)

    @staticmethod
    def _provider_checked_second_factor(request, user) -> bool:
        """Signed in through an identity provider that asks for its own second factor."""
        from .oidc import SESSION_PROVIDER

        provider_id = request.session.get(SESSION_PROVIDER)
        if provider_id is None:
            return False
        provider = getattr(user.organisation, "identity_provider", None)
        return bool(provider and provider.pk == provider_id and provider.checks_second_factor)

    def _exempt(self, request) -> bool:
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path in (
            reverse("health"),
            reverse("health_status"),
        ):
            return True
        if path.startswith(self.ALLOWED_PREFIXES):
            return True
        if "HTTP_AUTHORIZATION" in request.META and path.startswith(self.api_endpoints()):
            # A request to the API's endpoints that names its own credentials is
            # authenticated by them alone: Django REST framework then takes the identity
            # from the token (its holder, never this browser session) or refuses it
            # (api.auth). Nothing else passes: not the token pages, not the
            # documentation, which act for the session.
            return True
        return any(path == reverse(name) for name in self.ALLOWED)

    @staticmethod
    def api_endpoints() -> str:
        """The path every REST endpoint starts with (the API's versioned part)."""
        return f"{reverse('api:docs')}v1/"
