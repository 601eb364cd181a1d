"""Background jobs: put them in the queue, confirm a checked file, take back the jobs of a
worker that stopped, and remove old results.

Every job has a folder of its own under ``JOBS_DIR`` (shared by the web processes and the
worker): the uploaded file, the report, the result file. A job is written, then its task is
enqueued in the same transaction: the worker never sees a task without its job.
"""

import datetime
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from registry.exchange.selectors import CONTENT_DRAFTS, CONTENT_PUBLISHED, ExportRequest
from registry.jobs.tasks import run_job
from registry.models import LOAD_AFTER_CHECK, BackgroundJob, JobKind, JobState
from registry.permissions import is_administrator

logger = logging.getLogger(__name__)

UPLOAD_NAME = "upload"
REPORT_NAME = "report.html"
EXPORT_FORMATS = ("xml", "xlsx")
# A check that passed waits for its confirmation this long; then its file is removed.
UNCONFIRMED_MAX_AGE = datetime.timedelta(days=1)


class JobRefused(Exception):
    """What the user asked cannot be done; the message says why, in Russian."""


def job_dir(job: BackgroundJob) -> Path:
    return Path(settings.JOBS_DIR) / str(job.pk)


def report_path(job: BackgroundJob) -> Path:
    return job_dir(job) / REPORT_NAME


def _enqueue(job: BackgroundJob, *, stage: str = "") -> None:
    """A new attempt: the job's task in the queue, the job back to «в очереди»."""
    job.attempts += 1
    job.state = JobState.QUEUED
    job.stage = stage
    job.heartbeat_at = None
    job.save()
    result = run_job.enqueue(str(job.pk))
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


def _store_upload(job: BackgroundJob, upload) -> Path:
    folder = job_dir(job)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / UPLOAD_NAME
    with path.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return path


@transaction.atomic
def start_import_check(user, upload, *, publish: bool) -> BackgroundJob:
    """An uploaded exchange file, checked by the worker (a dry run: nothing written)."""
    job = BackgroundJob(
        kind=JobKind.IMPORT_CHECK,
        requested_by=user,
        title=_("Проверка файла «%(name)s»") % {"name": upload.name},
    )
    job.parameters = {"path": str(_store_upload(job, upload)), "name": upload.name, "publish": bool(publish)}
    _enqueue(job)
    return job


@transaction.atomic
def start_deliveries_check(user, upload, *, scope_body_ids: set[int] | None) -> BackgroundJob:
    """An uploaded file of delivery records, checked by the worker (nothing written).
    ``scope_body_ids``: the bodies whose services the uploader may report (None: any)."""
    job = BackgroundJob(
        kind=JobKind.DELIVERIES_CHECK,
        requested_by=user,
        title=_("Проверка сведений «%(name)s»") % {"name": upload.name},
    )
    job.parameters = {
        "path": str(_store_upload(job, upload)),
        "name": upload.name,
        "scope": None if scope_body_ids is None else sorted(scope_body_ids),
    }
    _enqueue(job)
    return job


LOAD_TITLES = {
    JobKind.IMPORT_APPLY: _lazy("Загрузка файла «%(name)s»"),
    JobKind.DELIVERIES_APPLY: _lazy("Загрузка сведений «%(name)s»"),
}


def confirm_import(check: BackgroundJob, user) -> BackgroundJob:
    """The load of a file whose check passed: a job of its own, on the same file and with the
    same scope. Confirming twice (a double click) gives the same load, not a second one."""
    with transaction.atomic():
        check = BackgroundJob.objects.select_for_update().get(pk=check.pk)
        if check.confirmed_by_job_id:
            return check.confirmed_by_job
        if check.kind not in LOAD_AFTER_CHECK or check.state != JobState.DONE or not check.ok:
            raise JobRefused(_("Загрузить можно только файл, проверка которого закончена без ошибок."))
        if not Path(check.parameters["path"]).is_file():
            raise JobRefused(_("Проверенный файл больше не хранится: загрузите его ещё раз."))
        if check.parameters.get("publish") and not is_administrator(user):
            raise JobRefused(_("Публиковать при загрузке может только администратор реестра."))
        kind = LOAD_AFTER_CHECK[check.kind]
        load = BackgroundJob(
            kind=kind,
            requested_by=user,
            title=str(LOAD_TITLES[kind]) % {"name": check.parameters["name"]},
            parameters=dict(check.parameters),
        )
        _enqueue(load)
        check.confirmed_by_job = load
        check.save(update_fields=["confirmed_by_job"])
        return load


@transaction.atomic
def start_export(user, *, file_format: str, content: str = CONTENT_PUBLISHED) -> BackgroundJob:
    """The whole registry as a file, written by the worker and downloaded by the person who
    asked."""
    if file_format not in EXPORT_FORMATS:
        raise JobRefused(_("Формат выгрузки — XML или Excel."))
    if content not in (CONTENT_PUBLISHED, CONTENT_DRAFTS):
        raise JobRefused(_("Неизвестное содержание выгрузки."))
    if content == CONTENT_DRAFTS and not is_administrator(user):
        raise JobRefused(_("Черновики выгружает только администратор реестра."))
    request = ExportRequest(content=content)
    label = _("Excel") if file_format == "xlsx" else _("XML")
    title = (
        _("Выгрузка всего реестра с черновиками (%(format)s)")
        if content == CONTENT_DRAFTS
        else _("Выгрузка всего реестра (%(format)s)")
    ) % {"format": label}
    job = BackgroundJob(
        kind=JobKind.EXPORT,
        requested_by=user,
        title=title,
        parameters={"format": file_format, "content": request.content},
    )
    _enqueue(job)
    return job


def take_back(*, stale_before: datetime.datetime) -> list[BackgroundJob]:
    """The jobs whose worker stopped (its last sign of life is older than ``stale_before``):
    queued again while attempts remain, else failed with a message. An import is one
    transaction, so a stopped attempt wrote nothing and running it again is safe; an export
    writes its file again."""
    from django_tasks_db.models import DBTaskResult

    taken: list[BackgroundJob] = []
    with transaction.atomic():
        stopped = (
            BackgroundJob.objects.select_for_update(skip_locked=True)
            .filter(state=JobState.RUNNING, heartbeat_at__lt=stale_before)
            .order_by("created_at")
        )
        for job in stopped:
            # The queue's own record of the attempt would say «running» for ever.
            DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now()
            )
            if job.attempts < settings.JOBS_MAX_ATTEMPTS:
                _enqueue(
                    job,
                    stage=_(
                        "Обработчик заданий остановился во время работы; задание снова в очереди "
                        "(попытка %(attempt)s из %(limit)s)."
                    )
                    % {"attempt": job.attempts + 1, "limit": settings.JOBS_MAX_ATTEMPTS},
                )
                logger.warning("Background job %s taken back and queued again", job.pk)
            else:
                job.state = JobState.FAILED
                job.finished_at = timezone.now()
                job.error = _(
                    "Задание не выполнено: обработчик заданий останавливался во время его работы "
                    "(попыток: %(attempts)s). Загрузка выполняется целиком или никак — из файла "
                    "ничего не записано; поставьте задание снова."
                ) % {"attempts": job.attempts}
                job.save(update_fields=["state", "finished_at", "error"])
                logger.error("Background job %s failed: its worker stopped %s times", job.pk, job.attempts)
            taken.append(job)
    return taken


def prune(*, now: datetime.datetime) -> int:
    """Remove the folders of jobs finished more than ``JOBS_RESULT_DAYS`` ago, and the files of
    checks nobody confirmed within a day. The jobs stay listed, without their files."""
    removed = 0
    old = now - datetime.timedelta(days=settings.JOBS_RESULT_DAYS)
    for job in BackgroundJob.objects.filter(state__in=(JobState.DONE, JobState.FAILED), finished_at__lt=old):
        folder = job_dir(job)
        if folder.exists():
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
        if job.result_path:
            BackgroundJob.objects.filter(pk=job.pk).update(result_path="")
    unconfirmed = BackgroundJob.objects.filter(
        kind__in=tuple(LOAD_AFTER_CHECK),
        state=JobState.DONE,
        confirmed_by_job__isnull=True,
        finished_at__lt=now - UNCONFIRMED_MAX_AGE,
    )
    for job in unconfirmed:
        path = Path(job.parameters.get("path", ""))
        if path.name == UPLOAD_NAME and path.is_file():
            path.unlink()
            removed += 1
    return removed
