"""An official's everyday exchange in a real browser, on the demo data `make run` loads: download
the registry's Excel export of the own body from the catalogue, change a name in the workbook,
upload it, read the dry-run preview listing its services, confirm, and find the new draft.
(The upload used to refuse every workbook: «Книга Excel не читается: InvalidFileException».)"""

import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from registry.demo import load_demo
from registry.models import EditionStatus, Membership, Role, Service
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Brauzer-Test-2024"
NEW_NAME = "Справка — изменено в Excel"


@pytest.fixture
def official():
    load_demo()
    service = Service.objects.filter(editions__status=EditionStatus.PUBLISHED).order_by("pk").first()
    user = get_user_model().objects.create_user(
        username="olga", password=PASSWORD, first_name="Ольга", last_name="Петрова"
    )
    Membership.objects.create(user=user, role=Role.OFFICIAL, body=service.provider)
    return user, service


def test_an_official_uploads_the_registrys_own_excel_export_and_applies_it(
    page, live_server, official, tmp_path, artifacts_dir
):
    user, service = official
    body_services = list(
        Service.objects.filter(provider=service.provider, editions__status=EditionStatus.PUBLISHED)
        .distinct()
        .values_list("registry_number", flat=True)
    )

    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(re.compile(r"/workspace/$"))

    # The catalogue of the own body, and its Excel download.
    page.goto(f"{live_server.url}/services/?provider={service.provider_id}")
    with page.expect_download() as download_info:
        page.locator("a[download]", has_text=re.compile(r"^Excel$")).first.click()
    workbook_path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(workbook_path)
    assert workbook_path.suffix == ".xlsx"

    workbook = openpyxl.load_workbook(workbook_path)
    sheet = workbook["Услуги"]
    headers = [cell.value for cell in sheet[1]]
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(numbers) == sorted(body_services)
    row = numbers.index(service.registry_number) + 2
    sheet.cell(row=row, column=headers.index("Краткое наименование услуги") + 1).value = NEW_NAME
    workbook.save(workbook_path)

    page.goto(f"{live_server.url}/workspace/")
    page.get_by_role("link", name="Загрузить файл XML или Excel").click()
    page.set_input_files("#id_file", str(workbook_path))
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_load_state()

    page.screenshot(path=str(artifacts_dir / "exchange-upload-xlsx-preview.png"), full_page=True)
    summary = page.locator(".exchange-summary h2").inner_text()
    assert summary == "Ошибок нет. Пробная загрузка: ничего не записано."
    assert "InvalidFileException" not in page.content()
    rows = page.locator("table tbody tr")
    assert rows.count() == len(numbers)
    listed = rows.locator("td:first-child").all_inner_texts()
    assert listed == numbers
    changed = page.locator("tr", has_text=service.registry_number)
    assert "будет изменена" in changed.inner_text() and NEW_NAME in changed.inner_text()
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    assert not service.editions.filter(status=EditionStatus.DRAFT, short_name=NEW_NAME).exists()

    page.get_by_role("button", name="Подтвердить загрузку").click()
    page.wait_for_load_state()

    page.screenshot(path=str(artifacts_dir / "exchange-upload-xlsx-applied.png"), full_page=True)
    assert page.locator(".exchange-summary h2").inner_text() == "Загрузка выполнена."
    assert service.editions.get(status=EditionStatus.DRAFT).short_name == NEW_NAME
