"""The checks a restored registry must pass, and their report in Russian: the figures against
those recorded at backup time, the change counter ahead of the newest change, and the
publication validator passing on every edition in force."""

import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from registry.backups.figures import (
    EditionFailure,
    RegistryFigures,
    next_change_number,
    published_edition_failures,
    registry_figures,
)

# The figures compared, with their wording in the report.
FIGURE_LABELS = {
    "services": "Услуг в реестре",
    "published_editions": "Действующих редакций",
    "last_sequence": "Последний номер последовательности изменений (export?since=)",
    "changes": "Записей в последовательности изменений",
}


@dataclass(frozen=True)
class RegistryCheck:
    figures: RegistryFigures
    next_change_number: int | None
    checked_editions: int
    failures: list[EditionFailure]
    seconds: float

    def as_dict(self) -> dict:
        return {
            "figures": self.figures.as_dict(),
            "next_change_number": self.next_change_number,
            "checked_editions": self.checked_editions,
            "failures": [failure.as_dict() for failure in self.failures],
            "seconds": round(self.seconds, 2),
        }

    @classmethod
    def from_dict(cls, data: dict) -> "RegistryCheck":
        return cls(
            figures=RegistryFigures(**data["figures"]),
            next_change_number=data["next_change_number"],
            checked_editions=data["checked_editions"],
            failures=[EditionFailure(**failure) for failure in data["failures"]],
            seconds=data["seconds"],
        )


def check_registry() -> RegistryCheck:
    """Check the configured database."""
    started = time.monotonic()
    figures = registry_figures()
    counter = next_change_number()
    checked, failures = published_edition_failures()
    return RegistryCheck(
        figures=figures,
        next_change_number=counter,
        checked_editions=checked,
        failures=failures,
        seconds=time.monotonic() - started,
    )


def report(check: RegistryCheck, expected: RegistryFigures | None) -> tuple[list[str], list[str]]:
    """The report's lines, and the problems (empty when the copy is sound)."""
    lines: list[str] = []
    problems: list[str] = []
    found = check.figures.as_dict()
    wanted = expected.as_dict() if expected is not None else {}
    for key, label in FIGURE_LABELS.items():
        if key not in wanted:
            lines.append(_("%(label)s: %(found)s.") % {"label": label, "found": found[key]})
        elif found[key] == wanted[key]:
            lines.append(
                _("%(label)s: %(found)s (при копировании: %(wanted)s) — совпадает.")
                % {"label": label, "found": found[key], "wanted": wanted[key]}
            )
        else:
            lines.append(
                _("%(label)s: %(found)s (при копировании: %(wanted)s) — НЕ СОВПАДАЕТ.")
                % {"label": label, "found": found[key], "wanted": wanted[key]}
            )
            problems.append(
                _("%(label)s: %(found)s вместо %(wanted)s")
                % {"label": label.split(" (")[0].lower(), "found": found[key], "wanted": wanted[key]}
            )
    last = check.figures.last_sequence
    if check.next_change_number is not None:
        if check.next_change_number > last:
            lines.append(
                _("Счётчик номеров изменений выдаст следующим %(next)s — после последнего номера %(last)s.")
                % {"next": check.next_change_number, "last": last}
            )
        else:
            lines.append(
                _(
                    "Счётчик номеров изменений выдаст следующим %(next)s, а последний номер уже %(last)s: "
                    "новые изменения получили бы номера, которые получатели уже видели."
                )
                % {"next": check.next_change_number, "last": last}
            )
            problems.append(
                _("счётчик номеров изменений (%(next)s) не впереди последнего номера (%(last)s)")
                % {"next": check.next_change_number, "last": last}
            )
    lines.append(
        _(
            "Валидатор публикации: проверено действующих редакций — %(checked)s, "
            "не проходят — %(failed)s (%(seconds)s с)."
        )
        % {
            "checked": check.checked_editions,
            "failed": len(check.failures),
            "seconds": seconds_display(check.seconds),
        }
    )
    for failure in check.failures:
        lines.append(
            _("  Услуга %(number)s, редакция № %(edition)s не проходит валидатор:")
            % {"number": failure.registry_number, "edition": failure.edition_number}
        )
        lines.extend(f"    {error}" for error in failure.errors)
    if check.failures:
        problems.append(
            _("валидатор не пропускает действующие редакции услуг %(numbers)s")
            % {"numbers": ", ".join(f"{f.registry_number} (№ {f.edition_number})" for f in check.failures)}
        )
    return lines, problems


def seconds_display(seconds: float) -> str:
    return f"{seconds:.1f}".replace(".", ",")
