"""The Redis cache, failing soft.

Everything this project keeps in the cache is an optimisation: built dashboard figures,
the REST API's request budgets (the rollups' "current" mark is in the database). Sessions,
the notification outbox and every record live in the database. So when Redis cannot be
reached, a read is a miss and a write is dropped (each logged as a warning): pages keep
working from the database instead of failing with a 500, the dashboard builds its
panels again from the rollups, and the detailed status page (/health/status/) reports
the cache as unavailable.

A value that can no longer be read (pickled by an earlier release whose classes have
moved, say) is a miss too: it is logged, deleted and rebuilt, never a 500.

After a connection failure the cache is not tried again for REDIS_BACKOFF_SECONDS
(config/breaker.py): during an outage each request pays for one failed connection per
process and backoff, not one per cache call.
"""

from __future__ import annotations

import logging
import pickle  # nosec B403: reading back only what this application wrote

from django.core.cache.backends.redis import RedisCache, RedisSerializer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

from config.breaker import breaker_for

logger = logging.getLogger(__name__)


class UnreadableValue(Exception):
    """A cached value that this version of the code cannot unpickle."""


class FailSoftSerializer(RedisSerializer):
    """Django's serializer, saying so when a value no longer unpickles (a class it names
    has moved or gone since it was written) instead of raising whatever pickle raised."""

    def loads(self, data):
        try:
            return int(data)
        except ValueError:
            pass
        try:
            return pickle.loads(data)  # noqa: S301  # nosec B301: only this app writes the cache
        except Exception as exc:
            raise UnreadableValue(repr(exc)) from exc


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._options = {"serializer": FailSoftSerializer, **self._options}

    @property
    def breaker(self):
        return breaker_for(self._servers[0])

    def _soft(self, fallback, operation, *args, **kwargs):
        breaker = self.breaker
        if not breaker.allows():
            return fallback  # backing off after a failure: a miss, at once
        try:
            result = operation(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError) as exc:
            logger.warning(
                "Cache unavailable, carrying on without it (%s): %s", operation.__name__, exc
            )
            breaker.failed(exc)
            return fallback
        except RedisError as exc:  # the server answered, with an error: no backoff
            logger.warning("Cache error, carrying on without it (%s): %s", operation.__name__, exc)
            return fallback
        if breaker.failures:
            breaker.succeeded()
        return result

    def get(self, key, default=None, version=None):
        try:
            return self._soft(default, super().get, key, default, version)
        except UnreadableValue as exc:
            logger.error("Cache value %r could not be read; rebuilding it: %s", key, exc)
            self.delete(key, version)
            return default

    def get_many(self, keys, version=None):
        keys = list(keys)
        try:
            return self._soft({}, super().get_many, keys, version)
        except UnreadableValue:  # find which: each unreadable one is logged and deleted
            missing = object()
            found = {key: self.get(key, missing, version) for key in keys}
            return {key: value for key, value in found.items() if value is not missing}

    def has_key(self, key, version=None):
        return self._soft(False, super().has_key, key, version)

    def set(self, key, value, timeout=None, version=None):
        self._soft(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=None, version=None):
        return self._soft(False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=None, version=None):
        return self._soft(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._soft(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._soft(None, super().delete_many, keys, version)

    def clear(self):
        return self._soft(False, super().clear)
