"""Signing in and out of the workspace, in Russian."""

import pytest
from django.urls import reverse

from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db


def test_login_page_is_russian_with_labelled_fields(client):
    content = client.get(reverse("workspace:login")).content.decode()
    assert "Вход в рабочее место" in content
    assert '<label for="id_username">' in content and 'id="id_username"' in content
    assert '<label for="id_password">' in content and 'id="id_password"' in content


def test_login_with_a_wrong_password_says_so(client):
    user_with(username="olga")
    response = client.post(reverse("workspace:login"), {"username": "olga", "password": "wrong"})
    assert response.status_code == 200
    assert "Войти не удалось" in response.content.decode()


def test_login_goes_to_the_requested_page(client):
    user_with(username="olga")
    queue = reverse("workspace:queue")
    response = client.post(
        reverse("workspace:login"), {"username": "olga", "password": "demo", "next": queue}
    )
    assert response.status_code == 302 and response["Location"] == queue


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(user_with())
    response = client.post(reverse("workspace:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("workspace:login")
    assert client.get(reverse("workspace:dashboard")).status_code == 302
