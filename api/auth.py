"""How API requests are authenticated, and what a read-only token may do.

A request's identity comes from exactly one source:

- `Authorization: Bearer smct_…` with an API token (api.models.ApiToken): the request
  acts as the token's holder (a person, or a service identity answering to the token's
  maker), never as a browser session it may also carry. A request with any
  Authorization header is never authenticated by the session;
- or, without that header, the browser's signed-in session, only once its second factor
  is verified (MFA_REQUIRED), with Django's CSRF check on writes.

Refused tokens are recorded as security events and throttled per address.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from . import throttles, tokens
from .models import ApiToken

KEYWORD = "Bearer"
REFUSED = (
    "This API token is not valid: it may be mistyped, expired or revoked, or the person "
    "who made it may no longer make it. Make a new one under API tokens in the web "
    "application."
)


class RefusedTokensThrottled(exceptions.Throttled):
    """Too many refused tokens from one address: none is looked at for a while."""

    lead = "Too many requests with tokens that are not valid came from this address."


def token_text(request) -> str | None:
    """The token text from the Authorization header, or None when there is none."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, value = header.partition(" ")
    if keyword.lower() != KEYWORD.lower():
        return None
    return value.strip()


def carries_authorization(request) -> bool:
    """The request names its own credentials, so no browser session may stand in."""
    return "HTTP_AUTHORIZATION" in request.META


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        if not carries_authorization(request):
            return None
        text = token_text(request)
        if text is None:
            raise exceptions.AuthenticationFailed(
                "Send the API token as 'Authorization: Bearer <token>'. Other kinds of "
                "Authorization header are not accepted."
            )
        wait = throttles.bad_token_wait(request)
        if wait is not None:
            raise RefusedTokensThrottled(wait=wait)
        address = throttles.client_address(request)
        token, reason = tokens.check(text)
        if token is None:
            tokens.record_refusal(
                raw=text,
                reason=reason,
                ip_address=address,
                limit_reached=throttles.count_bad_token(request),
            )
            raise exceptions.AuthenticationFailed(REFUSED)
        tokens.record_use(token=token, method=request.method, path=request.path, ip_address=address)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """The browser session, but only after the second factor (as every page requires)."""

    def authenticate(self, request):
        if carries_authorization(request):
            return None  # the token alone decides (ApiTokenAuthentication)
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if getattr(user, "is_service_identity", False):
            raise exceptions.AuthenticationFailed(
                "A service identity uses the API with a token, not a session."
            )
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
