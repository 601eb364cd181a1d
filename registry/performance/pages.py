"""The sections of the performance pages: each a chart and a table built from the same points,
downloadable as CSV and Excel. The public service page, the public body page and the workspace
dashboard assemble them from a ``Period`` (``registry.performance.figures``)."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.deliveries.report import number
from registry.performance import charts, sources
from registry.performance.charts import UNRELIABLE_LABEL, Point, percent_text
from registry.performance.figures import RELIABLE_CASES, Figures, Period, Share
from registry.performance.indicators import IndicatorLine

MONTH_NAMES = (
    gettext_lazy("янв"),
    gettext_lazy("фев"),
    gettext_lazy("мар"),
    gettext_lazy("апр"),
    gettext_lazy("май"),
    gettext_lazy("июн"),
    gettext_lazy("июл"),
    gettext_lazy("авг"),
    gettext_lazy("сен"),
    gettext_lazy("окт"),
    gettext_lazy("ноя"),
    gettext_lazy("дек"),
)


@dataclass(frozen=True)
class Cell:
    """A table cell: its text on the page, its value in the downloads (a number where it is one)."""

    text: str
    value: object = None

    @property
    def raw(self) -> object:
        return self.text if self.value is None else self.value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Rows whose figure rests on fewer than RELIABLE_CASES requests (by index), marked on the page.
    unreliable: set[int] = field(default_factory=set)

    def marked_rows(self) -> list[tuple[list[Cell], bool]]:
        return [(row, index in self.unreliable) for index, row in enumerate(self.rows)]


@dataclass
class Section:
    """A chart (or None: a table alone) with its table."""

    key: str
    title: str
    table: Table
    chart: SafeString | None = None
    note: str = ""


def month_label(month: date) -> str:
    """«мар»: a month's column on a chart (the year goes under January and the first month)."""
    return str(MONTH_NAMES[month.month - 1])


def month_text(month: date) -> str:
    return f"{month:%m.%Y}"


def _percent_cell(share: Share) -> Cell:
    percent = share.percent
    return Cell(percent_text(percent), None if percent is None else round(percent, 1))


def _reliability(cases: int) -> Cell:
    return Cell(str(UNRELIABLE_LABEL) if 0 < cases < RELIABLE_CASES else "")


def monthly_share_section(
    *,
    key: str,
    title: str,
    desc: str,
    period: Period,
    share: Callable[[Figures], Share],
    value_column: str,
    target: float | None = None,
) -> Section:
    """A share per month: columns with the target line, and the table of the same figures."""
    points, table = (
        [],
        Table(
            key=key,
            caption=title,
            columns=[_("Месяц"), value_column, _("Проверено запросов"), _("Надёжность")],
        ),
    )
    first = period.months[0].key if period.months else None
    for index, figures in enumerate(period.months):
        month = figures.key
        value = share(figures)
        sublabel = str(month.year) if month == first or month.month == 1 else ""
        points.append(Point(month_label(month), value.percent, value.reliable or not value.cases, sublabel))
        table.rows.append(
            [
                Cell(month_text(month)),
                _percent_cell(value),
                Cell(str(value.cases), value.cases),
                _reliability(value.cases),
            ]
        )
        if 0 < value.cases < RELIABLE_CASES:
            table.unreliable.add(index)
    chart = charts.column_chart(chart_id=f"chart-{key}", title=title, desc=desc, points=points, target=target)
    return Section(key=key, title=title, table=table, chart=chart)


def term_section(period: Period) -> Section:
    """The median term used against the declared term, per month (days: a table, not the 0–100 %
    scale of the charts)."""
    table = Table(
        key="term",
        caption=_("Срок предоставления: медиана и срок по стандарту, дней"),
        columns=[
            _("Месяц"),
            _("Медиана срока, дн."),
            _("Срок по стандарту, дн."),
            _("Запросов с решением"),
            _("Надёжность"),
        ],
    )
    for index, figures in enumerate(period.months):
        decided = figures.sums["decided"]
        median, declared = figures.term_used_median, figures.term_declared
        table.rows.append(
            [
                Cell(month_text(figures.key)),
                Cell(number(median), median),
                Cell(number(declared), declared),
                Cell(str(decided), decided),
                _reliability(decided),
            ]
        )
        if 0 < decided < RELIABLE_CASES:
            table.unreliable.add(index)
    return Section(key="term", title=table.caption, table=table)


def comparison_section(
    *, key: str, title: str, desc: str, rows: list[Figures], name_column: str, target: float | None = None
) -> Section:
    """Offices (or services) side by side over the period: the share on time as bars, the table
    with the other figures too; the worst first."""
    ranked = sorted(rows, key=lambda f: (f.gap[0] is None, -(f.gap[0] or 0), f.label))
    table = Table(
        key=key,
        caption=title,
        columns=[
            name_column,
            _("Отклонение от стандарта"),
            _("Запросов"),
            _("В срок"),
            _("Очередь в пределах нормы"),
            _("Регистрация в срок"),
            _("Медиана срока, дн."),
            _("Надёжность"),
        ],
    )
    points = []
    for index, figures in enumerate(ranked):
        label = figures.label or _("без указания офиса")
        points.append(
            Point(label, figures.on_time.percent, figures.on_time.reliable or not figures.on_time.cases)
        )
        median = figures.term_used_median
        gap, rule = figures.gap
        table.rows.append(
            [
                Cell(label),
                Cell(
                    f"{percent_text(gap)} ({rule})" if gap is not None else "—",
                    None if gap is None else round(gap, 1),
                ),
                Cell(str(figures.count), figures.count),
                _percent_cell(figures.on_time),
                _percent_cell(figures.queue_ok),
                _percent_cell(figures.registered_in_time),
                Cell(number(median), median),
                _reliability(figures.on_time.cases),
            ]
        )
        if 0 < figures.on_time.cases < RELIABLE_CASES:
            table.unreliable.add(index)
    chart = charts.bar_chart(chart_id=f"chart-{key}", title=title, desc=desc, points=points, target=target)
    note = _(
        "Полосы — доля запросов, рассмотренных в срок; порядок — по наибольшему отклонению от стандарта "
        "(срок, очередь или регистрация: столбец «Отклонение от стандарта» таблицы)."
    )
    return Section(key=key, title=title, table=table, chart=chart, note=note)


def indicators_table(lines: list[IndicatorLine]) -> Table:
    table = Table(
        key="indicators",
        caption=_("Показатели качества и доступности против целевых значений"),
        columns=[
            _("Показатель"),
            _("Норматив"),
            _("За период"),
            _("Месяцев в норме"),
            _("Последний месяц"),
            _("Состояние"),
        ],
    )
    for index, line in enumerate(lines):
        if not line.measured:
            table.rows.append(
                [
                    Cell(line.name),
                    Cell(line.target_text),
                    Cell("—"),
                    Cell("—"),
                    Cell("—"),
                    Cell(_("заявлен, не измеряется")),
                ]
            )
            continue
        whole = line.period_value
        checked = [value for value in line.months if value.percent is not None]
        last = checked[-1] if checked else None
        if line.below_two_months:
            state = _("ниже цели два месяца подряд")
        elif last is not None and last.met is False:
            state = _("ниже цели")
        else:
            state = _("в норме")
        table.rows.append(
            [
                Cell(line.name),
                Cell(line.target_text),
                Cell(
                    percent_text(whole.percent) if whole else "—",
                    round(whole.percent, 1) if whole and whole.percent is not None else None,
                ),
                Cell(f"{line.months_met} / {line.months_checked}"),
                Cell(
                    f"{month_text(last.month)}: {percent_text(last.percent)}" if last else "—",
                ),
                Cell(state),
            ]
        )
        if whole is not None and 0 < whole.cases < RELIABLE_CASES:
            table.unreliable.add(index)
    return table


def target_of(lines: list[IndicatorLine], code: str) -> float | None:
    """The target of the indicator measured by ``code`` (the line drawn on its chart)."""
    for line in lines:
        if line.measure is not None and line.measure.code == code and line.target is not None:
            return float(line.target)
    return None


def satisfaction_section(
    distribution: list[sources.Distribution] | None, *, key: str = "satisfaction"
) -> Section | None:
    if not distribution:
        return None
    title = _("Оценки заявителей по критериям (1–5)")
    table = Table(key=key, caption=title, columns=[_("Критерий"), "1", "2", "3", "4", "5", _("Всего оценок")])
    for row in distribution:
        table.rows.append(
            [Cell(row.label), *(Cell(str(n), n) for n in row.counts), Cell(str(row.total), row.total)]
        )
    chart = charts.distribution_chart(
        chart_id=f"chart-{key}",
        title=title,
        desc=_("Распределение оценок от 1 до 5 по каждому критерию с числом оценок."),
        rows=[(row.label, row.counts) for row in distribution],
    )
    return Section(key=key, title=title, table=table, chart=chart)


def audit_section(audits: list[sources.AuditMonth] | None, period: Period) -> Section | None:
    if not audits:
        return None
    title = _("Контрольные проверки («тайный заявитель»): оценка по месяцам")
    by_month = {audit.month: audit for audit in audits}
    table = Table(key="audits", caption=title, columns=[_("Месяц"), _("Оценка"), _("Проверок")])
    points = []
    first = period.months[0].key if period.months else None
    for figures in period.months:
        month = figures.key
        audit = by_month.get(month)
        score = audit.score if audit else None
        count = audit.count if audit else 0
        sublabel = str(month.year) if month == first or month.month == 1 else ""
        # An audit is one visit: the 30-request rule does not apply to it.
        points.append(Point(month_label(month), score, True, sublabel))
        table.rows.append(
            [
                Cell(month_text(month)),
                Cell(percent_text(score), None if score is None else round(score, 1)),
                Cell(str(count), count),
            ]
        )
    chart = charts.column_chart(
        chart_id="chart-audits",
        title=title,
        desc=_("Оценка контрольных проверок по месяцам, в процентах."),
        points=points,
    )
    return Section(key="audits", title=title, table=table, chart=chart)


def csv_bytes(table: Table) -> bytes:
    """UTF-8 with a byte order mark and «;»: what Excel opens as columns in a Russian locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(
            [str(cell.raw).replace(".", ",") if isinstance(cell.raw, float) else cell.raw for cell in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.key[:31])
    sheet.append([table.caption])
    sheet.append(table.columns)
    for row in table.rows:
        sheet.append([cell.raw for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
