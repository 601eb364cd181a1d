"""What an import did or would do: per service created / updated / unchanged / error, and
every error with its place in the file and a Russian message."""

import io
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.wording import counted

CREATED, UPDATED, UNCHANGED, ERROR = "created", "updated", "unchanged", "error"
# A service listed as withdrawn in the file: withdrawn (on import with publication), or left as
# it is (a withdrawal is a reviewer's decision, not a draft).
WITHDRAWN, WITHDRAWAL_NOT_APPLIED = "withdrawn", "withdrawal_not_applied"
OUTCOME_LABELS = {
    CREATED: gettext_lazy("будет создана / создана"),
    UPDATED: gettext_lazy("будет изменена / изменена"),
    UNCHANGED: gettext_lazy("без изменений"),
    ERROR: gettext_lazy("ошибка"),
    WITHDRAWN: gettext_lazy("будет исключена / исключена из реестра"),
    WITHDRAWAL_NOT_APPLIED: gettext_lazy(
        "исключение из реестра не применено: оно выполняется только при загрузке с публикацией"
    ),
}
MAX_ERRORS = 500
SPOOL_BYTES = 1024 * 1024


def error_count_text(count: int) -> str:
    """«1 ошибка», «2 ошибки», «5 ошибок»: the one wording of an import's error count."""
    return counted(count, _("ошибка"), _("ошибки"), _("ошибок"))


# Slots: a report holds one outcome and one location per service of the file (100 000 and more).
@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file: the XPath and line of an XML element, or sheet, row and column."""

    xpath: str = ""
    line: int | None = None
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.sheet:
            parts = [_("лист «%(sheet)s»") % {"sheet": self.sheet}]
            if self.row is not None:
                parts.append(_("строка %(row)s") % {"row": self.row})
            if self.column:
                parts.append(_("столбец %(column)s") % {"column": self.column})
            return ", ".join(parts)
        parts = []
        if self.line:
            parts.append(_("строка %(line)s") % {"line": self.line})
        if self.xpath:
            parts.append(self.xpath)
        return ", ".join(parts) or _("файл целиком")


@dataclass(frozen=True, slots=True)
class ImportProblem:
    message: str
    location: Location = field(default_factory=Location)

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(slots=True)
class ServiceOutcome:
    registry_number: str
    name: str
    outcome: str
    location: Location
    errors: list[ImportProblem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


def _location_row(location: Location) -> list:
    return [location.xpath, location.line, location.sheet, location.row, location.column]


class ServiceOutcomes:
    """The outcome of every service of a file, in order: one per service (a file may hold
    100 000), so kept as lines of a temporary file once they pass ``SPOOL_BYTES``, and read
    back as ``ServiceOutcome`` objects. Memory stays flat however long the file is."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, mode="w+", encoding="utf-8")
        self._count = 0

    def append(self, outcome: ServiceOutcome) -> None:
        row = [
            outcome.registry_number,
            outcome.name,
            outcome.outcome,
            _location_row(outcome.location),
            [[str(problem.message), _location_row(problem.location)] for problem in outcome.errors],
        ]
        self._file.seek(0, io.SEEK_END)
        self._file.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def __iter__(self) -> Iterator[ServiceOutcome]:
        self._file.seek(0)
        for _index in range(self._count):
            number, name, outcome, location, errors = json.loads(self._file.readline())
            yield ServiceOutcome(
                number,
                name,
                outcome,
                Location(*location),
                [ImportProblem(message, Location(*where)) for message, where in errors],
            )


@dataclass
class ImportReport:
    file_name: str = ""
    dry_run: bool = True
    publish: bool = False
    applied: bool = False
    services: ServiceOutcomes = field(default_factory=ServiceOutcomes)
    file_errors: list[ImportProblem] = field(default_factory=list)
    error_count: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOME_LABELS, 0))
    # Why the import stopped before it could judge the file (the database went away): not an
    # error of the file, and nothing was written.
    interrupted: str = ""
    # The bodies' offices of the file: created / updated / unchanged (an office's errors are the
    # file's, at the office).
    offices: dict[str, int] = field(default_factory=lambda: dict.fromkeys((CREATED, UPDATED, UNCHANGED), 0))

    def add_file_error(self, message: str, location: Location | None = None) -> None:
        self.error_count += 1
        if len(self.file_errors) < MAX_ERRORS:
            self.file_errors.append(ImportProblem(str(message), location or Location()))

    def add(self, outcome: ServiceOutcome) -> None:
        self.error_count += len(outcome.errors)
        self.totals[outcome.outcome] += 1
        self.services.append(outcome)

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and not self.interrupted

    @property
    def summary(self) -> str:
        """The report's conclusion, the same sentence on the page and in the command."""
        if self.interrupted:
            return self.interrupted
        if self.error_count:
            return _("В файле %(errors)s: ничего из файла не записано.") % {
                "errors": error_count_text(self.error_count)
            }
        if self.dry_run:
            return _("Ошибок нет. Пробная загрузка: ничего не записано.")
        return _("Загрузка выполнена.")

    def counts(self) -> dict[str, int]:
        return dict(self.totals)

    def errors(self) -> list[ImportProblem]:
        problems = list(self.file_errors)
        for item in self.services:
            problems.extend(item.errors)
        return problems

    def lines(self) -> Iterator[str]:
        """The report as text, a line at a time (the command prints it as it goes)."""
        counts = self.counts()
        for item in self.services:
            yield f"{item.registry_number} {item.name}: {item.label}"
            yield from (f"  {problem}" for problem in item.errors)
        yield from (str(problem) for problem in self.file_errors)
        yield (
            _(
                "Итого: создано %(created)s, изменено %(updated)s, без изменений %(unchanged)s, "
                "с ошибками %(error)s."
            )
            % counts
        )
        if any(self.offices.values()):
            yield (
                _("Офисы: создано %(created)s, изменено %(updated)s, без изменений %(unchanged)s.")
                % self.offices
            )
        if counts[WITHDRAWN] or counts[WITHDRAWAL_NOT_APPLIED]:
            yield (
                _("Исключение из реестра: исключено %(withdrawn)s, не применено %(withdrawal_not_applied)s.")
                % counts
            )
        yield self.summary
