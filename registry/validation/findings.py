"""What the validator returns: findings with a stable code, a severity and a citation,
gathered in a report that says whether the edition may be published."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    ERROR = "error", _("ошибка")
    WARNING = "warning", _("предупреждение")


@dataclass(frozen=True)
class Finding:
    """One problem of an edition.

    ``requirement_code`` is the code of the statutory requirement the finding answers to,
    or None for the registry's own rules (they have no citation either). ``row`` places a
    finding about one row of a list (``field``) at that row.
    """

    code: str
    severity: Severity
    section: str
    requirement_code: str | None
    citation: str
    message: str
    field: str | None = None
    item: str = ""
    # The row's place (from 0) in the editor's list named by ``field``, when the finding is
    # about one row: the editor links to the row itself.
    row: int | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


@dataclass(frozen=True)
class ValidationReport:
    findings: list[Finding]
    completeness: float
    missing_requirements: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == Severity.WARNING]

    @property
    def is_publishable(self) -> bool:
        return not self.errors

    @property
    def codes(self) -> list[str]:
        return [finding.code for finding in self.findings]

    def to_validation_error(self) -> ValidationError:
        """The errors as one ValidationError, for services that refuse to publish."""
        return ValidationError(
            [
                ValidationError(
                    "%(citation)s: %(message)s" if finding.citation else "%(message)s",
                    code=finding.code,
                    params={
                        "citation": finding.citation,
                        "message": finding.message,
                        "section": finding.section,
                        "item": finding.item,
                    },
                )
                for finding in self.errors
            ]
        )
