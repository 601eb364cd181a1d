"""Background jobs (issue 16, point 4) walked as an official would: a large exchange file is
checked and loaded by the worker, with the job's page showing it queued, running with its bar,
done with the report (and the confirmation), or failed with a Russian message; a job whose
worker stopped is queued again, then failed once its attempts are spent; the whole-registry
export is a job whose file only the person who asked can download."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from lxml import etree

from registry.jobs import runner
from registry.jobs.progress import JobProgress
from registry.jobs.services import start_export, start_import_check, take_back
from registry.models import BackgroundJob, Edition, JobKind, JobState, Role, Service
from tests.exchange.conftest import NS, export_xml, user_with_role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_jobs_dir")]


@pytest.fixture
def _jobs_dir(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_INLINE_MAX_BYTES = 0  # every upload is a job


def federal_file(changed_name: str, *, own_body_only: bool = True) -> tuple[bytes, Service]:
    root = etree.fromstring(export_xml(filters={"level": "federal"}))
    services = root.find(f"{NS}services")
    service_elem = services[0]
    for other in services[1:]:
        if own_body_only and other.get("body") != service_elem.get("body"):
            services.remove(other)  # an official loads their own body's services only
    service_elem.find(f"{NS}edition/{NS}shortName").text = changed_name
    service = Service.objects.get(registry_number=service_elem.get("registryNumber"))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), service


def post_file(client, data: bytes, name: str = "federal.xml"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("exchange:upload"), {"file": file})


def work() -> None:
    call_command("run_jobs", "--batch", "--interval", "0", stdout=io.StringIO())


def test_a_large_file_is_checked_then_loaded_in_the_background(demo, client):
    data, service = federal_file("Изменено фоновой загрузкой")
    official = user_with_role("official", Role.OFFICIAL, service.provider)
    client.force_login(official)
    response = post_file(client, data)
    check = BackgroundJob.objects.get(kind=JobKind.IMPORT_CHECK)
    assert response.status_code == 302 and response["Location"] == reverse("workspace:job", args=[check.pk])
    page = client.get(response["Location"]).content.decode()
    assert "в очереди" in page and "Задание ждёт своей очереди" in page
    # Without JavaScript the page refreshes itself; with it, the script reads the status.
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
    assert "registry/job-progress.js" in page
    status = client.get(reverse("workspace:job_status", args=[check.pk])).json()
    assert status["state_label"] == "в очереди" and status["finished"] is False
    assert check.title == "Проверка файла «federal.xml»" and check.attempts == 1

    editions_before = Edition.objects.count()
    work()
    check.refresh_from_db()
    assert check.state == JobState.DONE and check.ok, (
        check.error,
        check.summary,
        runner.report_path(check).read_text()[:3000],
    )
    assert check.total == check.done and check.done >= 1
    assert Edition.objects.count() == editions_before  # a check writes nothing
    page = client.get(reverse("workspace:job", args=[check.pk])).content.decode()
    assert 'http-equiv="refresh"' not in page and "job-progress.js" not in page
    status = client.get(reverse("workspace:job_status", args=[check.pk])).json()
    assert status["finished"] is True and status["done"] == status["total"] == check.total
    assert "Ошибок нет. Пробная загрузка: ничего не записано." in page
    assert service.registry_number in page and "Подтвердить загрузку" in page

    confirmed = client.post(reverse("workspace:job_confirm", args=[check.pk]))
    load = BackgroundJob.objects.get(kind=JobKind.IMPORT_APPLY)
    assert confirmed["Location"] == reverse("workspace:job", args=[load.pk])
    # A second click gives the same load, not another one.
    again = client.post(reverse("workspace:job_confirm", args=[check.pk]))
    assert again["Location"] == confirmed["Location"] and BackgroundJob.objects.count() == 2
    work()
    load.refresh_from_db()
    assert load.state == JobState.DONE and load.ok, load.error
    assert Edition.objects.count() == editions_before + 1
    assert service.editions.order_by("-number").first().short_name == "Изменено фоновой загрузкой"
    page = client.get(reverse("workspace:job", args=[load.pk])).content.decode()
    assert "Результат загрузки" not in page or load.summary in page
    assert load.summary in page and "Подтвердить загрузку" not in page
    listing = client.get(reverse("workspace:jobs")).content.decode()
    assert "Загрузка файла «federal.xml»" in listing and "Проверка файла «federal.xml»" in listing


def test_a_file_with_errors_fails_its_check_and_cannot_be_confirmed(demo, client):
    data, service = federal_file("Имя", own_body_only=False)  # other bodies' services too
    client.force_login(user_with_role("official", Role.OFFICIAL, service.provider))
    post_file(client, data)
    work()
    check = BackgroundJob.objects.get()
    assert check.state == JobState.DONE and not check.ok
    page = client.get(reverse("workspace:job", args=[check.pk])).content.decode()
    assert "ничего из файла не записано" in page and "Подтвердить загрузку" not in page
    assert "Услуга относится к" in page  # the report names each refused service
    refused = client.post(reverse("workspace:job_confirm", args=[check.pk]))
    assert refused.status_code == 400
    assert "Загрузить можно только файл, проверка которого закончена без ошибок." in refused.content.decode()


def test_a_job_that_cannot_run_fails_with_a_russian_message(demo, client):
    data, service = federal_file("Имя")
    client.force_login(user_with_role("official", Role.OFFICIAL, service.provider))
    post_file(client, data)
    check = BackgroundJob.objects.get()
    (runner.job_dir(check) / "upload").unlink()  # the stored file is gone
    work()
    check.refresh_from_db()
    assert check.state == JobState.FAILED
    assert check.error == "Файл «federal.xml» больше не хранится: загрузите его ещё раз."
    page = client.get(reverse("workspace:job", args=[check.pk])).content.decode()
    assert "Задание не выполнено" in page and check.error in page


def test_progress_is_written_while_the_job_runs(demo, monkeypatch):
    """The bar: the runner's updates reach the row (here through ``flush``, as between steps;
    on PostgreSQL the heartbeat thread writes the same values on its own connection)."""
    data, service = federal_file("Имя")
    user = user_with_role("official", Role.OFFICIAL, service.provider)
    seen: list[tuple[int, int | None, str]] = []
    original = JobProgress.flush

    def watching_flush(self):
        original(self)
        row = BackgroundJob.objects.get(pk=self.job_id)
        seen.append((row.done, row.total, row.stage, row.state))

    monkeypatch.setattr(JobProgress, "flush", watching_flush)
    start_import_check(user, SimpleUploadedFile("federal.xml", data), publish=False)
    work()
    services = len(etree.fromstring(data).find(f"{NS}services"))
    assert seen[0] == (0, services, "Проверка услуг файла", JobState.RUNNING)
    assert seen[-1] == (services, services, "Составление отчёта", JobState.RUNNING)


def stopped_midway(job: BackgroundJob, *, seconds_ago: int = 3600) -> None:
    """What a worker killed in the middle of the job leaves behind."""
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=timezone.now())
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago),
    )


def test_a_job_whose_worker_stopped_is_retried_then_failed(demo, client, settings):
    settings.JOBS_MAX_ATTEMPTS = 2
    user = user_with_role("official", Role.OFFICIAL, Service.objects.first().provider)
    job = start_export(user, file_format="xml")
    stopped_midway(job)
    # A live job (a recent heartbeat) is left alone.
    assert take_back(stale_before=timezone.now() - datetime.timedelta(days=1)) == []
    taken = take_back(stale_before=timezone.now())
    job.refresh_from_db()
    assert [item.pk for item in taken] == [job.pk]
    assert job.state == JobState.QUEUED and job.attempts == 2
    assert job.stage == (
        "Обработчик заданий остановился во время работы; задание снова в очереди (попытка 2 из 2)."
    )
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 0
    client.force_login(user)
    assert "(попытка 2 из 2)" in client.get(reverse("workspace:job", args=[job.pk])).content.decode()

    stopped_midway(job)  # the second attempt stops too: no attempts left
    take_back(stale_before=timezone.now())
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 2
    assert job.error.startswith("Задание не выполнено: обработчик заданий останавливался во время его работы")
    work()  # nothing left in the queue runs it again
    job.refresh_from_db()
    assert job.state == JobState.FAILED


def test_the_worker_takes_back_a_stopped_job_at_start_and_finishes_it(demo, settings):
    user = user_with_role("official", Role.OFFICIAL, Service.objects.first().provider)
    job = start_export(user, file_format="xml")
    stopped_midway(job, seconds_ago=settings.JOBS_STALE_SECONDS + 5)
    out = io.StringIO()
    call_command("run_jobs", "--batch", "--interval", "0", stdout=out)
    job.refresh_from_db()
    assert "Задания, чей обработчик остановился: 1 задание" in out.getvalue()
    assert job.state == JobState.DONE and job.attempts == 2


def test_the_whole_registry_export_is_downloaded_by_whoever_asked_only(demo, client, django_user_model):
    user = user_with_role("official", Role.OFFICIAL, Service.objects.first().provider)
    client.force_login(user)
    page = client.get(reverse("workspace:jobs")).content.decode()
    assert "Выгрузить весь реестр" in page and 'name="content"' not in page  # drafts: administrator
    response = client.post(reverse("workspace:jobs"), {"file_format": "xlsx"})
    job = BackgroundJob.objects.get(kind=JobKind.EXPORT)
    assert response["Location"] == reverse("workspace:job", args=[job.pk])
    work()
    job.refresh_from_db()
    assert job.state == JobState.DONE, job.error
    name = f"registry-{timezone.localdate():%Y%m%d}.xlsx"
    assert job.result_name == name and job.total == job.done > 0
    assert job.summary.startswith("Выгрузка готова: ") and name in job.summary
    download = client.get(reverse("workspace:job_download", args=[job.pk]))
    assert download.status_code == 200 and name in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"

    other = user_with_role("other", Role.OFFICIAL, Service.objects.first().provider)
    client.force_login(other)
    assert client.get(reverse("workspace:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("workspace:job_download", args=[job.pk])).status_code == 404
    drafts = client.post(reverse("workspace:jobs"), {"file_format": "xml", "content": "drafts"})
    assert BackgroundJob.objects.count() == 2 and drafts.status_code == 302  # content ignored: not a field
    assert BackgroundJob.objects.exclude(pk=job.pk).get().parameters["content"] == "published"


def test_jobs_pages_need_a_signed_in_user(client):
    response = client.get(reverse("workspace:jobs"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_running_job_shows_its_bar(demo, client):
    user = user_with_role("official", Role.OFFICIAL, Service.objects.first().provider)
    job = start_export(user, file_format="xml")
    BackgroundJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, done=3, total=10, stage="Выгрузка услуг", heartbeat_at=timezone.now()
    )
    client.force_login(user)
    page = client.get(reverse("workspace:job", args=[job.pk])).content.decode()
    assert "Обработано 3 из 10 (30 %)" in page and '<progress id="job-bar" max="10" value="3">' in page
    assert client.get(reverse("workspace:job_status", args=[job.pk])).json() == {
        "state": "running",
        "state_label": "выполняется",
        "finished": False,
        "stage": "Выгрузка услуг",
        "done": 3,
        "total": 10,
        "percent": 30,
        "label": "Обработано 3 из 10 (30 %)",
    }
