"""What the worker does with a job: claim it, run its kind's work with a progress bar, and
record the outcome — the report and result file, or the failure's message in Russian. A job is
claimed only in the attempt it was queued for, and its outcome is recorded only if it is still
that attempt's: a job taken back meanwhile (services.take_back) is left to its new attempt."""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, InterfaceError, OperationalError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from registry.exchange.selectors import ExportRequest, export_selection, export_snapshot
from registry.exchange.service import XLSX, detect_format, import_file
from registry.exchange.text import ExportTextError
from registry.exchange.xlsx_export import write_registry_xlsx
from registry.exchange.xlsx_layout import workbook_sheets
from registry.exchange.xlsx_rows import UnwritableText
from registry.exchange.xml_export import write_registry_xml
from registry.jobs.progress import JobProgress
from registry.jobs.services import job_dir, report_path
from registry.models import BackgroundJob, JobKind, JobState
from registry.wording import counted

logger = logging.getLogger(__name__)

SERVICE_TAG = re.compile(rb"<(?:[\w.-]+:)?service[\s>/]")
SCAN_CHUNK = 1024 * 1024
CARRY = 64  # longer than any service tag with a namespace prefix


class JobFailure(Exception):
    """The job cannot be done; the message is for the person who asked, in Russian."""


@dataclass
class Outcome:
    summary: str
    ok: bool = True
    result_path: str = ""
    result_name: str = ""


def run(job_id: str) -> None:
    job = BackgroundJob.objects.filter(pk=job_id).select_related("requested_by").first()
    if job is None or job.finished:
        return
    attempt = job.attempts
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job.pk, state=JobState.QUEUED, attempts=attempt).update(
        state=JobState.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    progress = JobProgress(job.pk, attempt)
    try:
        with progress:
            outcome = WORK[job.kind](job, progress)
    except Exception as error:  # noqa: BLE001 — every failure ends the job with a message
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        _record(job, attempt, state=JobState.FAILED, error=failure_message(job, error), summary="")
        return
    _record(
        job,
        attempt,
        state=JobState.DONE,
        summary=outcome.summary,
        ok=outcome.ok,
        result_path=outcome.result_path,
        result_name=outcome.result_name,
        **progress.counts(),
    )


def _record(job: BackgroundJob, attempt: int, **values) -> None:
    BackgroundJob.objects.filter(pk=job.pk, state=JobState.RUNNING, attempts=attempt).update(
        finished_at=timezone.now(), heartbeat_at=timezone.now(), **values
    )


def failure_message(job: BackgroundJob, error: Exception) -> str:
    if isinstance(error, JobFailure | ExportTextError | UnwritableText):
        return str(error)
    if isinstance(error, OperationalError | InterfaceError):
        return _(
            "Задание прервано: база данных реестра была недоступна. Ничего не записано; поставьте "
            "задание снова."
        )
    if isinstance(error, DatabaseError):
        return _("Задание прервано ошибкой базы данных. Ничего не записано; поставьте задание снова.")
    return _(
        "Задание завершилось сбоем. Ничего не записано; администратор реестра найдёт подробности в "
        "журнале по номеру задания %(id)s."
    ) % {"id": job.pk}


def count_services(path: Path, name: str) -> int | None:
    """How many services the file holds, for the bar: the services sheet's rows, or the
    ``<service>`` elements of an XML file (a byte scan, no parsing). None if it cannot tell."""
    try:
        if detect_format(path, name) == XLSX:
            title = next(sheet.title for sheet in workbook_sheets() if sheet.key == "services")
            workbook = load_workbook(path, read_only=True)
            try:
                if title not in workbook.sheetnames:
                    return None
                return max((workbook[title].max_row or 1) - 1, 0)
            finally:
                workbook.close()
        count, carry = 0, b""
        with path.open("rb") as handle:
            while chunk := handle.read(SCAN_CHUNK):
                data = carry + chunk
                # A tag wholly inside the carried tail was counted with the previous chunk.
                count += sum(1 for match in SERVICE_TAG.finditer(data) if match.end() > len(carry))
                carry = data[-CARRY:]
        return count
    except Exception:  # noqa: BLE001 — a damaged file: the import itself will say what is wrong
        return None


def _import(job: BackgroundJob, progress: JobProgress, *, dry_run: bool) -> Outcome:
    parameters = job.parameters
    path, name = Path(parameters["path"]), parameters["name"]
    if not path.is_file():
        raise JobFailure(_("Файл «%(name)s» больше не хранится: загрузите его ещё раз.") % {"name": name})
    progress.update(
        total=count_services(path, name),
        done=0,
        stage=_("Проверка услуг файла") if dry_run else _("Загрузка услуг файла"),
    )
    progress.flush()
    report = import_file(
        path,
        actor=job.requested_by,
        dry_run=dry_run,
        publish=bool(parameters.get("publish")),
        file_name=name,
        progress=lambda done: progress.update(done=done),
    )
    if report.interrupted:
        raise JobFailure(report.interrupted)
    progress.update(done=len(report.services), total=len(report.services), stage=_("Составление отчёта"))
    progress.flush()
    html = render_to_string("exchange/_report_body.html", {"report": report})
    report_path(job).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    report_path(job).write_text(html, encoding="utf-8")
    if not dry_run or not report.ok:
        # Kept only while a passed check waits for its confirmation.
        path.unlink(missing_ok=True)
    return Outcome(summary=str(report.summary), ok=report.ok)


def _check(job: BackgroundJob, progress: JobProgress) -> Outcome:
    return _import(job, progress, dry_run=True)


def _apply(job: BackgroundJob, progress: JobProgress) -> Outcome:
    return _import(job, progress, dry_run=False)


def _export(job: BackgroundJob, progress: JobProgress) -> Outcome:
    file_format = job.parameters["format"]
    request = ExportRequest(content=job.parameters["content"])
    name = request.file_name(timezone.localdate(), file_format)
    folder = job_dir(job)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = folder / f"{name}.partial"
    progress.update(stage=_("Выгрузка услуг"), done=0)
    progress.flush()
    counts = {"services": 0}

    def told(done: int, total: int) -> None:
        counts["services"] = total
        progress.update(done=done, total=total)

    try:
        with export_snapshot(), partial.open("wb") as output:
            selection = export_selection(request)
            selection.progress = told
            if file_format == XLSX:
                write_registry_xlsx(selection, output)
            else:
                write_registry_xml(selection, output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    target = folder / name
    partial.rename(target)
    services = counts["services"]
    summary = _("Выгрузка готова: %(services)s в файле %(name)s.") % {
        "services": counted(services, _("услуга"), _("услуги"), _("услуг")),
        "name": name,
    }
    return Outcome(summary=summary, result_path=str(target), result_name=name)


def _deliveries(job: BackgroundJob, progress: JobProgress, *, dry_run: bool) -> Outcome:
    from registry.deliveries.intake import intake_file

    parameters = job.parameters
    path, name = Path(parameters["path"]), parameters["name"]
    if not path.is_file():
        raise JobFailure(_("Файл «%(name)s» больше не хранится: загрузите его ещё раз.") % {"name": name})
    scope = parameters.get("scope")
    # The bar: the share of the file read (its rows are known only at its end), in per cent.
    progress.update(
        total=100, done=0, stage=_("Проверка строк файла") if dry_run else _("Загрузка строк файла")
    )
    progress.flush()

    def told(rows: int, share: float | None) -> None:
        progress.update(
            done=int(share * 100) if share is not None else None,
            stage=_("Прочитано строк: %(rows)s") % {"rows": rows},
        )

    report = intake_file(
        path,
        file_name=name,
        scope_body_ids=None if scope is None else set(scope),
        dry_run=dry_run,
        progress=told,
    )
    progress.update(done=100, stage=_("Составление отчёта"))
    progress.flush()
    html = render_to_string("workspace/_deliveries_report_body.html", {"report": report})
    report_path(job).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    report_path(job).write_text(html, encoding="utf-8")
    if not dry_run or not report.ok:
        path.unlink(missing_ok=True)
    return Outcome(summary=str(report.summary), ok=report.ok)


def _deliveries_check(job: BackgroundJob, progress: JobProgress) -> Outcome:
    return _deliveries(job, progress, dry_run=True)


def _deliveries_apply(job: BackgroundJob, progress: JobProgress) -> Outcome:
    return _deliveries(job, progress, dry_run=False)


WORK = {
    JobKind.DELIVERIES_CHECK: _deliveries_check,
    JobKind.DELIVERIES_APPLY: _deliveries_apply,
    JobKind.IMPORT_CHECK: _check,
    JobKind.IMPORT_APPLY: _apply,
    JobKind.EXPORT: _export,
}
