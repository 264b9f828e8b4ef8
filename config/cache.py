"""The Redis cache, failing soft.

Everything this project keeps in the cache is an optimisation: built dashboard figures,
the mark that the report rollups are current, the REST API's request budgets. Sessions,
the notification outbox and every record live in the database. So when Redis cannot be
reached, a read is a miss and a write is dropped (each logged as a warning): pages keep
working from the database instead of failing with a 500, the dashboard counts directly,
and the health check (which writes and reads back a probe key) still reports the cache
as down.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    def _soft(self, fallback, operation, *args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except RedisError as exc:
            logger.warning(
                "Cache unavailable, carrying on without it (%s): %s", operation.__name__, exc
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._soft(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._soft({}, super().get_many, keys, version)

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
