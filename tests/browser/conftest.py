"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against the live
server that pytest-django starts. axe-core (bundled by axe-playwright-python) checks pages."""

import importlib
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# build data are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[2] / "test-artifacts"))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def statutory_requirements(transactional_db):
    """The statutory requirements that the data migration loads, present in every browser test.

    Browser tests are transactional: the tables are flushed after each one. serialized_rollback
    should bring the migration's rows back, but once Playwright's greenlet has run, Django may
    hand the test a new connection object without the serialized snapshot, and the rows stay
    gone; reloading them here keeps the tests independent of that.
    """
    from django.apps import apps

    from regulations.models import StatutoryRequirement

    if not StatutoryRequirement.objects.exists():
        importlib.import_module("regulations.migrations.0002_statutory_requirements").load(apps, None)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (.ci/run does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(
        locale="ru-RU", timezone_id="Europe/Moscow", viewport={"width": 1280, "height": 900}
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """axe-core's violations on the current page, limited to the given impact levels
    (pass impacts=None for every violation)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    if impacts is None:
        return violations
    return [v for v in violations if v.get("impact") in impacts]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        targets = ", ".join(str(node.get("target")) for node in violation.get("nodes", [])[:5])
        lines.append(f"{violation['id']} ({violation.get('impact')}): {violation['help']} — {targets}")
    return "\n".join(lines)
