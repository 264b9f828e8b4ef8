"""Request budgets: one per account across all its tokens and its session (or per address
when anonymous), and a separate, small one per address for refused tokens.

Each token having its own budget let a person multiply theirs by making more tokens, so
the budget is counted per account. A service identity's tokens share its budget.
Addresses are read as the sign-in throttle reads them (django-axes, which counts only
the proxies configured in AXES_PROXY_COUNT), so a made-up X-Forwarded-For header does
not buy a fresh budget.
"""

from __future__ import annotations

import logging
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)

# Refused tokens (unknown, mistyped, expired or revoked) allowed per address per window.
BAD_TOKEN_LIMIT = 10
BAD_TOKEN_WINDOW = 10 * 60  # seconds


def client_address(request) -> str | None:
    try:
        return get_client_ip_address(request)
    except Exception:  # an odd proxy header must not break the request
        return request.META.get("REMOTE_ADDR")


class ApiRateThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        # Read at each request, so the setting (and tests' overrides) always apply.
        return f"{settings.API_REQUESTS_PER_MINUTE}/min"

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def get_cache_key(self, request, view) -> str:
        if request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"anon:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


# --- Refused tokens ------------------------------------------------------------------


def _bad_token_key(address: str | None) -> str:
    return f"throttle_bad_token_{address or 'unknown'}"


def _recent_refusals(address: str | None, now: float) -> list[float]:
    history = cache.get(_bad_token_key(address)) or []
    return [at for at in history if at > now - BAD_TOKEN_WINDOW]


def bad_token_wait(request) -> int | None:
    """Seconds this address must wait before its next token is looked at, or None."""
    now = time.time()
    recent = _recent_refusals(client_address(request), now)
    if len(recent) < BAD_TOKEN_LIMIT:
        return None
    return max(1, int(BAD_TOKEN_WINDOW - (now - min(recent))) + 1)


def count_bad_token(request) -> bool:
    """Count one refused token for this address; True when it has just reached the limit."""
    address = client_address(request)
    now = time.time()
    recent = [*_recent_refusals(address, now), now][-BAD_TOKEN_LIMIT:]
    cache.set(_bad_token_key(address), recent, BAD_TOKEN_WINDOW)
    return len(recent) >= BAD_TOKEN_LIMIT
