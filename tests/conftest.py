import pytest


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: SQLite reuses the ids and sequence numbers that a
    rolled-back test used, so a cached page of one test could match the version of another."""
    from django.core.cache import caches

    from registry import workdays
    from registry.catalogue import search

    for cache in caches.all():
        cache.clear()
    search._version_cache.clear()
    # A rolled-back test's calendar days leave no signal behind: the next test reads its own.
    workdays.forget_calendar()


@pytest.fixture(scope="module")
def demo_media(tmp_path_factory):
    """Where the demo's form files are written, once per module (see ``demo_registry``)."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(scope="module")
def demo_registry(django_db_setup, django_db_blocker, demo_media):
    """The demo registry as ``manage.py load_demo --admin`` loads it, once per module.

    Loaded inside a transaction that is rolled back after the module, so no other module sees
    it; each test still runs in its own savepoint. Returns the demo users by username."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import override_settings

    from registry.demo import load_demo
    from registry.demo_users import ensure_demo_users
    from registry.management.commands.load_demo import ensure_demo_admin, ensure_demo_audits

    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=demo_media),
        transaction.atomic(),
    ):
        load_demo()
        ensure_demo_admin()
        ensure_demo_users()
        ensure_demo_audits()
        yield {user.username: user for user in get_user_model().objects.all()}
        transaction.set_rollback(True)
