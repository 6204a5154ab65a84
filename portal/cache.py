"""A Redis cache that degrades: when Redis is down, the portal behaves as if the cache were empty.

Pages read cached figures (the home page, the tree) and the API keeps its throttle counts here. With
Django's plain ``RedisCache`` a Redis outage turns each of them into a 500. Here a cache error is logged
in one line (at most once a minute per process, so an outage does not flood the log) and the caller
gets what an empty cache gives: a miss on reads, nothing stored on writes. The page computes its figures.
"""

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")
LOG_EVERY_SECONDS = 60.0


class ForgivingRedisCache(RedisCache):
    _last_logged = 0.0
    _suppressed = 0

    def _forgive(self, operation: str, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except (RedisError, OSError) as error:
            self._log(operation, error)
            return fallback

    def _log(self, operation: str, error: Exception) -> None:
        now = time.monotonic()
        cls = type(self)
        if now - cls._last_logged < LOG_EVERY_SECONDS:
            cls._suppressed += 1
            return
        more = f" ({cls._suppressed} more since the last report)" if cls._suppressed else ""
        log.warning("cache unavailable, computing without it: %s failed: %s%s", operation, error, more)
        cls._last_logged, cls._suppressed = now, 0

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self._forgive(
            "get", lambda: super(ForgivingRedisCache, self).get(key, default, version), default
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._forgive("get_many", lambda: super(ForgivingRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: str, version: int | None = None) -> bool:
        return self._forgive("has_key", lambda: super(ForgivingRedisCache, self).has_key(key, version), False)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._forgive("set", lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._forgive(
            "add", lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version), False
        )

    def set_many(self, data: dict, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list:
        # Every key failed: that is what the return value of set_many reports.
        return self._forgive(
            "set_many", lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._forgive(
            "touch", lambda: super(ForgivingRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: str, version: int | None = None) -> bool:
        return self._forgive("delete", lambda: super(ForgivingRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._forgive(
            "delete_many", lambda: super(ForgivingRedisCache, self).delete_many(keys, version), None
        )

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as error:
            self._log("incr", error)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from None  # as an empty cache does

    def clear(self) -> bool:
        return self._forgive("clear", lambda: super(ForgivingRedisCache, self).clear(), False)
