"""An inspector fills a mystery-shopper audit in a real browser and an official of the audited
body answers its finding with a corrective action; the pages pass axe-core at phone and desktop
sizes with no serious or critical violations."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registry.models import Audit, AuditStatus, FindingStatus, Role
from tests import factories
from tests.audits.helpers import inspector_of, office_with_service
from tests.browser.conftest import axe_violations, describe_violations
from tests.workspace.helpers import user_with

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def assert_accessible_at_both_sizes(page, what):
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        violations = axe_violations(page)
        assert not violations, f"{what} at {size['width']} px:\n{describe_violations(violations)}"


def sign_in(page, base, username):
    page.goto(f"{base}/workspace/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("demo")
    page.get_by_role("button", name="Войти").click()


def test_the_inspector_fills_an_audit_and_the_official_answers_its_finding(live_server, page, artifacts_dir):
    body = factories.body(
        full_name="Министерство внутренних дел Российской Федерации", short_name="МВД России"
    )
    office, service = office_with_service(body, code="UL-OVM-ZASV")
    inspector_of(body, username="inspector", first_name="Инна", last_name="Смирнова")
    user_with(Role.OFFICIAL, body, username="official", first_name="Ольга", last_name="Петрова")

    sign_in(page, live_server.url, "inspector")
    page.get_by_role("link", name="Проверки", exact=True).click()
    expect(page.get_by_role("heading", name="Проверки «тайный покупатель»", level=1)).to_be_visible()
    page.get_by_role("link", name="Начать проверку").click()
    assert_accessible_at_both_sizes(page, "start an audit")
    page.get_by_role("combobox", name="Офис").select_option(str(office.pk))
    page.get_by_role("combobox", name="Услуга").select_option(str(service.pk))
    page.get_by_role("radio", name="Визит в офис").check()
    page.get_by_role("button", name="Составить перечень и начать").click()

    expect(page.locator(".message--success")).to_contain_text("Проверка начата")
    audit = Audit.objects.get()
    rows = {row.code: f"#item-{row.pk}" for row in audit.items.all()}
    assert_accessible_at_both_sizes(page, "the checklist")
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "audit-checklist-phone.png"), full_page=True)
    page.locator(rows["premises.1"]).get_by_role("radio", name="Соблюдено", exact=True).check()
    page.locator(rows["access.ramp"]).get_by_role("radio", name="Не соблюдено", exact=True).check()
    page.locator(rows["access.ramp"]).get_by_label("Примечание").fill("Пандус закрыт на ремонт")
    page.locator(rows["queue.submission"]).get_by_label("Измеренное время, минут").fill("-5")
    page.get_by_role("button", name="Сохранить черновик").click()

    # A bad measurement: the summary names the row, and links to its field.
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(
        "«Ожидание в очереди при подаче запроса — не более 15 мин.»: время не может быть отрицательным."
    )
    assert_accessible_at_both_sizes(page, "the checklist with an error")
    page.locator(rows["queue.submission"]).get_by_label("Измеренное время, минут").fill("32")
    page.locator(rows["documents.asked"]).get_by_label(
        "Заявление о выдаче разрешения на строительство"
    ).check()
    page.locator(rows["criteria.politeness"]).get_by_role("radio", name="5 — отлично").check()
    page.get_by_role("button", name="Сохранить и отправить").click()

    expect(page.locator(".message--success")).to_contain_text(
        "Проверка отправлена. Оценка: 60,0 %, нарушений: 2."
    )
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(artifacts_dir / "audit-submitted-phone.png"), full_page=True)
    assert_accessible_at_both_sizes(page, "the submitted audit")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert sorted(audit.findings.values_list("item__code", flat=True)) == ["access.ramp", "queue.submission"]
    page.get_by_role("button", name="Выйти").click()

    sign_in(page, live_server.url, "official")
    page.get_by_role("link", name="Проверки", exact=True).click()
    page.get_by_role("link", name=re.compile("Открытых корректирующих мер: 2")).click()
    expect(page.get_by_role("heading", name="Открытые корректирующие меры", level=1)).to_be_visible()
    assert_accessible_at_both_sizes(page, "open corrective actions")
    page.get_by_role("link", name="Для инвалидов обеспечено: пандус, беспрепятственный вход").click()

    ramp = audit.findings.get(item__code="access.ramp")
    finding = page.locator(f"#finding-{ramp.pk}")
    due = timezone.localdate() + datetime.timedelta(days=14)
    finding.get_by_label("Корректирующая мера").fill("Отремонтировать пандус и открыть вход")
    finding.get_by_label("Срок выполнения").fill(due.isoformat())
    finding.get_by_role("button", name="Сохранить меру").click()
    expect(page.locator(".message--success")).to_contain_text("Корректирующая мера сохранена.")
    page.locator(f"#finding-{ramp.pk}").get_by_role("button", name="Отметить меру выполненной").click()
    expect(page.locator(".message--success")).to_contain_text("Мера отмечена выполненной.")
    expect(page.locator(f"#finding-{ramp.pk}")).to_contain_text("Мера выполнена")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(artifacts_dir / "audit-answered-desktop.png"), full_page=True)
    assert_accessible_at_both_sizes(page, "the audit with its answered finding")
    ramp.refresh_from_db()
    assert ramp.status == FindingStatus.DONE and ramp.due_date == due
