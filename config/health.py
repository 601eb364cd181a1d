"""/healthz: whether the database and the catalogue's cache answer, for a load balancer or a
monitor. 200 when both do, 503 (with Retry-After) when either does not; the JSON says which.
Never cached, no session, no template: it must answer when the rest cannot."""

import time

from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.faults import RETRY_AFTER_SECONDS

CACHE_ALIAS = "catalogue"


def _database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        return {"status": "unavailable", "error": type(error).__name__}
    return {"status": "ok", "ms": round((time.perf_counter() - started) * 1000, 1)}


def _cache() -> dict:
    cache = caches[CACHE_ALIAS]
    backend = type(cache).__name__
    if isinstance(cache, DummyCache):
        return {"status": "off", "backend": backend}
    started = time.perf_counter()
    try:
        if isinstance(cache, RedisCache):
            # Straight to the client: the catalogue's backend turns a failure into a cache miss.
            cache._cache.get_client(write=True).ping()
        else:
            cache.set("healthz", "1", 10)
            if cache.get("healthz") != "1":
                return {"status": "unavailable", "backend": backend, "error": "the value read back differs"}
    except Exception as error:  # noqa: BLE001 — any failure of the cache is "unavailable"
        return {"status": "unavailable", "backend": backend, "error": type(error).__name__}
    return {"status": "ok", "backend": backend, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "cache": _cache()}
    healthy = all(check["status"] in {"ok", "off"} for check in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    if not healthy:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
