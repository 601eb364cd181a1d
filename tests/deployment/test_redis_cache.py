"""CATALOGUE_CACHE=redis: the public pages are shared through Redis by Django's RedisCache, and a
Redis that stops costs speed, not an error page."""

import json

import pytest
import redis
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.catalogue.helpers import published
from tests.deployment.test_stack import manage

pytestmark = pytest.mark.django_db


def catalogue_in_redis(settings, url: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {
            "BACKEND": "config.cache.CatalogueRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "catalogue",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    # Django's setting_changed receiver gives the cache handler the new aliases.
    assert type(caches["catalogue"]).__name__ == "CatalogueRedisCache"


def test_the_setting_selects_djangos_redis_cache_at_redis_url():
    probe = "from django.conf import settings as s; import json; print(json.dumps(s.CACHES['catalogue']))"
    process = manage(
        "shell",
        "-c",
        probe,
        DEBUG="1",
        CATALOGUE_CACHE="redis",
        REDIS_URL="redis://127.0.0.1:6390/2",
    )
    assert process.returncode == 0, process.stderr
    catalogue = json.loads(process.stdout.strip().splitlines()[-1])
    assert catalogue["BACKEND"] == "config.cache.CatalogueRedisCache"
    assert catalogue["LOCATION"] == "redis://127.0.0.1:6390/2"
    from django.core.cache.backends.redis import RedisCache

    from config.cache import CatalogueRedisCache

    assert issubclass(CatalogueRedisCache, RedisCache)


def test_a_public_page_is_stored_in_redis_and_served_from_it(client, settings, redis_url):
    catalogue_in_redis(settings, redis_url)
    service = published().service
    address = f"/services/{service.registry_number}/"
    with CaptureQueriesContext(connection) as first:
        assert client.get(address).status_code == 200
    assert redis.Redis.from_url(redis_url).dbsize() >= 1
    with CaptureQueriesContext(connection) as second:
        again = client.get(address)
    assert again.status_code == 200
    assert service.registry_number in again.content.decode()
    assert len(second) < len(first)  # the page came from Redis, only the version was read


def test_pages_still_answer_while_redis_is_down(client, settings, caplog):
    from tests.deployment.conftest import free_port

    catalogue_in_redis(settings, f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    service = published().service
    response = client.get(f"/services/{service.registry_number}/")
    assert response.status_code == 200
    assert "Redis недоступен" in caplog.text
