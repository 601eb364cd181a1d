"""Faults: while the database is unavailable pages answer a Russian 503 with Retry-After (not
500), /healthz says what is down, commands end with a Russian message and no traceback, and the
logs are JSON lines on stdout, one per request, errors with their traceback."""

import json
import logging
import sys

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from config.logging import JsonFormatter
from tests.catalogue.helpers import published
from tests.deployment.conftest import free_port
from tests.deployment.test_stack import manage

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails as it does while PostgreSQL restarts."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)


def test_a_page_answers_503_in_russian_with_retry_after_while_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    for address in ("/", "/services/", "/services/10000000001/", "/sitemap.xml"):
        response = client.get(address)
        assert response.status_code == 503, address
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert "Сервис временно недоступен" in page and 'lang="ru"' in page
        assert "Traceback" not in page


def test_a_database_error_in_the_session_middleware_is_a_503_too(database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "k" * 32  # loading the session asks the database first
    response = client.get("/workspace/")
    assert response.status_code == 503


def test_other_errors_are_still_the_500_page(rf):
    from config.faults import server_error

    try:
        raise ValueError("a bug")
    except ValueError:
        other = server_error(rf.get("/"))
    try:
        raise OperationalError("server closed the connection unexpectedly")
    except OperationalError:
        database = server_error(rf.get("/"))
    assert other.status_code == 500 and "Retry-After" not in other
    assert database.status_code == 503 and database["Retry-After"] == "30"


# /healthz


def test_health_is_200_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "ok"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_is_503_and_names_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["database"] == {"status": "unavailable", "error": "OperationalError"}
    assert body["cache"]["status"] == "ok"


def test_health_is_503_and_names_the_cache_when_redis_is_down(client, settings):
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {
            "BACKEND": "config.cache.CatalogueRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"]["status"] == "ok"
    assert body["cache"]["status"] == "unavailable" and body["cache"]["backend"] == "CatalogueRedisCache"


def test_health_is_200_with_redis_up(client, settings, redis_url):
    settings.CACHES = {
        **settings.CACHES,
        "catalogue": {"BACKEND": "config.cache.CatalogueRedisCache", "LOCATION": redis_url},
    }
    assert client.get("/healthz").json()["cache"]["status"] == "ok"


# Commands


def test_a_command_without_its_database_ends_with_a_russian_message_and_no_traceback():
    process = manage(
        "publish_scheduled",
        DEBUG="1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/registry?connect_timeout=2",
    )
    assert process.returncode == 3
    assert "Команда прервана: база данных недоступна" in process.stderr
    assert "Traceback" not in process.stderr


def test_connections_are_checked_before_reuse():
    from config.settings import database_from_url

    assert database_from_url("postgres://u@127.0.0.1/registry")["CONN_HEALTH_CHECKS"] is True


# Logs


def test_each_request_is_one_json_line_with_method_path_status_and_duration(client, caplog):
    service = published().service
    with caplog.at_level(logging.INFO, logger="registry.request"):
        client.get(f"/services/{service.registry_number}/?q=1")
        client.get("/no-such-page/")
    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "registry.request"]
    assert [(line["method"], line["path"], line["status"]) for line in lines] == [
        ("GET", f"/services/{service.registry_number}/", 200),
        ("GET", "/no-such-page/", 404),
    ]
    assert all(isinstance(line["duration_ms"], float) and line["level"] == "INFO" for line in lines)


def test_an_error_is_one_json_line_with_its_traceback(caplog, database_down):
    with caplog.at_level(logging.ERROR):
        Client(raise_request_exception=False).get("/services/")
    formatted = [JsonFormatter().format(record) for record in caplog.records if record.exc_info]
    assert formatted, "the error was logged with its exception"
    line = json.loads(formatted[0])
    assert "\n" not in formatted[0]
    assert "OperationalError: connection to server" in line["traceback"]
    assert line["level"] == "ERROR"


def test_the_logs_go_to_stdout_as_json():
    from django.conf import settings

    handler = settings.LOGGING["handlers"]["stdout"]
    assert handler["stream"] == "ext://sys.stdout"
    assert settings.LOGGING["formatters"][handler["formatter"]] == {"()": "config.logging.JsonFormatter"}
    assert sys.stdout is not None


def test_with_debug_on_a_view_losing_the_database_answers_503_too(database_down, settings):
    settings.DEBUG = True  # `make run`: the registry's own pages, not Django's technical one
    response = Client(raise_request_exception=False).get("/services/")
    assert response.status_code == 503
    assert "Сервис временно недоступен" in response.content.decode()
