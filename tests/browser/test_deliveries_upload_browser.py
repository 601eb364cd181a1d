"""A body's official sends delivery records in a real browser, on the demo data `make run`
loads: from the dashboard to the upload, a file with a negative wait and a row for another
body's service is refused row by row, the corrected file passes the dry run, and the
confirmation stores it (issue 14, intake)."""

import csv
import re

import pytest
from playwright.sync_api import expect

from registry.demo import load_demo
from registry.demo_users import DEMO_PASSWORD, MVD, ULYANOVSK, ensure_demo_users
from registry.models import DeliveryRecord, Office, Service
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HEADERS = ["Номер дела", "Реестровый номер услуги", "ОГРН органа", "Код офиса", "Способ подачи"]
HEADERS += ["Дата подачи", "Дата результата", "Исход", "Основание отказа", "Ожидание при подаче, мин"]


def write(path, rows):
    with path.open("w", encoding="cp1251", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def test_an_official_uploads_delivery_records_fixes_the_errors_and_confirms(
    page, live_server, tmp_path, artifacts_dir
):
    load_demo()
    ensure_demo_users()
    office = Office.objects.filter(body__ogrn=MVD, services__isnull=False).order_by("code").first()
    number = office.services.order_by("registry_number").first().registry_number
    city_number = Service.objects.filter(provider__ogrn=ULYANOVSK).order_by("registry_number").first()
    mvd = [number, MVD, office.code]
    good = [
        ["МВД-2025-1", *mvd, "epgu", "03.03.2025 10:00", "14.03.2025 12:00", "issued", "", "12"],
        ["МВД-2025-2", *mvd, "in_person", "2025-03-04T09:30", "2025-03-20T11:00", "refused"]
        + ["п. 2: документы не в полном объёме", "7"],
    ]
    bad = [
        [*good[0][:-1], "-5"],
        good[1],
        ["УЛ-1", city_number.registry_number, ULYANOVSK, "", "epgu", "03.03.2025 10:00", "", "withdrawn"]
        + ["", ""],
    ]

    page.goto(f"{live_server.url}/workspace/login/")
    page.get_by_label("Имя пользователя").fill("mvd_official")
    page.get_by_label("Пароль").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", name="Мои услуги", level=1)).to_be_visible()
    page.get_by_role("link", name="Загрузить сведения о предоставлении услуг").click()
    expect(page.get_by_role("heading", name="Загрузка сведений о предоставлении услуг")).to_be_visible()
    assert describe_violations(axe_violations(page)) == ""

    page.set_input_files("#id_file", str(write(tmp_path / "март.csv", bad)))
    page.get_by_role("button", name="Проверить файл").click()
    summary = page.locator("#intake-summary h2")
    expect(summary).to_have_text("Файл не принят: 2 ошибки; ничего не записано.")
    rows = page.locator("table.intake-errors tbody tr")
    expect(rows).to_have_count(2)
    assert rows.nth(0).locator("td").all_inner_texts() == [
        "2",
        "Ожидание при подаче, мин",
        "ожидание не может быть отрицательным (-5 мин).",
    ]
    assert rows.nth(1).locator("td").all_inner_texts()[:2] == ["4", "ОГРН органа"]
    assert re.match(r"орган с ОГРН «1027300621941» — не ваш", rows.nth(1).locator("td").nth(2).inner_text())
    expect(page.get_by_role("button", name="Подтвердить загрузку")).to_have_count(0)
    page.screenshot(path=str(artifacts_dir / "deliveries-upload-errors.png"), full_page=True)
    assert describe_violations(axe_violations(page)) == ""
    assert not DeliveryRecord.objects.filter(case_id__startswith="МВД-2025-").exists()

    page.get_by_role("link", name="Загрузить исправленный файл").click()
    page.set_input_files("#id_file", str(write(tmp_path / "март-исправлено.csv", good)))
    page.get_by_role("button", name="Проверить файл").click()
    expect(summary).to_have_text(
        "Проверка пройдена: 2 строки без ошибок. Будет создано записей: 2, изменено: 0, без изменений: 0. "
        "Ничего не записано."
    )
    assert not DeliveryRecord.objects.filter(case_id__startswith="МВД-2025-").exists()
    page.get_by_role("button", name="Подтвердить загрузку").click()
    expect(summary).to_have_text("Загружено: 2 строки. Создано записей: 2, изменено: 0, без изменений: 0.")
    page.screenshot(path=str(artifacts_dir / "deliveries-upload-stored.png"), full_page=True)
    stored = DeliveryRecord.objects.filter(body__ogrn=MVD, case_id__startswith="МВД-2025-").order_by(
        "case_id"
    )
    assert [(record.case_id, record.outcome, record.queue_wait_submission) for record in stored] == [
        ("МВД-2025-1", "issued", 12),
        ("МВД-2025-2", "refused", 7),
    ]
