"""The catalogue's shared cache in Redis (CATALOGUE_CACHE=redis): Django's built-in RedisCache,
which answers "not cached" instead of failing the page while Redis is unreachable.

The cache only saves work (every request reads the catalogue's version from the database), so
a stopped Redis must cost speed, never an error page. Each failure is logged; /healthz says
the cache is down."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("registry.cache")
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class CatalogueRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            logger.warning("Redis недоступен, страница собрана без кэша: %s", error)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            logger.warning("Redis недоступен, страница не сохранена в кэше: %s", error)

    def add(self, key, value, timeout=None, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            logger.warning("Redis недоступен: %s", error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            logger.warning("Redis недоступен: %s", error)
            return False

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            logger.warning("Redis недоступен: %s", error)
            return False
