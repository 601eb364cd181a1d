"""The production stack of `make serve`: `check --deploy` is clean when HTTPS is declared, the
static files go out under hashed names from WhiteNoise, the secret key may come from a file,
and gunicorn's worker count follows the cores."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client, override_settings

MANIFEST_STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "registry.example.gov.ru",
    "SECRET_KEY": "x" * 20 + "-not-a-secret-Q7#v9Lp2$Zr8Kd4!Wm6",
}


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    """manage.py in a process of its own, with only the given settings variables."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name
        not in (
            "DEBUG",
            "HTTPS",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY_FILE",
            # The browser tests allow sync database calls in their process; a server never does.
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_is_clean_when_https_is_declared():
    process = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, HTTPS="1")
    assert process.returncode == 0, process.stdout + process.stderr
    assert "no issues" in process.stdout


def test_without_https_declared_the_deploy_check_warns_about_hsts_and_redirect():
    process = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert process.returncode != 0
    assert "security.W004" in process.stderr  # no HSTS
    assert "security.W008" in process.stderr  # no redirect to HTTPS


def test_the_secret_key_may_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("k" * 60 + "\n", encoding="utf-8")
    environment = {**PRODUCTION, "SECRET_KEY_FILE": str(key_file)}
    del environment["SECRET_KEY"]
    process = manage(
        "shell", "-c", "from django.conf import settings; print(len(settings.SECRET_KEY))", **environment
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.strip().splitlines()[-1] == "60"


def test_gunicorn_runs_two_workers_per_core_plus_one(monkeypatch):
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))
    assert config["workers"] == 2 * os.cpu_count() + 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"))["workers"] == 3


@pytest.mark.django_db
def test_static_files_are_served_under_hashed_names_with_debug_off(tmp_path):
    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=MANIFEST_STORAGE):
        call_command("collectstatic", "--noinput", verbosity=0)
        caches["catalogue"].clear()  # a page cached by another test links the plain names
        client = Client()  # a new handler: WhiteNoise reads the new STATIC_ROOT
        page = client.get("/").content.decode()
        stylesheet = re.search(r'href="(/static/registry/site\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page links the stylesheet by its hashed name"
        response = client.get(stylesheet.group(1))
        assert response.status_code == 200
        assert "immutable" in response["Cache-Control"]
        assert b"".join(response.streaming_content)
        compressed = client.get(stylesheet.group(1), HTTP_ACCEPT_ENCODING="gzip")
        assert compressed["Content-Encoding"] == "gzip"
    caches["catalogue"].clear()
