"""Intake of delivery files: read, check every row, and only then store, all or nothing.

Two passes over the file keep memory flat: the first checks every row and collects the errors
(capped for the report, counted in full); the second, only when there is none, reads the file
again and hands the rows to ``registry.deliveries.storage.store_rows`` (which, on a dry run,
only counts what it would create, update or leave unchanged)."""

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from registry.deliveries.intake.checks import RowChecker
from registry.deliveries.intake.errors import FileRefused, IntakeError
from registry.deliveries.intake.readers import read_rows
from registry.deliveries.rows import DeliveryRow
from registry.wording import counted

MAX_LISTED_ERRORS = 100
CHECKING = "check"
STORING = "store"
Progress = Callable[[str, int, int | None], None]  # phase, rows done, rows in all (when known)


@dataclass
class IntakeReport:
    file_name: str
    dry_run: bool
    rows: int = 0
    errors: list[IntakeError] = field(default_factory=list)
    error_count: int = 0
    stored: Any = None  # the storage's StoreResult, once the rows went through it
    checked_at: datetime.datetime | None = None  # "now" for the future-date rule, kept for the second pass

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
    path: Path, file_name: str, checker: RowChecker, report: IntakeReport | None, progress: Progress | None
) -> Iterator[DeliveryRow]:
    """The file's rows checked; errors go to the report (first pass), or stop the stream (second
    pass: the file changed between the passes)."""
    done = 0
    for raw in read_rows(path, file_name):
        row, errors = checker.check(raw)
        done += 1
        if progress and done % 1000 == 0:
            progress(CHECKING, done, None)
        if report is not None:
            report.rows = done
            report.add(errors)
        elif errors:
            raise FileRefused(*errors)
        if row is not None:
            yield row


def check_file(
    path: Path,
    *,
    file_name: str = "",
    scope_body_ids: Iterable[int] | None = None,
    dry_run: bool = True,
    progress: Progress | None = None,
    now: datetime.datetime | None = None,
) -> IntakeReport:
    """The first pass: every row checked, nothing stored."""
    report = IntakeReport(file_name=file_name or path.name, dry_run=dry_run)
    checker = RowChecker(scope_body_ids=scope_body_ids, now=now)
    report.checked_at = checker.now
    try:
        for _row in _checked_rows(path, report.file_name, checker, report, progress):
            pass
    except FileRefused as refused:
        report.add(refused.errors)
    finally:
        checker.close()
    if progress:
        progress(CHECKING, report.rows, report.rows)
    if report.ok and report.rows == 0:
        report.add([IntakeError(0, "", _("В файле нет ни одной строки со сведениями."))])
    return report


def intake_file(
    path: Path,
    *,
    file_name: str = "",
    scope_body_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IntakeReport:
    """Check the whole file, then store it (or, on a dry run, count what storing would do).
    ``scope_body_ids``: the bodies whose services the uploader may report (None: any)."""
    scope = None if scope_body_ids is None else set(scope_body_ids)
    report = check_file(path, file_name=file_name, scope_body_ids=scope, dry_run=dry_run, progress=progress)
    if not report.ok:
        return report

    from registry.deliveries.storage import store_rows

    checker = RowChecker(scope_body_ids=scope, now=report.checked_at, track_duplicates=False)
    total = report.rows

    def stored_rows() -> Iterator[DeliveryRow]:
        for done, row in enumerate(_checked_rows(path, report.file_name, checker, None, None), start=1):
            if progress and done % 1000 == 0:
                progress(STORING, done, total)
            yield row

    try:
        report.stored = store_rows(stored_rows(), dry_run=dry_run)
    except FileRefused as refused:
        report.add(refused.errors)
    finally:
        checker.close()
    if progress and report.ok:
        progress(STORING, total, total)
    return report
