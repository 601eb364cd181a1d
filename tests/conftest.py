import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: SQLite reuses the ids and sequence numbers that a
    rolled-back test used, so a cached page of one test could match the version of another."""
    from django.core.cache import caches

    from registry.catalogue import search

    for cache in caches.all():
        cache.clear()
    search._version_cache.clear()
