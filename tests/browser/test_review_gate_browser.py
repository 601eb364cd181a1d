"""Review gated by the validator, in a real browser on the demo registry (the data `make run`
loads): an official who submits a demo draft with errors is refused with the findings, each
linked to its place in the editor, and a half-filled row saves as a draft and is named at its
row; a reviewer approves (with the effective date the form shows) and publishes a complete
edition. axe-core finds no serious or critical violations on the pages of the refusal."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.demo import load_demo
from registry.demo_users import ensure_demo_users
from registry.models import AuditEvent, Edition, EditionStatus, Service
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Demo services of Администрация г. Ульяновска (demo logins ul_official, ul_reviewer).
LAND_USE_DRAFT = "7300000000160000201"  # a draft the demo leaves without fee and registration term
BUILDING_PERMIT = "7300000000160000101"  # published, complete


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    ensure_demo_users()


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/workspace/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Мои услуги", level=1)).to_be_visible()


def assert_accessible(page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def service_page(live_server, registry_number: str) -> str:
    return f"{live_server.url}/workspace/services/{registry_number}/"


def test_an_official_submitting_a_draft_with_errors_is_refused_with_the_findings(
    live_server, browser, demo, artifacts_dir
):
    draft = Service.objects.get(registry_number=LAND_USE_DRAFT).editions.get()
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "ul_official")

    page.goto(service_page(live_server, LAND_USE_DRAFT))
    page.get_by_role("button", name="Отправить на согласование").click()

    refusal = page.locator("#refusal")
    expect(refusal).to_contain_text("Редакция № 1 не отправлена на согласование")
    expect(refusal).to_contain_text("Что нужно исправить")
    codes = refusal.locator("li[data-code]").evaluate_all("items => items.map(i => i.dataset.code)")
    assert "fee.not_answered" in codes and "registration_term.missing" in codes, codes
    page.screenshot(path=str(artifacts_dir / "review-gate-submission-refused.png"), full_page=True)
    assert_accessible(page, "the refused submission")
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.DRAFT
    assert not AuditEvent.objects.filter(edition=draft, kind="submitted").exists()

    # A finding leads to its place in the editor.
    refusal.locator('li[data-code="fee.not_answered"] a').click()
    expect(page).to_have_url(re.compile(rf"/workspace/editions/{draft.pk}/edit/fees/#field-is_free$"))

    # A half-filled fee row saves as a draft; the panel names it at its row.
    page.check("#id_edition-is_free_1")  # «Нет»: the service is paid
    page.fill("#id_fees-0-name", "За выдачу разрешения")
    page.locator(".editor__buttons button[name=save]").click()
    expect(page.locator(".messages")).to_contain_text("сохранён")
    row_finding = page.locator('#validation li[data-code="fee.row_incomplete"] a')
    expect(row_finding).to_have_text(
        "Размеры платы, строка 1 («За выдачу разрешения»): заполните «размер, руб.»."
    )
    row_finding.click()
    expect(page).to_have_url(re.compile(r"/edit/fees/#fees-0$"))
    expect(page.locator("#fees-0")).to_be_visible()
    assert_accessible(page, "the editor with a half-filled row")
    page.screenshot(path=str(artifacts_dir / "review-gate-half-filled-row.png"), full_page=True)
    context.close()


def test_a_reviewer_approves_and_publishes_a_complete_edition(live_server, browser, demo, artifacts_dir):
    service = Service.objects.get(registry_number=BUILDING_PERMIT)
    official_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    official = official_context.new_page()
    log_in(official, live_server, "ul_official")

    # The official starts the next edition (a copy of the current one) and names the change.
    official.goto(service_page(live_server, BUILDING_PERMIT))
    official.get_by_role("button", name="Начать новую редакцию").click()
    expect(official).to_have_url(re.compile(r"/workspace/editions/\d+/edit/$"))
    draft = service.editions.get(status=EditionStatus.DRAFT)
    official.goto(f"{live_server.url}/workspace/editions/{draft.pk}/edit/edition/")
    official.fill("#id_edition-change_note", "Уточнён срок ожидания в очереди.")
    official.locator(".editor__buttons button[name=save]").click()
    expect(official.locator("#validation")).to_contain_text("Ошибок нет")
    official.get_by_role("button", name="Отправить на согласование").click()
    expect(official.locator(".message--success")).to_contain_text("отправлена на согласование")
    official_context.close()

    reviewer_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    reviewer = reviewer_context.new_page()
    log_in(reviewer, live_server, "ul_reviewer")
    reviewer.goto(service_page(live_server, BUILDING_PERMIT))
    today = timezone.localdate()
    # The approval form says which date the edition is approved with.
    date_field = reviewer.get_by_label("Дата вступления в силу")
    expect(date_field).to_have_value(today.isoformat())
    expect(reviewer.locator("form[action$='/approve/']")).to_contain_text(
        "Пусто — дата, указанная в редакции"
    )
    reviewer.screenshot(path=str(artifacts_dir / "review-gate-approve.png"), full_page=True)
    assert_accessible(reviewer, "the service page with the approval form")
    reviewer.get_by_role("button", name="Утвердить").click()
    expect(reviewer.locator(".message--success")).to_contain_text(
        f"утверждена с датой вступления в силу {today:%d.%m.%Y}"
    )
    assert Edition.objects.get(pk=draft.pk).effective_date == today

    reviewer.get_by_text("Опубликовать", exact=True).click()
    expect(reviewer.get_by_label("Дата вступления в силу")).to_have_value(today.isoformat())
    reviewer.get_by_role("button", name="Опубликовать редакцию").click()
    expect(reviewer.locator(".message--success")).to_contain_text(
        f"опубликована и действует с {today:%d.%m.%Y}"
    )
    assert Edition.objects.get(pk=draft.pk).status == EditionStatus.PUBLISHED
    reviewer.screenshot(path=str(artifacts_dir / "review-gate-published.png"), full_page=True)
    reviewer_context.close()
