"""The workspace page where a body's official uploads delivery records: a dry run first, each
row's errors in Russian, rows for another body's services refused, nothing written on error."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import Membership, Role
from tests.deliveries.files import CITY_OGRN, write_csv

pytestmark = pytest.mark.django_db
URL = "/workspace/deliveries/upload/"


@pytest.fixture
def official(world):
    user = get_user_model().objects.create_user("official", password="x")
    Membership.objects.create(user=user, body=world.mvd, role=Role.OFFICIAL)
    return user


def upload(client, path):
    return client.post(URL, {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def test_the_dashboard_links_the_upload_for_an_official(client, official):
    client.force_login(official)
    assert URL in client.get("/workspace/").content.decode()
    page = client.get(URL)
    assert page.status_code == 200
    assert "Загрузка сведений о предоставлении услуг" in page.content.decode()


def test_a_reviewer_or_a_stranger_may_not_upload(client, world):
    reviewer = get_user_model().objects.create_user("reviewer", password="x")
    Membership.objects.create(user=reviewer, body=world.mvd, role=Role.REVIEWER)
    client.force_login(reviewer)
    assert client.get(URL).status_code == 403
    assert URL not in client.get("/workspace/").content.decode()
    client.logout()
    assert client.get(URL).status_code == 302


def test_a_bad_file_shows_each_rows_error_and_no_confirmation(client, official, world, tmp_path):
    other = world.row("К-2", service=world.permit.registry_number, body=CITY_OGRN, office="", variant="")
    path = write_csv(tmp_path / "bad.csv", [world.row("К-1", wait_in="-4"), other], encoding="cp1251")
    client.force_login(official)
    page = upload(client, path)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Файл не принят: 2 ошибки; ничего не записано." in text
    assert "ожидание не может быть отрицательным (-4 мин)." in text
    assert "орган с ОГРН «1027300621941» — не ваш" in text
    assert 'name="confirm"' not in text
    assert "Загрузить исправленный файл" in text


def test_a_file_of_another_kind_is_refused_by_the_form(client, official, tmp_path):
    client.force_login(official)
    page = client.post(URL, {"file": SimpleUploadedFile("cases.pdf", b"%PDF-1.4")})
    assert page.status_code == 400
    assert "Загрузите файл .csv, .xlsx или .xml, а не «cases.pdf»." in page.content.decode()


def test_a_stale_confirmation_asks_for_the_file_again(client, official):
    client.force_login(official)
    page = client.post(URL, {"confirm": "nothing-pending"})
    assert page.status_code == 400
    assert "Предварительная проверка устарела: загрузите файл ещё раз." in page.content.decode()


def test_an_administrator_uploads_for_any_body(client, world, tmp_path):
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    other = world.row("К-2", service=world.permit.registry_number, body=CITY_OGRN, office="", variant="")
    page = upload(client, write_csv(tmp_path / "both.csv", [world.row("К-1"), other]))
    text = page.content.decode()
    assert "Проверка пройдена: 2 строки без ошибок." in text
    assert 'name="confirm"' in text


@pytest.fixture
def worker_in_test(monkeypatch):
    """The worker's loop closes "old" connections between tasks, as a request does; inside a
    test's transaction that would close the test's own connection (tests/jobs/conftest.py)."""
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


@pytest.mark.usefixtures("worker_in_test")
def test_a_large_file_is_checked_and_stored_by_the_worker(client, official, world, tmp_path, settings):
    """Over JOBS_INLINE_MAX_BYTES the file goes to the background worker: the official follows
    the job's page, reads the same report, confirms, and the records are stored — the scope of
    the uploader's bodies goes with the file."""
    import io

    from django.core.management import call_command
    from django.urls import reverse

    from registry.models import BackgroundJob, DeliveryRecord, JobKind, JobState

    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_INLINE_MAX_BYTES = 0
    client.force_login(official)
    response = upload(client, write_csv(tmp_path / "cases.csv", [world.row("К-1"), world.row("К-2")]))
    check = BackgroundJob.objects.get(kind=JobKind.DELIVERIES_CHECK)
    assert response.status_code == 302 and response["Location"] == reverse("workspace:job", args=[check.pk])
    assert check.title == "Проверка сведений «cases.csv»" and check.parameters["scope"] == [world.mvd.pk]
    call_command("run_jobs", "--batch", "--interval", "0", stdout=io.StringIO())
    check.refresh_from_db()
    assert check.state == JobState.DONE and check.ok, check.error
    assert check.done == check.total == 100
    page = client.get(response["Location"]).content.decode()
    assert "Проверка пройдена: 2 строки без ошибок." in page and "Подтвердить загрузку" in page
    assert DeliveryRecord.objects.count() == 0

    confirmed = client.post(reverse("workspace:job_confirm", args=[check.pk]))
    load = BackgroundJob.objects.get(kind=JobKind.DELIVERIES_APPLY)
    assert confirmed["Location"] == reverse("workspace:job", args=[load.pk])
    call_command("run_jobs", "--batch", "--interval", "0", stdout=io.StringIO())
    load.refresh_from_db()
    assert load.state == JobState.DONE and load.ok, load.error
    assert DeliveryRecord.objects.count() == 2


@pytest.mark.usefixtures("worker_in_test")
def test_a_large_file_of_another_body_fails_its_check_in_the_background(
    client, official, world, tmp_path, settings
):
    import io

    from django.core.management import call_command

    from registry.models import BackgroundJob

    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_INLINE_MAX_BYTES = 0
    client.force_login(official)
    other = world.row("К-2", service=world.permit.registry_number, body=CITY_OGRN, office="", variant="")
    upload(client, write_csv(tmp_path / "other.csv", [other]))
    call_command("run_jobs", "--batch", "--interval", "0", stdout=io.StringIO())
    check = BackgroundJob.objects.get()
    assert not check.ok and check.summary.startswith("Файл не принят: 1 ошибка")
    page = client.get(f"/workspace/jobs/{check.pk}/").content.decode()
    assert "орган с ОГРН «1027300621941» — не ваш" in page and "Подтвердить загрузку" not in page
