"""Intake of delivery files: every row read, checked and resolved, and the file stored all or
nothing through ``registry.deliveries.storage.store_rows``, in one streamed pass (memory does
not grow with the file). Errors are capped for the report and counted in full."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from registry.deliveries.intake.checks import RowChecker
from registry.deliveries.intake.errors import FileRefused, IntakeError
from registry.deliveries.intake.readers import Meter, read_rows
from registry.deliveries.rows import DeliveryRow
from registry.wording import counted

MAX_LISTED_ERRORS = 100
PROGRESS_EVERY = 1000
Progress = Callable[[int, float | None], None]  # rows done, share of the file read (when known)


@dataclass
class IntakeReport:
    file_name: str
    dry_run: bool
    rows: int = 0
    errors: list[IntakeError] = field(default_factory=list)
    error_count: int = 0
    stored: Any = None  # the storage's StoreResult, once the rows went through it

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def add(self, errors: Iterable[IntakeError]) -> None:
        for error in errors:
            self.error_count += 1
            if len(self.errors) < MAX_LISTED_ERRORS:
                self.errors.append(error)

    @property
    def unlisted(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def summary(self) -> str:
        if not self.ok:
            return _("Файл не принят: %(errors)s; ничего не записано.") % {
                "errors": counted(self.error_count, _("ошибка"), _("ошибки"), _("ошибок"))
            }
        if self.stored is None:
            return _("Проверка пройдена: %(rows)s без ошибок.") % {
                "rows": counted(self.rows, _("строка"), _("строки"), _("строк"))
            }
        counts = {
            "rows": counted(self.rows, _("строка"), _("строки"), _("строк")),
            "created": self.stored.created,
            "updated": self.stored.updated,
            "unchanged": self.stored.unchanged,
        }
        if self.dry_run:
            return (
                _(
                    "Проверка пройдена: %(rows)s без ошибок. Будет создано записей: %(created)s, "
                    "изменено: %(updated)s, без изменений: %(unchanged)s. Ничего не записано."
                )
                % counts
            )
        return (
            _(
                "Загружено: %(rows)s. Создано записей: %(created)s, изменено: %(updated)s, "
                "без изменений: %(unchanged)s."
            )
            % counts
        )

    def lines(self) -> list[str]:
        listed = [str(error) for error in self.errors]
        if self.unlisted:
            listed.append(
                _("…и ещё %(more)s (показаны первые %(shown)s).")
                % {
                    "more": counted(self.unlisted, _("ошибка"), _("ошибки"), _("ошибок")),
                    "shown": len(self.errors),
                }
            )
        return [*listed, self.summary]


def _checked_rows(
    path: Path, file_name: str, checker: RowChecker, report: IntakeReport, progress: Progress | None
) -> Iterator[DeliveryRow]:
    """The file's rows checked, errors to the report. Valid rows are yielded only while the file
    has no error: after the first one the rest is still checked (every error is reported) but
    nothing more is handed on."""
    meter = Meter(path.stat().st_size)
    try:
        for raw in read_rows(path, file_name, meter=meter):
            row, errors = checker.check(raw)
            report.rows += 1
            if progress and report.rows % PROGRESS_EVERY == 0:
                progress(report.rows, meter.fraction())
            report.add(errors)
            if row is not None and report.ok:
                yield row
    except FileRefused as refused:
        report.add(refused.errors)
    if progress:
        progress(report.rows, 1.0)
    if report.ok and report.rows == 0:
        report.add([IntakeError(0, "", _("В файле нет ни одной строки со сведениями."))])


def check_file(
    path: Path,
    *,
    file_name: str = "",
    scope_body_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    now: datetime.datetime | None = None,
) -> IntakeReport:
    """Every row checked, nothing stored."""
    report = IntakeReport(file_name=file_name or path.name, dry_run=True)
    checker = RowChecker(scope_body_ids=scope_body_ids, now=now)
    try:
        for _row in _checked_rows(path, report.file_name, checker, report, progress):
            pass
    finally:
        checker.close()
    return report


class _Refused(Exception):
    """Raised through ``store_rows`` when the file had an error: its transaction rolls back."""


def intake_file(
    path: Path,
    *,
    file_name: str = "",
    scope_body_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IntakeReport:
    """Check every row and store the file, all or nothing, in one pass: the rows go to
    ``store_rows`` as they are checked, inside its transaction, and the first error stops the
    writing (the rest of the file is still checked, so that every error is reported) and rolls
    everything back when the file ends. On a dry run the storage counts what it would create,
    update or leave unchanged and rolls back. ``scope_body_ids``: the bodies whose services the
    uploader may report (None: any)."""
    from registry.deliveries.storage import store_rows

    report = IntakeReport(file_name=file_name or path.name, dry_run=dry_run)
    checker = RowChecker(scope_body_ids=scope_body_ids)

    checked = _checked_rows(path, report.file_name, checker, report, progress)
    first = next(checked, None)
    if first is None:
        # Refused at its header or first row, or empty: the rest is checked without the storage.
        for _row in checked:
            pass
        checker.close()
        return report

    def rows() -> Iterator[DeliveryRow]:
        yield first
        yield from checked
        if not report.ok:
            raise _Refused

    try:
        report.stored = store_rows(rows(), dry_run=dry_run)
    except _Refused:
        report.stored = None
    finally:
        checker.close()
    return report
