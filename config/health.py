"""Health: liveness for the load balancer, and a detailed status for people and monitors.

`/health/` answers whether this process can serve pages: 200 while the database
answers, 503 when it does not. It never touches Redis: during a Redis outage every
page still works (the cache fails soft, emails wait in the outbox), so taking the web
servers out of the load balancer then would turn a degraded service into no service.

`/health/status/` reports each dependency. The database down is "unavailable" (503);
the cache or the broker down, or evidence storage not writable, is "degraded" (200):
the service works, more slowly or with emails delayed. A component is named with a
fixed phrase, never an error text that could show an internal host name.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK = "ok"
DEGRADED = "degraded"
UNAVAILABLE = "unavailable"


class CheckFailed(Exception):
    """A component does not work; the message is shown as is."""


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        logger.warning("Health: the database does not answer: %s", exc)
        raise CheckFailed("The database does not answer.") from exc
    return "The database answers."


def _redis_ping(url: str) -> None:
    """Ping the Redis server at `url`, once, with a short timeout; record the outcome."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    from config.breaker import breaker_for

    breaker = breaker_for(url)
    client = redis.Redis.from_url(
        url, socket_connect_timeout=1, socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        breaker.failed(exc)
        raise
    finally:
        client.close()
    breaker.succeeded()


def check_cache() -> str:
    location = settings.CACHES["default"].get("LOCATION", "")
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return "The cache is kept in this process's memory."
    try:
        _redis_ping(location if isinstance(location, str) else location[0])
    except Exception as exc:
        logger.warning("Health: the cache does not answer: %s", exc)
        raise CheckFailed("The cache does not answer; pages are served without it.") from exc
    return "The cache answers."


def check_broker() -> str:
    from config.celery_app import app

    if app.conf.task_always_eager or not str(app.conf.broker_url).startswith("redis"):
        return "No broker: tasks run in this process."
    try:
        _redis_ping(app.conf.broker_url)
    except Exception as exc:
        logger.warning("Health: the broker does not answer: %s", exc)
        raise CheckFailed(
            "The task broker does not answer; emails wait in the outbox until it is back."
        ) from exc
    return "The task broker answers."


def check_storage() -> str:
    # A folder not made yet is fine if it can be: storage creates it with the first file.
    root = os.path.abspath(settings.MEDIA_ROOT)
    while not os.path.exists(root) and os.path.dirname(root) != root:
        root = os.path.dirname(root)
    if not (os.path.isdir(root) and os.access(root, os.W_OK)):
        raise CheckFailed("Evidence storage is not writable.")
    return "Evidence storage is writable."


# name, check, what its failure means for the service
CHECKS: tuple[tuple[str, Callable[[], str], str], ...] = (
    ("database", check_database, UNAVAILABLE),
    ("cache", check_cache, DEGRADED),
    ("broker", check_broker, DEGRADED),
    ("storage", check_storage, DEGRADED),
)


@never_cache
@require_safe
def liveness(request):
    """200 while the database answers, 503 when it does not. Nothing else is checked."""
    try:
        check_database()
    except CheckFailed as exc:
        return JsonResponse({"status": UNAVAILABLE, "message": str(exc)}, status=503)
    return JsonResponse({"status": OK})


@never_cache
@require_safe
def status(request):
    """Every component: ok, or failed and what that means; 503 only without a database."""
    components = {}
    for name, check, failure in CHECKS:
        try:
            components[name] = {"status": OK, "message": check()}
        except CheckFailed as exc:
            components[name] = {"status": failure, "message": str(exc)}
    found = {component["status"] for component in components.values()}
    overall = next(level for level in (UNAVAILABLE, DEGRADED, OK) if level in found or level == OK)
    return JsonResponse(
        {"status": overall, "components": components},
        status=503 if overall == UNAVAILABLE else 200,
    )
