"""Background jobs: imports and exports too long for a web request (issue 16, point 4).

A job is what the official sees: what was asked, by whom, how far it has gone, and the report
and result file when it is done. The queue underneath is Django's tasks API (the
``django-tasks`` backport with the ``django-tasks-db`` database backend): a job row is written
first, then a task naming it is enqueued; the worker (``manage.py run_jobs``) runs the task, and
the task writes its progress to the job row through a connection of its own, so that a page
sees it while the import's transaction is still open. A job whose worker stopped mid-way is
found by its stale heartbeat and retried or failed (registry/jobs/services.py) — never lost.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    IMPORT_CHECK = "import_check", _("Проверка файла обмена")
    IMPORT_APPLY = "import_apply", _("Загрузка файла обмена")
    EXPORT = "export", _("Выгрузка реестра")
    DELIVERIES_CHECK = "deliveries_check", _("Проверка сведений о предоставлении услуг")
    DELIVERIES_APPLY = "deliveries_apply", _("Загрузка сведений о предоставлении услуг")


# A check that passed is confirmed by a job of this kind, on the same file.
LOAD_AFTER_CHECK = {
    JobKind.IMPORT_CHECK: JobKind.IMPORT_APPLY,
    JobKind.DELIVERIES_CHECK: JobKind.DELIVERIES_APPLY,
}
# Kinds whose bar counts a share of the file read (rows are not known before the end).
FILE_SHARE_KINDS = (JobKind.DELIVERIES_CHECK, JobKind.DELIVERIES_APPLY)


class JobState(models.TextChoices):
    QUEUED = "queued", _("в очереди")
    RUNNING = "running", _("выполняется")
    DONE = "done", _("готово")
    FAILED = "failed", _("не выполнено")


FINISHED_STATES = (JobState.DONE, JobState.FAILED)


class BackgroundJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("вид"), max_length=20, choices=JobKind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("кто поставил"),
        on_delete=models.CASCADE,
        related_name="background_jobs",
    )
    title = models.CharField(_("что делается"), max_length=300)
    # What the runner needs: the stored file and its original name, the export's request.
    parameters = models.JSONField(_("параметры"), default=dict)
    state = models.CharField(_("состояние"), max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(_("этап"), max_length=200, blank=True)
    done = models.PositiveIntegerField(_("сделано"), default=0)
    total = models.PositiveIntegerField(_("всего"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("попыток"), default=0)
    # The task of the current attempt in the tasks backend (django_tasks_db's DBTaskResult id).
    task_id = models.CharField(_("задача в очереди"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("поставлено"), auto_now_add=True)
    started_at = models.DateTimeField(_("начато"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("последний признак работы"), null=True, blank=True)
    finished_at = models.DateTimeField(_("завершено"), null=True, blank=True)
    # The outcome: a sentence for the list, whether the file passed (a check that passed can be
    # confirmed), the failure's message in Russian. The report itself (a table of every service
    # of the file, 100 000 rows and more) is a file in the job's folder (registry/jobs/services).
    summary = models.TextField(_("итог"), blank=True)
    ok = models.BooleanField(_("без ошибок"), default=False)
    error = models.TextField(_("причина сбоя"), blank=True)
    result_path = models.CharField(_("файл результата"), max_length=500, blank=True)
    result_name = models.CharField(_("имя файла результата"), max_length=200, blank=True)
    # A passed check is confirmed once: the apply job it started.
    confirmed_by_job = models.OneToOneField(
        "self",
        verbose_name=_("загрузка по этой проверке"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="checked_by_job",
    )

    class Meta:
        verbose_name = _("фоновое задание")
        verbose_name_plural = _("фоновые задания")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "heartbeat_at"], name="registry_job_state_idx")]

    def __str__(self) -> str:
        return f"{self.title} — {self.get_state_display()}"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, self.done * 100 // self.total)
