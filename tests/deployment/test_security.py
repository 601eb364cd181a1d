"""Security of the officials' side, a test per protection: lockout per account and per address
(with the page saying how to unlock, the unlock itself and the log line), the
Content-Security-Policy without inline scripts, HSTS and Secure cookies when HTTPS is declared,
the idle timeout, the password validators, and the administrator ending officials' sessions."""

import json
import logging
import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from registry.models import LoginFailures, OfficialSession, Role
from registry.security import LAST_SEEN
from tests import factories
from tests.deployment.test_stack import manage
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db

LOGIN = "/workspace/login/"


def sign_in(client: Client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def official():
    return user_with(Role.OFFICIAL, factories.body(), username="official")


# Lockout


def test_wrong_passwords_lock_the_account_from_any_address_and_the_page_says_how_to_unlock(
    client, official, caplog
):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, "official", "wrong", address=f"192.0.2.{attempt + 1}")
        assert response.status_code == 200  # the form again, with its error
    with caplog.at_level(logging.WARNING, logger="registry.security"):
        assert sign_in(client, "official", "wrong", address="192.0.2.99").status_code == 429
    # Locked: even the right password from a fresh address is refused.
    response = sign_in(client, "official", "demo", address="198.51.100.7")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Вход временно заблокирован" in page
    assert "«official»" in page
    assert "axes_reset_username official" in page  # the administrator's command
    assert "Счётчики неудачных входов" in page  # and the admin's section
    assert "Блокировка снимется сама через 60 мин." in page
    assert "_auth_user_id" not in client.session
    # The lock is logged once, with the account and the address.
    locks = [record for record in caplog.records if getattr(record, "event", "") == "login_locked"]
    assert locks and locks[0].username == "official"


def test_wrong_passwords_from_one_address_lock_that_address_for_every_account(client, official):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, f"guess{attempt}", "wrong", address="203.0.113.9")
    assert sign_in(client, "official", "demo", address="203.0.113.9").status_code == 429
    assert sign_in(Client(), "official", "demo", address="198.51.100.7").status_code == 302


def test_the_administrator_unlocks_an_account_in_the_admin(client, official):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "official", "wrong")
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    admin_client = Client()
    admin_client.force_login(admin)
    changelist = reverse("admin:registry_loginfailures_changelist")
    assert "official" in admin_client.get(changelist).content.decode()
    rows = list(LoginFailures.objects.values_list("pk", flat=True))
    response = admin_client.post(changelist, {"action": "unlock", "_selected_action": rows}, follow=True)
    assert "Блокировка снята: official" in response.content.decode()
    assert sign_in(client, "official", "demo").status_code == 302


def test_the_administrator_unlocks_an_account_from_the_command_line(client, official):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "official", "wrong", address="192.0.2.77")
    assert sign_in(client, "official", "demo", address="198.51.100.8").status_code == 429
    call_command("axes_reset_username", "official", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("axes_reset_ip", "192.0.2.77", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sign_in(client, "official", "demo", address="198.51.100.8").status_code == 302


# Content-Security-Policy


def test_pages_carry_a_policy_that_allows_no_inline_script(client):
    for address in ("/", "/services/", LOGIN, "/admin/login/"):
        policy = client.get(address)["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'", address
        assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy, address
        assert directives["frame-ancestors"] == "'none'", address
        assert directives["object-src"] == "'none'", address


def test_no_template_has_an_inline_script_or_an_event_handler_attribute():
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "registry" / "templates"]
    offenders = []
    for root in roots:
        for template in root.rglob("*.html"):
            text = template.read_text(encoding="utf-8")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag:
                    offenders.append(f"{template}: {tag}")
            offenders += [f"{template}: {m}" for m in re.findall(r"<[^>]*\son[a-z]+\s*=", text)]
            offenders += [f"{template}: javascript:" for _ in re.findall(r"javascript:", text)]
    assert offenders == []


# HTTPS declared


def test_https_declared_turns_on_hsts_redirect_and_secure_cookies():
    probe = (
        "from django.conf import settings as s; import json; print(json.dumps([s.SECURE_HSTS_SECONDS, "
        "s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS]))"
    )
    environment = {"DEBUG": "0", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "registry.example.gov.ru"}
    declared = manage("shell", "-c", probe, HTTPS="1", **environment)
    assert declared.returncode == 0, declared.stderr
    assert json.loads(declared.stdout.strip().splitlines()[-1]) == [31536000, True, True, True, True]
    plain = manage("shell", "-c", probe, **environment)
    assert json.loads(plain.stdout.strip().splitlines()[-1])[:2] == [0, False]


def test_an_https_response_carries_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# Sessions


def test_an_idle_official_is_signed_out_and_told_why(client, official):
    assert sign_in(client, "official", "demo").status_code == 302
    assert client.get("/workspace/").status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - (settings.OFFICIAL_IDLE_MINUTES * 60 + 5)
    session.save()
    response = client.get("/workspace/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert f"Сеанс завершён: не было действий {settings.OFFICIAL_IDLE_MINUTES} мин." in page


def test_an_official_session_is_bounded_and_ends_with_the_browser():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_the_administrator_sees_officials_sessions_and_ends_one(official):
    other = user_with(Role.REVIEWER, factories.body(), username="reviewer")
    first, second = Client(), Client()
    assert sign_in(first, "official", "demo", address="192.0.2.21").status_code == 302
    assert sign_in(second, "reviewer", "demo", address="192.0.2.22").status_code == 302
    admin = get_user_model().objects.create_superuser("root", password="root-password-1")
    admin_client = Client()
    admin_client.force_login(admin)
    changelist = reverse("admin:registry_officialsession_changelist")
    listing = admin_client.get(changelist).content.decode()
    assert "192.0.2.21" in listing and "192.0.2.22" in listing
    assert "Завершить выбранные сеансы" in listing
    row = OfficialSession.objects.get(user=official)
    response = admin_client.post(
        changelist, {"action": "end_sessions", "_selected_action": [row.pk]}, follow=True
    )
    assert "Завершено сеансов: 1." in response.content.decode()
    assert first.get("/workspace/").status_code == 302  # back to the sign-in page
    assert second.get("/workspace/").status_code == 200  # the other official is still in
    assert set(OfficialSession.objects.values_list("user", flat=True)) == {other.pk, admin.pk}


def test_signing_out_removes_the_session_from_the_list(client, official):
    sign_in(client, "official", "demo")
    assert OfficialSession.objects.filter(user=official).count() == 1
    client.post(reverse("workspace:logout"))
    assert not OfficialSession.objects.filter(user=official).exists()


# Passwords


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Xy7#", "Введённый пароль слишком короткий"),
        ("12345678901", "Введённый пароль состоит только из цифр"),
        ("password123", "Введённый пароль слишком широко распространён"),
        ("official-login", "Введённый пароль слишком похож на"),
    ],
)
def test_weak_passwords_are_refused_in_russian(official, password, message):
    official.username = "official-login"
    with pytest.raises(ValidationError) as refused:
        validate_password(password, official)
    assert any(text.startswith(message) for text in refused.value.messages), refused.value.messages
