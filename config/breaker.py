"""A circuit breaker per Redis server: after a connection failure, skip it for a while.

During a Redis outage every cache read and every task queued would otherwise try to
connect again and wait for the refusal or the connect timeout: measured at about
0.6 s for each `delay()` (kombu's publish retries) and up to the 1 s connect timeout
for each cache call when the host does not answer. After one failure the breaker
opens for REDIS_BACKOFF_SECONDS: calls in that time are skipped at once (a cache miss,
a task not queued). The first call after it tries again; success closes the breaker,
another failure opens it for the same time.

Skipping is safe because nothing durable lives in Redis: the cache holds optimisations,
and every email is an outbox row that the periodic resend queues once the broker is back.

The state is per process (each gunicorn worker, each Celery worker) and kept per
server address, so the cache and the broker on one Redis share a breaker.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_breakers: dict[str, Breaker] = {}


class Breaker:
    def __init__(self, address: str):
        self.address = address
        self.open_until = 0.0  # time.monotonic() until which calls are skipped
        self.failures = 0  # consecutive failures, for the log

    def allows(self) -> bool:
        """True if a call may go to the server now."""
        return time.monotonic() >= self.open_until

    def failed(self, error: BaseException) -> None:
        backoff = settings.REDIS_BACKOFF_SECONDS
        self.failures += 1
        self.open_until = time.monotonic() + backoff
        if backoff:
            logger.warning(
                "Redis at %s failed (%s: %s); skipping it for %d s.",
                self.address,
                type(error).__name__,
                error,
                backoff,
            )

    def succeeded(self) -> None:
        if self.failures:
            logger.info("Redis at %s answers again.", self.address)
        self.failures = 0
        self.open_until = 0.0


def address_of(url: str) -> str:
    """host:port of a Redis URL (the first server of a list); the breaker's key."""
    first = url.replace(",", ";").split(";", 1)[0]
    parts = urlsplit(first)
    return f"{parts.hostname or 'localhost'}:{parts.port or 6379}"


def breaker_for(url: str) -> Breaker:
    address = address_of(url)
    with _lock:
        breaker = _breakers.get(address)
        if breaker is None:
            breaker = _breakers[address] = Breaker(address)
        return breaker


def reset_all() -> None:
    """Close every breaker (tests)."""
    with _lock:
        _breakers.clear()
