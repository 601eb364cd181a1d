"""Officials in a real browser on the demo registry as ``make run`` loads it: each signs in,
opens every service of their body from the dashboard and reads its page and audit trail."""

import re

import pytest
from playwright.sync_api import expect

from registry.demo import load_demo
from registry.demo_users import DEMO_PASSWORD, ensure_demo_users
from registry.models import Membership, ProviderBody, Role, Service
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _officials_by_body() -> dict[int, str]:
    """An official's username for every body with a demo service: the demo's own accounts,
    and a new official for a body the demo gives no account."""
    officials = {
        membership.body_id: membership.user.username
        for membership in Membership.objects.filter(role=Role.OFFICIAL).select_related("user")
    }
    for body in ProviderBody.objects.filter(services__isnull=False).distinct():
        if body.pk not in officials:
            officials[body.pk] = user_with(Role.OFFICIAL, body, username=f"official_{body.pk}").username
    return officials


def test_officials_open_every_demo_service_from_their_dashboard(live_server, context, artifacts_dir):
    load_demo()
    ensure_demo_users()
    expected = set(Service.objects.values_list("registry_number", flat=True))
    officials = _officials_by_body()
    assert "mvd_official" in officials.values() and "ul_official" in officials.values()
    opened: set[str] = set()
    for username in sorted(set(officials.values())):
        context.clear_cookies()
        page = context.new_page()
        page.goto(f"{live_server.url}/workspace/login/")
        page.get_by_label("Имя пользователя").fill(username)
        page.get_by_label("Пароль").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Войти").click()
        expect(page.get_by_role("heading", name="Мои услуги", level=1)).to_be_visible()
        links = page.locator("table.dashboard th a")
        hrefs = [links.nth(index).get_attribute("href") for index in range(links.count())]
        assert hrefs, f"{username}: the dashboard lists no service"
        for href in hrefs:
            number = re.search(r"/workspace/services/(\d+)/", href).group(1)
            page.goto(f"{live_server.url}/workspace/")
            page.locator(f'table.dashboard th a[href="{href}"]').click()
            expect(page).to_have_url(re.compile(f"/workspace/services/{number}/$"))
            expect(page.get_by_text(f"Услуга № {number}", exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name="Действующая редакция", level=2)).to_be_visible()
            expect(page.get_by_role("heading", name="Журнал изменений")).to_be_visible()
            page.screenshot(path=str(artifacts_dir / f"workspace-service-{number}-{username}.png"))
            opened.add(number)
        page.close()
    assert opened == expected
