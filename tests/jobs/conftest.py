"""The exchange tests' demo registry (loaded once per module) serves the jobs' tests too.

The worker's loop closes "old" connections between tasks, as a request does; inside a test's
transaction that would close the test's own connection (its autocommit is off), so the tests
run the loop without it."""

import pytest

from tests.exchange.conftest import _media_root, demo, demo_media

__all__ = ["_media_root", "demo", "demo_media"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection(monkeypatch):
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
