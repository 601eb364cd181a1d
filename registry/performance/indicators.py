"""The quality indicators of the standard (art. 14 part 1 item 13) against practice.

An indicator row has a name, a comparison, a target and a unit, but no code: which computation
measures it is declared here once, in ``MEASURES``, by words its name contains (compared after
``normalize_name``: case, ё/е, spaces) and the unit it must be stated in. The first measure whose
words all occur in the name measures the indicator; an indicator no measure matches (or stated
in another unit, or applying to one variant only: the rollup is not split by variant) is shown
as declared, not measured. Each month is compared with the target of the edition in force on the
last day of that month.

The mapping, with examples, is documented in docs/performance.md.

A name such as «Доля запросов, рассмотренных в установленный срок» (the demo's) is ``on_time``;
«Количество взаимодействий заявителя с должностными лицами» or «Доля обоснованных жалоб» have
no measure in the records and are listed as declared only."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from registry.models import FROZEN_STATUSES, Edition, IndicatorComparison, QualityIndicator, Service
from registry.models.sections import normalize_name
from registry.performance import sources
from registry.performance.figures import RELIABLE_CASES, Figures, Period, Score, Share


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    words: tuple[tuple[str, ...], ...]  # any of these groups, every word of the group
    share: Callable[[Figures], Share] | None = None  # from the delivery rollup
    source: str = ""  # or from a wired source (registry.performance.sources)
    without: tuple[str, ...] = ()  # words that exclude the measure

    def matches(self, name: str) -> bool:
        if any(word in name for word in self.without):
            return False
        return any(all(word in name for word in group) for group in self.words)


# Checked in this order: the first match measures the indicator.
MEASURES = (
    Measure(
        "registration_late",
        _("Доля запросов, зарегистрированных с нарушением срока"),
        (("регистр", "наруш"),),
        lambda f: f.registration_late,
    ),
    Measure(
        "registration",
        _("Доля запросов, зарегистрированных в срок"),
        (("регистр", "срок"), ("регистр", "в течение"), ("регистр", "в день")),
        lambda f: f.registered_in_time,
    ),
    Measure("queue", _("Доля ожиданий в очереди в пределах нормы"), (("очеред",),), lambda f: f.queue_ok),
    Measure(
        "late",
        _("Доля запросов с нарушением срока"),
        (("наруш", "срок"),),
        lambda f: f.late,
        without=("жалоб",),
    ),
    Measure(
        "on_time",
        _("Доля запросов, рассмотренных в срок"),
        (("срок",),),
        lambda f: f.on_time,
        without=("жалоб",),
    ),
    Measure(
        "refusals_unlisted",
        _("Доля отказов по основаниям вне перечня"),
        (("отказ", "не предусмотрен"), ("отказ", "необоснован")),
        lambda f: f.refusals_unlisted,
    ),
    Measure("refusals", _("Доля отказов"), (("отказ",),), lambda f: f.refusals, without=("жалоб",)),
    Measure("satisfaction", _("Доля довольных оценками 4–5"), (("удовлетвор",),), source="satisfaction"),
    Measure("audit", _("Оценка контрольных проверок"), (("контрольн",), ("проверк",)), source="audit_scores"),
)
PERCENT_UNITS = {"%", "процент", "процентов", "проц."}


def measure_for(indicator: QualityIndicator) -> Measure | None:
    """The declared measure of an indicator row, or None (declared only)."""
    if indicator.variant_id or indicator.target_value is None:
        return None
    if indicator.comparison not in (
        IndicatorComparison.AT_LEAST,
        IndicatorComparison.AT_MOST,
        IndicatorComparison.EQUALS,
    ):
        return None
    if normalize_name(indicator.unit) not in PERCENT_UNITS:
        return None
    name = normalize_name(indicator.name)
    return next((measure for measure in MEASURES if measure.matches(name)), None)


def meets(value: float, comparison: str, target: Decimal) -> bool:
    """The comparison of a percentage with its target, to a tenth of a percent as shown."""
    value, target = round(value, 1), float(target)
    if comparison == IndicatorComparison.AT_LEAST:
        return value >= target
    if comparison == IndicatorComparison.AT_MOST:
        return value <= target
    return abs(value - target) < 0.05


@dataclass
class MonthValue:
    month: date
    percent: float | None
    cases: int
    target: Decimal | None
    comparison: str
    met: bool | None  # None: nothing to compare (no cases, or no indicator that month)

    @property
    def reliable(self) -> bool:
        return self.cases >= RELIABLE_CASES


@dataclass
class IndicatorLine:
    """An indicator of the edition in force, measured per month, or declared only."""

    name: str
    target_text: str
    measure: Measure | None
    comparison: str = ""
    target: Decimal | None = None
    months: list[MonthValue] = field(default_factory=list)
    period_value: MonthValue | None = None

    @property
    def measured(self) -> bool:
        return self.measure is not None and any(value.cases for value in self.months)

    @property
    def below_two_months(self) -> bool:
        """The last two months with requests both missed the target."""
        checked = [value for value in self.months if value.met is not None]
        return len(checked) >= 2 and checked[-1].met is False and checked[-2].met is False

    @property
    def last_two(self) -> list[MonthValue]:
        return [value for value in self.months if value.met is not None][-2:]

    @property
    def months_met(self) -> int:
        return sum(1 for value in self.months if value.met)

    @property
    def months_checked(self) -> int:
        return sum(1 for value in self.months if value.met is not None)


def editions_in_force(service: Service) -> list[Edition]:
    """The service's frozen editions with a date of effect, oldest first, with their indicators
    (two queries)."""
    return list(
        Edition.objects.filter(service=service, status__in=FROZEN_STATUSES, effective_date__isnull=False)
        .only("pk", "service_id", "number", "effective_date")
        .order_by("effective_date", "number")
        .prefetch_related("indicators")
    )


def edition_on(editions: list[Edition], day: date) -> Edition | None:
    chosen = None
    for edition in editions:
        if edition.effective_date <= day:
            chosen = edition
    return chosen


def month_end(month: date) -> date:
    index = month.year * 12 + month.month
    return date(index // 12, index % 12 + 1, 1) - timedelta(days=1)


def _value(measure: Measure, figures: Figures, source_value: Share | Score | None) -> Share | Score | None:
    if measure.share is not None:
        return measure.share(figures)
    return source_value


def indicator_lines(
    service: Service,
    period: Period,
    *,
    editions: list[Edition] | None = None,
    source_values: dict[str, dict[date | None, Share | Score]] | None = None,
) -> list[IndicatorLine]:
    """The indicators of the edition in force today (its rows, in order) with their monthly
    values against the target of the edition in force each month. ``source_values``: per source
    name, the shares per month (or for the period under the key None) that a wired source gives."""
    from registry.catalogue.presentation import indicator_display

    editions = editions_in_force(service) if editions is None else editions
    if not editions:
        return []
    source_values = source_values if source_values is not None else sources.indicator_shares(service)
    current = editions[-1]
    lines = []
    for indicator in current.indicators.all():
        measure = measure_for(indicator)
        line = IndicatorLine(
            name=indicator.name,
            target_text=indicator_display(indicator),
            measure=measure,
            comparison=indicator.comparison,
            target=indicator.target_value,
        )
        if measure is not None and (measure.share is not None or measure.source in source_values):
            by_month = source_values.get(measure.source, {})
            for figures in period.months:
                month = figures.key
                in_force = edition_on(editions, month_end(month))
                target_row = _same_indicator(in_force, indicator, measure) if in_force else None
                share = _value(measure, figures, by_month.get(month))
                line.months.append(_month_value(month, share, target_row))
            whole = _value(measure, period.total, by_month.get(None))
            line.period_value = _month_value(None, whole, indicator)
        lines.append(line)
    return lines


def _same_indicator(edition: Edition, indicator: QualityIndicator, measure: Measure):
    """The row of that edition measured the same way (its target may differ)."""
    if edition.pk == indicator.edition_id:
        return indicator
    return next((row for row in edition.indicators.all() if measure_for(row) == measure), None)


def _month_value(month, share: Share | Score | None, target_row) -> MonthValue:
    cases = share.cases if share else 0
    percent = share.percent if share else None
    target = target_row.target_value if target_row is not None else None
    comparison = target_row.comparison if target_row is not None else ""
    met = meets(percent, comparison, target) if percent is not None and target is not None else None
    return MonthValue(
        month=month, percent=percent, cases=cases, target=target, comparison=comparison, met=met
    )
