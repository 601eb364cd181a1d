"""The compliance table in Russian: the same cells for the command line and the workspace page."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.models import DeliveryMonthly

COLUMNS = (
    gettext_lazy("Офис"),
    gettext_lazy("Месяц"),
    gettext_lazy("Запросов"),
    gettext_lazy("В срок"),
    gettext_lazy("Срок: медиана, дн."),
    gettext_lazy("Срок: 90-й процентиль, дн."),
    gettext_lazy("Срок по стандарту, дн."),
    gettext_lazy("Очередь в пределах нормы"),
    gettext_lazy("Регистрация в срок"),
    gettext_lazy("Доля отказов"),
    gettext_lazy("Отказов вне перечня"),
)


def number(value: float | None) -> str:
    """«4», «4,5»; a dash when unknown."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def share(value: float | None) -> str:
    """«87,5 %» (a no-break space before the sign); a dash when nothing was checked."""
    if value is None:
        return "—"
    percent = f"{value * 100:.1f}".removesuffix(".0")
    return percent.replace(".", ",") + "\u00a0%"


def office_name(row: DeliveryMonthly) -> str:
    return row.office.name if row.office_id else _("без указания офиса")


@dataclass(frozen=True)
class ReportLine:
    office: str
    month: str
    cells: tuple[str, ...]

    @classmethod
    def of(cls, row: DeliveryMonthly) -> "ReportLine":
        return cls(
            office=office_name(row),
            month=f"{row.month:%m.%Y}",
            cells=(
                str(row.count),
                share(row.on_time_share),
                number(row.term_used_median),
                number(row.term_used_p90),
                number(row.term_declared),
                share(row.queue_ok_share),
                share(row.registered_in_time_share),
                share(row.refusal_rate),
                str(row.refusals_unlisted),
            ),
        )

    @property
    def all_cells(self) -> tuple[str, ...]:
        return (self.office, self.month, *self.cells)


def text_table(rows) -> str:
    """A plain-text table with aligned columns."""
    lines = [tuple(str(title) for title in COLUMNS), *(ReportLine.of(row).all_cells for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    rendered = []
    for index, line in enumerate(lines):
        first, rest = line[0].ljust(widths[0]), [cell.rjust(widths[i + 1]) for i, cell in enumerate(line[1:])]
        rendered.append("  ".join([first, *rest]).rstrip())
        if index == 0:
            rendered.append("  ".join("-" * width for width in widths))
    return "\n".join(rendered)
