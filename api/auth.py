"""How API requests are authenticated, and what a read-only token may do.

- `Authorization: Bearer smct_…` with a personal token (api.models.ApiToken);
- or the browser's signed-in session, only once its second factor is verified
  (MFA_REQUIRED), with Django's CSRF check on writes.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from . import tokens
from .models import ApiToken

KEYWORD = "Bearer"


def token_text(request) -> str | None:
    """The token text from the Authorization header, or None when there is none."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, value = header.partition(" ")
    if keyword.lower() != KEYWORD.lower():
        return None
    return value.strip()


def request_has_valid_token(request) -> bool:
    """For the MFA middleware: this request carries a live API token."""
    text = token_text(request)
    return bool(text) and tokens.find_active(text) is not None


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        text = token_text(request)
        if text is None:
            return None
        token = tokens.find_active(text) if text else None
        if token is None:
            raise exceptions.AuthenticationFailed(
                "This API token is not valid: it may be mistyped, expired or revoked. "
                "Make a new one under API tokens in the web application."
            )
        tokens.record_use(
            token=token,
            method=request.method,
            path=request.path,
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, but only after the second factor (as every page requires)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if settings.MFA_REQUIRED and not getattr(user, "is_verified", lambda: False)():
            raise exceptions.AuthenticationFailed(
                "Enter the code from your authenticator app in the web application first."
            )
        return result

    def authenticate_header(self, request) -> str:
        # Make DRF answer 401 (not 403) to a request with no credentials at all.
        return f'{KEYWORD} realm="api"'


def token_of(request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class TokenScopePermission(permissions.BasePermission):
    """A read-only token may read; writes need a read-and-write token (or the session)."""

    message = "This token is read-only. Make a token with read and write scope to change anything."

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None or request.method in permissions.SAFE_METHODS:
            return True
        return token.can_write


class SessionOnly(permissions.BasePermission):
    """Managing tokens needs the signed-in person, not another token."""

    message = "API tokens are managed when signed in to the web application, not with a token."

    def has_permission(self, request, view) -> bool:
        return token_of(request) is None
