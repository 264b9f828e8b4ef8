"""Markers for tests that need a real service.

On a laptop without PostgreSQL or Redis these tests skip and say why. When CI=true
they never skip: a missing service fails the run.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connection

IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        _unavailable(
            f"needs PostgreSQL: set DATABASE_URL=postgres://... (currently {connection.vendor})"
        )


def require_redis() -> None:
    if not settings.REDIS_URL:
        _unavailable("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        _unavailable(f"Redis at REDIS_URL is not answering: {exc}")
