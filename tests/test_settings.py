"""Settings read from the environment: DATABASE_URL, SECRET_KEY and DEBUG, locale defaults."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings import database_from_url

# Variables the settings module reads; the subprocess starts without any of them.
SETTINGS_VARIABLES = (
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "LANGUAGE_CODE",
    "TIME_ZONE",
    "DJANGO_SETTINGS_MODULE",
)

PRINT_SETTINGS = (
    "import json, config.settings as s; "
    "print(json.dumps({'LANGUAGE_CODE': s.LANGUAGE_CODE, 'TIME_ZONE': s.TIME_ZONE, 'USE_TZ': s.USE_TZ, "
    "'DEBUG': s.DEBUG, 'SECRET_KEY_SET': bool(s.SECRET_KEY)}))"
)


def import_settings(**environment: str) -> subprocess.CompletedProcess:
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


# database_from_url


def test_postgres_url_gives_user_password_host_port_and_name():
    database = database_from_url("postgres://registry:secret@db.example.org:6543/registry")
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"], database["HOST"], database["PORT"], database["NAME"]) == (
        "registry",
        "secret",
        "db.example.org",
        "6543",
        "registry",
    )
    assert database["OPTIONS"] == {}


@pytest.mark.parametrize("scheme", ["postgresql", "pgsql"])
def test_postgres_url_accepts_the_other_scheme_spellings(scheme):
    assert database_from_url(f"{scheme}://u@localhost/db")["ENGINE"] == "django.db.backends.postgresql"


def test_postgres_url_decodes_percent_encoded_parts():
    database = database_from_url("postgres://reg%40user:p%40ss%3Aw%2Frd@127.0.0.1:5432/my%20registry")
    assert database["USER"] == "reg@user"
    assert database["PASSWORD"] == "p@ss:w/rd"
    assert database["NAME"] == "my registry"
    assert database["HOST"] == "127.0.0.1"


def test_postgres_url_without_password_or_port_leaves_them_empty():
    database = database_from_url("postgres://postgres@127.0.0.1/registry")
    assert (database["USER"], database["PASSWORD"], database["PORT"]) == ("postgres", "", "")


def test_postgres_url_query_becomes_options():
    database = database_from_url("postgres://u:p@db/registry?sslmode=require&connect_timeout=5")
    assert database["OPTIONS"] == {"sslmode": "require", "connect_timeout": "5"}


def test_sqlite_url_with_a_relative_path():
    database = database_from_url("sqlite:///var/registry.db")
    assert database == {"ENGINE": "django.db.backends.sqlite3", "NAME": "var/registry.db"}


def test_sqlite_url_with_an_absolute_path():
    assert database_from_url("sqlite:////srv/registry/db.sqlite3")["NAME"] == "/srv/registry/db.sqlite3"


def test_sqlite_url_without_a_path_uses_the_project_database():
    assert database_from_url("sqlite:///")["NAME"] == settings.BASE_DIR / "db.sqlite3"


@pytest.mark.parametrize("url", ["mysql://u:p@localhost/registry", "registry.db", "oracle://db/registry"])
def test_unsupported_database_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured):
        database_from_url(url)


# Importing the settings module


def test_settings_refuse_to_start_without_secret_key_when_debug_is_unset():
    process = import_settings()
    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr
    assert "SECRET_KEY" in process.stderr


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    process = import_settings(DEBUG="0")
    assert process.returncode != 0
    assert "ImproperlyConfigured" in process.stderr


def test_settings_start_without_secret_key_in_debug_with_russian_locale():
    process = import_settings(DEBUG="1")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout) == {
        "LANGUAGE_CODE": "ru",
        "TIME_ZONE": "Europe/Moscow",
        "USE_TZ": True,
        "DEBUG": True,
        "SECRET_KEY_SET": True,
    }


def test_settings_start_with_a_secret_key_and_debug_off():
    process = import_settings(SECRET_KEY="a-secret-for-this-test-only")
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["DEBUG"] is False
