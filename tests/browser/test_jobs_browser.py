"""A large exchange file in a real browser, on the demo data `make run` loads: the official
uploads it, lands on the job's page (queued, refreshing by itself), the worker checks it, the
page turns into the report without a click, the official confirms, and the load's page ends
with «Загрузка выполнена.» — then asks for the whole registry as Excel and downloads it."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.demo import load_demo
from registry.exchange.selectors import ExportRequest, export_selection
from registry.exchange.xml_export import write_registry_xml
from registry.models import EditionStatus, Membership, Role, Service
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "Brauzer-Test-2024"


@pytest.fixture
def official(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_INLINE_MAX_BYTES = 1024  # any real exchange file goes to the worker
    load_demo()
    service = Service.objects.filter(editions__status=EditionStatus.PUBLISHED).order_by("pk").first()
    user = get_user_model().objects.create_user(username="olga", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.OFFICIAL, body=service.provider)
    return user, service


def work() -> None:
    call_command("run_jobs", "--batch", "--interval", "0", stdout=io.StringIO())


def test_an_official_follows_a_large_upload_and_an_export_as_background_jobs(
    page, live_server, official, tmp_path, artifacts_dir
):
    user, service = official
    buffer = io.BytesIO()
    write_registry_xml(
        export_selection(ExportRequest(filters={"provider": str(service.provider_id)})), buffer
    )
    path = tmp_path / "body.xml"
    path.write_bytes(buffer.getvalue())  # the body's own services, as exported: nothing to change

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/workspace/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(re.compile(r"/workspace/$"))

    page.goto(f"{live_server.url}/exchange/upload/")
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Проверить файл").click()
    page.wait_for_url(re.compile(r"/workspace/jobs/[0-9a-f-]+/$"))
    assert page.locator("h1").inner_text() == "Проверка файла «body.xml»"
    assert page.locator("#job-state").inner_text() == "в очереди"
    page.screenshot(path=str(artifacts_dir / "jobs-queued-phone.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    work()
    # The page refreshes by itself (no script): the report appears without a click.
    page.locator(".exchange-summary h2").wait_for(timeout=15000)
    assert (
        page.locator(".exchange-summary h2").inner_text()
        == "Ошибок нет. Пробная загрузка: ничего не записано."
    )
    assert page.locator("#job-state").inner_text() == "готово"
    page.screenshot(path=str(artifacts_dir / "jobs-checked-phone.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    page.get_by_role("button", name="Подтвердить загрузку").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Загрузка файла «body.xml»"
    work()
    page.locator(".exchange-summary h2").wait_for(timeout=15000)
    assert page.locator(".exchange-summary h2").inner_text() == "Загрузка выполнена."

    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("link", name="Фоновые задания").click()
    page.get_by_label("Книга Excel").check()
    page.get_by_role("button", name="Подготовить файл").click()
    page.wait_for_url(re.compile(r"/workspace/jobs/[0-9a-f-]+/$"))
    work()
    link = page.get_by_role("link", name=re.compile(r"^Скачать registry-\d{8}\.xlsx$"))
    link.wait_for(timeout=15000)
    page.screenshot(path=str(artifacts_dir / "jobs-export-done.png"), full_page=True)
    with page.expect_download() as download_info:
        link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
