"""A reviewer in a real browser: signs in, sees the queue, approves and publishes an edition;
the workspace pages pass axe-core with no serious or critical violations."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import EditionStatus, Role
from registry.services import edition_submit
from tests import factories
from tests.browser.conftest import axe_violations, describe_violations
from tests.workspace.helpers import published_service, user_with

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def assert_accessible(page, what):
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def test_reviewer_approves_and_publishes_from_the_queue(live_server, page, artifacts_dir):
    body = factories.body(
        full_name="Министерство внутренних дел Российской Федерации", short_name="МВД России"
    )
    official = user_with(Role.OFFICIAL, body, first_name="Ольга", last_name="Петрова")
    user_with(Role.REVIEWER, body, username="reviewer", first_name="Роман", last_name="Сидоров")
    published_service(body)
    factories.service(provider=body)  # a service without editions yet
    service = factories.service(provider=body)
    edition = factories.complete_edition(service, short_name="Разрешение на строительство")
    edition_submit(edition=edition, actor=official)

    page.goto(f"{live_server.url}/workspace/")
    expect(page).to_have_url(re.compile(r"/workspace/login/"))
    assert_accessible(page, "login")
    page.get_by_label("Имя пользователя").fill("reviewer")
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()

    expect(page.get_by_role("heading", name="Мои услуги", level=1)).to_be_visible()
    expect(page.get_by_text("На согласовании:")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "dashboard.png"), full_page=True)
    assert_accessible(page, "dashboard")

    page.get_by_role("link", name="Открыть очередь согласования").click()
    expect(page.get_by_role("heading", name="Очередь согласования", level=1)).to_be_visible()
    assert_accessible(page, "queue")
    page.get_by_role("link", name="Разрешение на строительство").click()

    expect(page.get_by_role("heading", name=re.compile("Действия с редакцией № 1"))).to_be_visible()
    assert_accessible(page, "service page")
    page.get_by_role("button", name="Утвердить").click()
    expect(page.locator(".message--success")).to_contain_text("Редакция № 1 утверждена")

    page.get_by_text("Опубликовать", exact=True).click()
    page.get_by_role("button", name="Опубликовать редакцию").click()
    expect(page.locator(".message--success")).to_contain_text("Редакция № 1 опубликована и действует с")
    assert_accessible(page, "service page after publication")

    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
