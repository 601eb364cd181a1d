"""What an import did or would do: per service created / updated / unchanged / error, and
every error with its place in the file and a Russian message."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


@dataclass
class ImportReport:
    file_name: str = ""
    dry_run: bool = True
    publish: bool = False
    applied: bool = False
    services: list[ServiceOutcome] = field(default_factory=list)
    file_errors: list[ImportProblem] = field(default_factory=list)
    error_count: int = 0

    def add_file_error(self, message: str, location: Location | None = None) -> None:
        self.error_count += 1
        if len(self.file_errors) < MAX_ERRORS:
            self.file_errors.append(ImportProblem(str(message), location or Location()))

    def add(self, outcome: ServiceOutcome) -> None:
        self.error_count += len(outcome.errors)
        self.services.append(outcome)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(OUTCOME_LABELS, 0)
        for item in self.services:
            totals[item.outcome] += 1
        return totals

    def errors(self) -> list[ImportProblem]:
        problems = list(self.file_errors)
        for item in self.services:
            problems.extend(item.errors)
        return problems

    def lines(self) -> list[str]:
        counts = self.counts()
        lines = []
        for item in self.services:
            lines.append(f"{item.registry_number} {item.name}: {item.label}")
            lines.extend(f"  {problem}" for problem in item.errors)
        lines.extend(str(problem) for problem in self.file_errors)
        lines.append(
            _(
                "Итого: создано %(created)s, изменено %(updated)s, без изменений %(unchanged)s, "
                "с ошибками %(error)s."
            )
            % counts
        )
        if counts[WITHDRAWN] or counts[WITHDRAWAL_NOT_APPLIED]:
            lines.append(
                _("Исключение из реестра: исключено %(withdrawn)s, не применено %(withdrawal_not_applied)s.")
                % counts
            )
        if not self.ok:
            lines.append(
                _("В файле %(count)s ошибок: ничего из файла не записано.") % {"count": self.error_count}
            )
        elif self.dry_run:
            lines.append(_("Пробная загрузка: ничего не записано."))
        else:
            lines.append(_("Загрузка выполнена."))
        return lines
