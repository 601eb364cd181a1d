"""Monthly figures of a service, a body or an office, read from the delivery rollup
(``DeliveryMonthly``): one query of the rollup's rows, summed here per month, per office or per
service. A share is counted over the requests the rule could be checked for, and a figure whose
month has fewer than ``RELIABLE_CASES`` such requests is marked as not reliable (shown, not hidden).

The rollup keeps a median per service × body × office × month, not the records: the median over
several offices or months is the median of those medians weighted by their requests with a
decision (exact for one office and one month, an estimate otherwise)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from registry.deliveries.selectors import first_month
from registry.models import CatalogueEntry, DeliveryMonthly, Office, ProviderBody, Service

RELIABLE_CASES = 30
GAP_TERM = _("срок")
GAP_QUEUE = _("очередь")
GAP_REGISTRATION = _("регистрация")

SUMMED = (
    "count",
    "decided",
    "term_checked",
    "on_time",
    "queue_checked",
    "queue_ok",
    "registration_checked",
    "registered_in_time",
    "refusals",
    "refusals_unlisted",
)
READ = ("service_id", "body_id", "office_id", "month", *SUMMED, "term_used_median", "term_declared")


@dataclass(frozen=True)
class Share:
    """A share of the checked requests; ``cases`` is how many were checked."""

    part: int
    cases: int

    @property
    def value(self) -> float | None:
        return self.part / self.cases if self.cases else None

    @property
    def percent(self) -> float | None:
        value = self.value
        return None if value is None else value * 100

    @property
    def reliable(self) -> bool:
        return self.cases >= RELIABLE_CASES


@dataclass(frozen=True)
class Score:
    """A figure in percent given as such (an audit score) over ``cases``."""

    percent: float | None
    cases: int

    @property
    def reliable(self) -> bool:
        return self.cases >= RELIABLE_CASES


def weighted_median(pairs: Iterable[tuple[float, int]]) -> float | None:
    """The median of values each standing for ``weight`` requests (the lower median on a tie)."""
    ordered = sorted((value, weight) for value, weight in pairs if value is not None and weight > 0)
    total = sum(weight for _value, weight in ordered)
    if not total:
        return None
    running = 0
    for value, weight in ordered:
        running += weight
        if running * 2 >= total:
            return value
    return ordered[-1][0]


@dataclass
class Figures:
    """The sums of rollup rows (one month, one office, one service, or a whole period)."""

    label: str = ""
    key: object = None
    number: str = ""  # a service's registry number, for its link
    sums: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SUMMED, 0))
    medians: list[tuple[float, int]] = field(default_factory=list)
    declared: list[tuple[float, int]] = field(default_factory=list)

    def add(self, row: dict) -> None:
        for name in SUMMED:
            self.sums[name] += row[name]
        if row["term_used_median"] is not None:
            self.medians.append((row["term_used_median"], row["decided"] or 1))
        if row["term_declared"] is not None:
            self.declared.append((row["term_declared"], row["decided"] or 1))

    @property
    def count(self) -> int:
        return self.sums["count"]

    @property
    def reliable(self) -> bool:
        return self.count >= RELIABLE_CASES

    @property
    def on_time(self) -> Share:
        return Share(self.sums["on_time"], self.sums["term_checked"])

    @property
    def late(self) -> Share:
        return Share(self.sums["term_checked"] - self.sums["on_time"], self.sums["term_checked"])

    @property
    def queue_ok(self) -> Share:
        return Share(self.sums["queue_ok"], self.sums["queue_checked"])

    @property
    def registered_in_time(self) -> Share:
        return Share(self.sums["registered_in_time"], self.sums["registration_checked"])

    @property
    def registration_late(self) -> Share:
        checked = self.sums["registration_checked"]
        return Share(checked - self.sums["registered_in_time"], checked)

    @property
    def refusals(self) -> Share:
        return Share(self.sums["refusals"], self.sums["decided"])

    @property
    def refusals_unlisted(self) -> Share:
        return Share(self.sums["refusals_unlisted"], self.sums["refusals"])

    @property
    def gap(self) -> tuple[float | None, str]:
        """The largest share (percent) of checked requests that broke a rule of the standard —
        the term, a queue wait, the registration — and which rule; (None, "") when nothing was
        checked. What the dashboard ranks services and offices by."""
        rules = (
            (self.on_time, GAP_TERM),
            (self.queue_ok, GAP_QUEUE),
            (self.registered_in_time, GAP_REGISTRATION),
        )
        broken = [(100 - share.percent, str(rule)) for share, rule in rules if share.cases]
        return max(broken, key=lambda item: item[0]) if broken else (None, "")

    @property
    def term_used_median(self) -> float | None:
        return weighted_median(self.medians)

    @property
    def term_declared(self) -> float | None:
        return weighted_median(self.declared)


def months_of(start: date, count: int) -> list[date]:
    index = start.year * 12 + start.month - 1
    return [date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


@dataclass
class Period:
    """What a performance page shows: the months of the period (each, with or without
    requests), the whole period, and its offices and services."""

    months: list[Figures]
    total: Figures
    offices: list[Figures]
    services: list[Figures]
    rows: list[dict] = field(default_factory=list)

    @property
    def has_figures(self) -> bool:
        return self.total.count > 0


def rollup_rows(
    *,
    service: Service | None = None,
    body: ProviderBody | None = None,
    body_ids: Iterable[int] | None = None,
    office: Office | None = None,
    months: int = 12,
    today: date | None = None,
) -> QuerySet:
    rows = DeliveryMonthly.objects.filter(month__gte=first_month(months, today))
    if service is not None:
        rows = rows.filter(service=service)
    if body is not None:
        rows = rows.filter(body=body)
    if body_ids is not None:
        rows = rows.filter(body_id__in=list(body_ids))
    if office is not None:
        rows = rows.filter(office=office)
    return rows.order_by().values(*READ)


def period(
    rows: Iterable[dict],
    *,
    months: int = 12,
    today: date | None = None,
    office_names: dict[int, str] | None = None,
    service_names: dict[int, tuple[str, str]] | None = None,
) -> Period:
    """Sum the rollup rows per month, per office and per service. Names come from the caller
    (one query each, for the offices and services that have rows)."""
    calendar = months_of(first_month(months, today), months)
    by_month = {month: Figures(label=f"{month:%m.%Y}", key=month) for month in calendar}
    total = Figures()
    offices: dict[int | None, Figures] = defaultdict(Figures)
    services: dict[int, Figures] = defaultdict(Figures)
    rows = list(rows)
    for row in rows:
        if row["month"] in by_month:
            by_month[row["month"]].add(row)
        total.add(row)
        offices[row["office_id"]].add(row)
        services[row["service_id"]].add(row)
    for office_id, figures in offices.items():
        figures.key = office_id
        figures.label = (office_names or {}).get(office_id, "") if office_id else ""
    for service_id, figures in services.items():
        figures.key = service_id
        figures.number, figures.label = (service_names or {}).get(service_id, ("", ""))
    return Period(
        months=list(by_month.values()),
        total=total,
        offices=sorted(offices.values(), key=lambda f: (f.key is None, f.label)),
        services=sorted(services.values(), key=lambda f: f.label),
        rows=rows,
    )


def service_names(service_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """Registry number and «number — short name» of the services, by id: from the catalogue's
    rows (one query), and for a service not in the catalogue its number alone (one more)."""
    service_ids = set(service_ids)
    names = {}
    entries = CatalogueEntry.objects.filter(service_id__in=service_ids).select_related("edition")
    for entry in entries.only("service_id", "registry_number", "edition__short_name", "edition__full_name"):
        name = entry.edition.short_name or entry.edition.full_name
        names[entry.service_id] = (entry.registry_number, f"{entry.registry_number} — {name}")
    missing = service_ids - names.keys()
    if missing:
        for pk, number in Service.objects.filter(pk__in=missing).values_list("pk", "registry_number"):
            names[pk] = (number, number)
    return names


def load_period(*, months: int = 12, today: date | None = None, public_only: bool = False, **scope) -> Period:
    """The period of a scope (``service=``, ``body=``, ``body_ids=``, ``office=``) with the names
    of its offices and services (a query each). ``public_only``: only the services of the public
    catalogue (the public body page)."""
    rows = rollup_rows(months=months, today=today, **scope)
    if public_only:
        rows = rows.filter(service_id__in=CatalogueEntry.objects.values("service_id"))
    rows = list(rows)
    office_ids = {row["office_id"] for row in rows if row["office_id"]}
    office_names = {}
    if office_ids:
        office_names = dict(Office.objects.filter(pk__in=office_ids).values_list("pk", "name"))
    if "service" in scope:
        service = scope["service"]
        names = {service.pk: (service.registry_number, service.registry_number)}
    else:
        names = service_names({row["service_id"] for row in rows}) if rows else {}
    return period(rows, months=months, today=today, office_names=office_names, service_names=names)
