"""What is wrong with a delivery file: each problem names the row (or line) and the column."""

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True, slots=True)
class IntakeError:
    """One problem, in Russian. ``line`` is 0 for the file as a whole; ``column`` is the
    column's Russian header (or the header as the file spells it), empty when the row as a whole
    is wrong."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        if self.column:
            return _("Строка %(line)s, столбец «%(column)s»: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Строка %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class FileRefused(Exception):
    """The file cannot be read at all (format, encoding, headers, schema): no row is checked
    past this point. ``errors`` says why."""

    def __init__(self, *errors: IntakeError) -> None:
        super().__init__(str(errors[0]) if errors else "")
        self.errors = list(errors)
