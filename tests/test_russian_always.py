"""The registry answers in Russian whatever the browser asks for, and shows its own pages for
errors and the files browsers and crawlers ask for."""

import pytest
from django.test import override_settings

from tests.catalogue.helpers import published

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_public_pages_are_russian_for_an_english_browser(client):
    service = published().service
    for address in ("/", "/services/", f"/services/{service.registry_number}/", "/workspace/login/"):
        response = client.get(address, **ENGLISH)
        assert response.status_code == 200, address
        content = response.content.decode()
        assert 'lang="ru"' in content, address
        assert 'lang="en"' not in content, address
        assert response.headers.get("Content-Language", "ru") == "ru", address


def test_admin_login_is_russian_for_an_english_browser(client):
    content = client.get("/admin/login/", **ENGLISH).content.decode()
    assert 'lang="ru"' in content
    assert "Войти" in content
    assert "Log in" not in content


def test_numbers_and_form_errors_are_russian_for_an_english_browser(client, settings):
    from django import forms
    from django.utils import formats, translation

    # The request's language is what the middleware chain leaves active.
    client.get("/", **ENGLISH)
    assert translation.get_language() == "ru"
    with translation.override(translation.get_language()):
        assert formats.number_format(1500, force_grouping=True) == "1\xa0500"
        assert forms.IntegerField().error_messages["invalid"] == "Введите целое число."


@override_settings(DEBUG=True)
def test_a_missing_address_shows_the_registrys_own_page_under_debug(client):
    response = client.get("/no-such-page/", **ENGLISH)
    assert response.status_code == 404
    content = response.content.decode()
    assert "Страница не найдена" in content
    assert "URLconf" not in content


@override_settings(DEBUG=True)
def test_a_missing_service_shows_the_registrys_own_page_under_debug(client):
    response = client.get("/services/99999999999/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@override_settings(DEBUG=True)
def test_a_missing_trailing_slash_still_redirects_under_debug(client):
    response = client.get("/services")
    assert response.status_code == 301
    assert response.headers["Location"] == "/services/"


@override_settings(DEBUG=True)
def test_an_error_shows_the_registrys_own_page_under_debug_and_is_logged(client, monkeypatch, caplog):
    from registry.catalogue import views

    def broken(*args, **kwargs):
        raise RuntimeError("сбой для проверки")

    monkeypatch.setattr(views.selectors, "filter_choices", broken)
    client.raise_request_exception = False
    response = client.get("/services/")
    assert response.status_code == 500
    assert "сбой для проверки" not in response.content.decode()
    assert 'lang="ru"' in response.content.decode()
    assert any("сбой для проверки" in str(record.exc_info) for record in caplog.records)


def test_favicon_leads_to_the_registrys_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    from django.contrib.staticfiles import finders

    assert response.headers["Location"] == "/static/registry/favicon.svg"
    assert "<svg" in open(finders.find("registry/favicon.svg"), encoding="utf-8").read()


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_workspace(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /workspace/" in lines
    assert "Disallow: /admin/" in lines
    assert client.get("/sitemap.xml").status_code == 200
