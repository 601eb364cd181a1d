"""Realistic delivery records for the demo: what the demo offices would have sent over two years.

The rows follow the standards the demo registry holds: for each published service and each office
of the service's own body that delivers it, a monthly volume by the service's popularity with a
weekly and a seasonal shape; requests submitted within the office's opening hours on working days
of the calendar; registration by the edition's rule; results around the edition's (or the
variant's) declared term; refusals on grounds from the edition's list, a few on grounds it does
not list; queue waits around the declared maxima. The promises are those of the edition in force
on the day of submission, so a service whose standard changed shows both.

Offices differ, so that the compliance pages have something to tell: the Засвияжский migration
office is chronically late, the МВД's МФЦ office on ул. Спасской keeps people in long queues, the
others mostly keep the standard (``DEMO_OFFICE_PROFILES``).

Deterministic: every (office, service, month) draws from its own generator seeded by the seed and
those names, so the same seed and end date give the same rows, in the same order, and a month's
rows do not change when the window grows. Case ids are opaque hashes; no row holds personal data.
"""

import calendar as month_calendar
import csv
import hashlib
import math
import random
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from registry.deliveries.compliance import Term
from registry.deliveries.rows import DeliveryRow, Outcome
from registry.deliveries.storage import StoreResult, store_rows
from registry.models import FROZEN_STATUSES, Channel, Edition, Office, ProviderBody, Service
from registry.models.editions import DeadlineKind, DeadlineUnit, RegistrationTerm
from registry.models.sections import GroundKind
from registry.workdays import WorkCalendar, current_calendar

# ------------------------------------------------------------------ the demo's shape

# What ``load_demo`` stores. The end is a constant, not "the end of last month": a constant keeps
# ``load_demo`` idempotent whenever it runs (a moving end would add a month and drop the oldest
# on the first run of each month, and the pages' figures would change under the tests and the
# docs), and the 24 months before it lie inside the calendar fixture (2024–2027). It is the last
# whole month when the demo was written; moving it on is a one-line change.
DEMO_END = date(2026, 11, 30)
DEMO_MONTHS = 24
DEMO_SEED = 14
# About 14 000 records: enough for every office and month to have figures, little enough for
# ``make run`` to load them in some ten seconds on SQLite.
DEMO_SCALE = 0.25

# Requests a month in one office at scale 1.0, by registry number: passports and registrations
# many, rare licences and permits few. A service not named here gets DEFAULT_POPULARITY.
POPULARITY: dict[str, float] = {
    "10000000361": 150,  # паспорт гражданина РФ
    "10000000362": 110,  # заграничный паспорт
    "10000000363": 90,  # регистрация по месту жительства
    "10000000364": 55,  # регистрация по месту пребывания
    "10000000365": 6,  # разрешение на временное проживание
    "10000000520": 80,  # справка о судимости
    "10000000530": 130,  # водительское удостоверение
    "10000000531": 150,  # регистрация транспортного средства
    "10000000701": 70,
    "10000000702": 25,
    "10000000703": 35,
    "10000000704": 20,
    "10000000801": 60,
    "10000000802": 100,
    "10000001020": 8,
    "10000001021": 20,
    "10000001022": 25,
    "10000001023": 50,
    "7300000000160000101": 5,  # разрешение на строительство
    "7300000000160000102": 3,
    "7300000000160000103": 6,
    "7300000000160000104": 10,
    "7300000000160000202": 10,
    "7300000000160000203": 3,
    "7300000000160000204": 12,
    "7300000000160000301": 45,
    "7300000000160000302": 35,
    "7300000000160000303": 1,  # разрешение на брак с 16 лет
    "7700000000160000101": 80,
    "7700000000160000102": 55,
    "7700000000160000103": 60,
    "7700000000160000104": 25,
    "7700000000160000105": 5,
    "7700000000160000106": 35,
    "7700000000160000201": 4,
    "7700000000160000301": 2,  # лицензия на продажу алкоголя
    "7700000000160000501": 12,
}
DEFAULT_POPULARITY = 8.0

# Month of the year → share of an average month: the January holidays, the summer's passports
# and weddings, the school's spring.
SEASON = {
    1: 0.7,
    2: 0.95,
    3: 1.05,
    4: 1.05,
    5: 0.9,
    6: 1.1,
    7: 1.15,
    8: 1.1,
    9: 1.0,
    10: 1.0,
    11: 0.95,
    12: 0.95,
}
SERVICE_SEASON: dict[str, dict[int, float]] = {
    "10000000362": {5: 1.3, 6: 1.5, 7: 1.4},  # заграничный паспорт перед отпуском
    "7300000000160000302": {1: 0.3, 2: 0.6, 4: 3.5, 5: 1.5, 8: 0.6, 9: 0.3, 10: 0.2, 11: 0.2, 12: 0.2},
    "7700000000160000102": {6: 1.6, 7: 1.5, 8: 1.6, 9: 1.3, 1: 0.4, 2: 0.6},  # свадьбы летом
}
# Monday to Sunday: the week starts busy and thins out.
WEEKDAY_WEIGHT = (1.25, 1.1, 1.0, 1.0, 0.85, 0.6, 0.5)
# Requests grow a little year on year (more applicants, more services online).
YEARLY_GROWTH = 0.06
# Share of a body's requests submitted through the portal (ЕПГУ) when the edition allows it.
PORTAL_SHARE = 0.25


@dataclass(frozen=True)
class OfficeProfile:
    """How an office keeps the standard.

    ``late_share`` of decisions come after the term, by up to ``lateness`` of the term more;
    decisions on time use ``pace`` (low, high, mode) of the term; queue waits are spread around
    ``queue_median`` of the declared maximum; ``registration_slip`` of requests are registered
    later than the rule says; ``unlisted_refusals`` of refusals cite a ground the standard does not
    list; ``volume`` multiplies the office's requests."""

    late_share: float = 0.05
    lateness: float = 0.3
    pace: tuple[float, float, float] = (0.25, 1.0, 0.6)
    queue_median: float = 0.35
    registration_slip: float = 0.02
    unlisted_refusals: float = 0.1
    volume: float = 1.0


DEFAULT_PROFILE = OfficeProfile()
# (body's ОГРН, office code) → profile. The passport service (10000000361) is delivered by all
# three of these МВД offices, so its page shows a punctual office, a late one and a crowded one.
DEMO_OFFICE_PROFILES: dict[tuple[str, str], OfficeProfile] = {
    ("1037700029620", "UL-OVM-ZASV"): OfficeProfile(
        late_share=0.3,
        lateness=0.6,
        pace=(0.6, 1.0, 0.95),
        registration_slip=0.08,
        unlisted_refusals=0.25,
    ),
    ("1037700029620", "UL-MFC-CENTR"): OfficeProfile(queue_median=1.15, volume=1.3),
    ("1027300621941", "ADM-PRIEM"): OfficeProfile(late_share=0.08),
}

OUTCOME_SHARES = (
    (Outcome.ISSUED, 0.88),
    (Outcome.REFUSED, 0.06),
    (Outcome.NOT_CONSIDERED, 0.025),
    (Outcome.WITHDRAWN, 0.025),
    (Outcome.SUSPENDED, 0.01),
)
# Grounds an office cites that no demo standard lists (the violation the compliance must catch).
UNLISTED_GROUNDS = (
    "Несоответствие фотографии требованиям к цветовой гамме",
    "Заявитель не представил справку с места работы",
    "Отсутствие технической возможности предоставления услуги",
    "Истёк срок действия приложенной выписки",
)
CASE_ID_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
# Refusals that cite the ground by its number in the list rather than by its text.
NUMBERED_GROUNDS_SHARE = 0.3
# Receipt in person of the result: the rest is sent by post or to the portal's personal account.
RECEIPT_IN_PERSON_SHARE = 0.85
DEFAULT_HOURS = {weekday: ((9 * 60, 18 * 60),) for weekday in range(5)}

# ------------------------------------------------------------------ opening hours

WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_TIME_RANGE = re.compile(r"(\d{1,2})[:.](\d{2})\s*[–—-]\s*(\d{1,2})[:.](\d{2})")
_DAY_RANGE = re.compile(r"^(пн|вт|ср|чт|пт|сб|вс)\s*[–—-]\s*(пн|вт|ср|чт|пт|сб|вс)$")

# weekday → the open intervals of the day, in minutes after midnight
OpeningHours = dict[int, tuple[tuple[int, int], ...]]


def opening_hours(text: str) -> OpeningHours:
    """The week of an office from its «график работы» as the demo writes it («пн–пт 8:00–20:00;
    сб 9:00–16:00; перерыв 13:00–14:00», «ежедневно 8:00–20:00»). A text that does not read so
    gives Monday to Friday 9:00–18:00."""
    days: dict[int, tuple[int, int]] = {}
    breaks: list[tuple[int, int]] = []
    for part in text.lower().split(";"):
        part = part.strip()
        found = _TIME_RANGE.search(part)
        if found is None:
            continue
        start = int(found[1]) * 60 + int(found[2])
        end = int(found[3]) * 60 + int(found[4])
        if end <= start:
            continue
        label = part[: found.start()].strip()
        if label.startswith("перерыв"):
            breaks.append((start, end))
            continue
        weekdays = _weekdays(label)
        if weekdays is None:
            return dict(DEFAULT_HOURS)
        for weekday in weekdays:
            days[weekday] = (start, end)
    if not days:
        return dict(DEFAULT_HOURS)
    hours: OpeningHours = {}
    for weekday, (start, end) in days.items():
        intervals = [(start, end)]
        for break_start, break_end in breaks:
            intervals = [
                piece
                for low, high in intervals
                for piece in ((low, min(high, break_start)), (max(low, break_end), high))
                if piece[1] > piece[0]
            ]
        hours[weekday] = tuple(intervals)
    return hours


def _weekdays(label: str) -> list[int] | None:
    if label in ("ежедневно", "без выходных"):
        return list(range(7))
    weekdays = []
    for item in label.split(","):
        item = item.strip()
        day_range = _DAY_RANGE.match(item)
        if day_range:
            first, last = WEEKDAYS.index(day_range[1]), WEEKDAYS.index(day_range[2])
            weekdays.extend(range(first, last + 1))
        elif item in WEEKDAYS:
            weekdays.append(WEEKDAYS.index(item))
        else:
            return None
    return weekdays


# ------------------------------------------------------------------ what the standards promise


@dataclass(frozen=True)
class Promise:
    """What one edition promises, as the generator needs it."""

    effective_date: date
    term: Term | None
    variants: tuple[tuple[str, Term | None], ...]
    queue_submission: int | None
    queue_receipt: int | None
    registration_term: str
    registration_value: int | None
    # (the code of the variant it is limited to, or "", its text), in the list's order
    refusal_grounds: tuple[tuple[str, str], ...]
    channel_codes: frozenset[str]


@dataclass
class ServicePlan:
    service_id: int
    registry_number: str
    promises: list[Promise]

    def in_force(self, day: date) -> Promise | None:
        found = None
        for promise in self.promises:
            if promise.effective_date <= day:
                found = promise
        return found


@dataclass
class OfficePlan:
    office_id: int
    body_id: int
    body_key: str
    code: str
    is_mfc: bool
    hours: OpeningHours
    profile: OfficeProfile
    services: list[ServicePlan] = field(default_factory=list)


def _promise(edition: Edition) -> Promise:
    variant_codes = {variant.pk: variant.code for variant in edition.variants.all()}
    return Promise(
        effective_date=edition.effective_date,
        term=Term.of(edition),
        variants=tuple(
            (variant.code, Term.of(variant) if variant.has_deadline else None)
            for variant in sorted(edition.variants.all(), key=lambda v: (v.order, v.pk))
        ),
        queue_submission=edition.queue_wait_minutes_submission,
        queue_receipt=edition.queue_wait_minutes_receipt,
        registration_term=edition.registration_term,
        registration_value=edition.registration_term_value,
        refusal_grounds=tuple(
            (variant_codes.get(ground.variant_id, ""), ground.text)
            for ground in sorted(edition.grounds.all(), key=lambda g: (g.order, g.pk))
            if ground.kind == GroundKind.REFUSAL
        ),
        channel_codes=frozenset(channel.code for channel in edition.submission_channels.all()),
    )


def delivery_plan(profiles: dict[tuple[str, str], OfficeProfile] | None = None) -> list[OfficePlan]:
    """Every office with the services of its own body it delivers that have a published (or once
    published) edition, with each edition's promises in order of taking effect."""
    profiles = DEMO_OFFICE_PROFILES if profiles is None else profiles
    editions: dict[int, list[Promise]] = {}
    for edition in (
        Edition.objects.filter(status__in=FROZEN_STATUSES, effective_date__isnull=False)
        .prefetch_related("variants", "grounds", "submission_channels")
        .order_by("service_id", "effective_date", "number")
    ):
        editions.setdefault(edition.service_id, []).append(_promise(edition))
    plans = []
    for office in Office.objects.select_related("body").prefetch_related("services"):
        body_key = office.body.ogrn or office.body.short_name
        plan = OfficePlan(
            office_id=office.pk,
            body_id=office.body_id,
            body_key=body_key,
            code=office.code,
            is_mfc=office.is_mfc,
            hours=opening_hours(office.working_hours),
            profile=profiles.get((body_key, office.code), DEFAULT_PROFILE),
        )
        for service in sorted(office.services.all(), key=lambda s: s.registry_number):
            if service.provider_id != office.body_id or service.pk not in editions:
                continue
            plan.services.append(ServicePlan(service.pk, service.registry_number, editions[service.pk]))
        if plan.services:
            plans.append(plan)
    plans.sort(key=lambda p: (p.body_key, p.code))
    return plans


# ------------------------------------------------------------------ the rows


def month_starts(*, months: int, end: date) -> list[date]:
    """The first days of the ``months`` months ending with the month of ``end``."""
    first = end.replace(day=1)
    starts = []
    for back in range(months - 1, -1, -1):
        index = first.year * 12 + first.month - 1 - back
        starts.append(date(index // 12, index % 12 + 1, 1))
    return starts


def generate_rows(
    *,
    months: int = 24,
    end: date,
    seed: int = 14,
    scale: float = 1.0,
    calendar: WorkCalendar | None = None,
    profiles: dict[tuple[str, str], OfficeProfile] | None = None,
) -> Iterator[DeliveryRow]:
    """Delivery rows submitted in the ``months`` months up to ``end`` (inclusive), closed by the
    end of ``end``: a request whose decision would come later is not in the export yet."""
    calendar = calendar or current_calendar()
    channels = dict(Channel.objects.values_list("code", "id"))
    plans = delivery_plan(profiles)
    tz = timezone.get_default_timezone()
    cutoff = datetime.combine(end + timedelta(days=1), time(), tzinfo=tz)
    starts = month_starts(months=months, end=end)
    line = 0
    for plan in plans:
        for service in plan.services:
            for index, start in enumerate(starts):
                writer = _MonthWriter(
                    plan=plan,
                    service=service,
                    month=start,
                    end=end,
                    seed=seed,
                    calendar=calendar,
                    channels=channels,
                    tz=tz,
                )
                growth = 1 + YEARLY_GROWTH * (index - len(starts) + 1) / 12
                for row in writer.rows(scale=scale * growth):
                    if row.submitted_at >= cutoff or _after(row, cutoff):
                        continue
                    line += 1
                    yield replace(row, line=line)


def _after(row: DeliveryRow, cutoff: datetime) -> bool:
    return any(moment is not None and moment >= cutoff for moment in (row.registered_at, row.result_at))


class _MonthWriter:
    """The requests of one service in one office in one month."""

    def __init__(self, *, plan, service, month, end, seed, calendar, channels, tz) -> None:
        self.plan = plan
        self.service = service
        self.month = month
        self.end = end
        self.calendar = calendar
        self.channels = channels
        self.tz = tz
        self.profile: OfficeProfile = plan.profile
        self.key = f"{seed}|{plan.body_key}|{plan.code}|{service.registry_number}|{month:%Y-%m}"
        self.rng = random.Random(self.key)

    # -- volume and days

    def open_days(self) -> list[date]:
        last = month_calendar.monthrange(self.month.year, self.month.month)[1]
        days = []
        for number in range(1, last + 1):
            day = self.month.replace(day=number)
            if day > self.end:
                break
            if self.calendar.is_working_day(day) and self.hours(day):
                days.append(day)
        return days

    def hours(self, day: date) -> tuple[tuple[int, int], ...]:
        intervals = self.plan.hours.get(day.weekday(), ())
        if intervals and self.calendar.is_shortened(day):
            # The day before a holiday is an hour shorter (ТК РФ ст. 95).
            *rest, (low, high) = intervals
            intervals = (*rest, (low, high - 60)) if high - 60 > low else tuple(rest)
        return intervals

    def volume(self, scale: float, open_days: int) -> int:
        number = self.service.registry_number
        base = POPULARITY.get(number, DEFAULT_POPULARITY)
        season = SERVICE_SEASON.get(number, {}).get(self.month.month, SEASON[self.month.month])
        expected = base * scale * self.profile.volume * season * open_days / 21
        return _poisson(self.rng, expected)

    # -- the rows

    def rows(self, *, scale: float) -> Iterator[DeliveryRow]:
        days = self.open_days()
        if not days:
            return
        count = self.volume(scale, len(days))
        weights = [WEEKDAY_WEIGHT[day.weekday()] for day in days]
        chosen = sorted(self.rng.choices(days, weights=weights, k=count)) if count else []
        for number, day in enumerate(chosen):
            promise = self.service.in_force(day)
            if promise is None:
                continue
            row = self.request(number, day, promise)
            if row is not None:
                yield row

    def request(self, number: int, day: date, promise: Promise) -> DeliveryRow | None:
        rng = self.rng
        channel_code = "mfc" if self.plan.is_mfc else "in_person"
        if channel_code not in promise.channel_codes and promise.channel_codes:
            channel_code = "in_person" if "in_person" in promise.channel_codes else channel_code
        portal = not self.plan.is_mfc and "epgu" in promise.channel_codes and rng.random() < PORTAL_SHARE
        if portal:
            channel_code = "epgu"
            submitted = self.moment(day, ((8 * 60, 20 * 60),))
        else:
            submitted = self.moment(day, self.hours(day))
        registered = self.registration(submitted, promise)
        variant_code, term = self.variant(promise)
        outcome = _weighted(rng, OUTCOME_SHARES)
        refusal_ground = ""
        if outcome == Outcome.REFUSED:
            refusal_ground = self.refusal_ground(promise, variant_code)
            if refusal_ground is None:
                outcome, refusal_ground = Outcome.ISSUED, ""
        start = registered if term is None or term.from_registration else submitted
        result = self.result(start, registered, term, outcome)
        in_person = channel_code in ("mfc", "in_person")
        queue_submission = self.queue_wait(promise.queue_submission) if in_person else None
        received = outcome in (Outcome.ISSUED, Outcome.REFUSED) and rng.random() < RECEIPT_IN_PERSON_SHARE
        queue_receipt = self.queue_wait(promise.queue_receipt) if received and result is not None else None
        return DeliveryRow(
            line=0,
            case_id=self.case_id(number),
            service_id=self.service.service_id,
            body_id=self.plan.body_id,
            office_id=self.plan.office_id,
            channel_id=self.channels.get(channel_code),
            variant_code=variant_code,
            submitted_at=submitted,
            registered_at=registered,
            result_at=result,
            outcome=str(outcome),
            refusal_ground=refusal_ground,
            queue_wait_submission=queue_submission,
            queue_wait_receipt=queue_receipt,
        )

    def case_id(self, number: int) -> str:
        digest = hashlib.blake2b(f"{self.key}|{number}".encode(), digest_size=8).hexdigest()
        # Spelled in letters only (0–f → a–p): no run of digits a checker could take for a
        # passport, a phone or a СНИЛС.
        return f"demo-{digest.translate(CASE_ID_LETTERS)}"

    def moment(self, day: date, intervals: Sequence[tuple[int, int]]) -> datetime:
        """A minute within the intervals, uniformly."""
        if not intervals:
            intervals = ((9 * 60, 18 * 60),)
        total = sum(high - low for low, high in intervals)
        offset = self.rng.randrange(total)
        for low, high in intervals:
            if offset < high - low:
                minute = low + offset
                break
            offset -= high - low
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz)

    def working_day_after(self, day: date, n: int) -> date:
        return self.calendar.add_working_days(day, n)

    def registration(self, submitted: datetime, promise: Promise) -> datetime:
        rng = self.rng
        slip = rng.random() < self.profile.registration_slip
        rule = promise.registration_term
        day = submitted.date()
        if rule == RegistrationTerm.MINUTES and promise.registration_value:
            limit = promise.registration_value
            minutes = limit + rng.randint(1, 2 * limit) if slip else rng.randint(1, limit)
            return submitted + timedelta(minutes=minutes)
        if rule == RegistrationTerm.NEXT_WORKING_DAY:
            days = 2 if slip else (0 if rng.random() < 0.55 else 1)
        elif rule == RegistrationTerm.WORKING_DAYS and promise.registration_value:
            limit = promise.registration_value
            days = limit + 1 if slip else rng.randint(0, limit)
        else:
            days = 1 if slip else 0
        if days == 0:
            return submitted + timedelta(minutes=rng.randint(5, 90))
        target = self.working_day_after(day, days)
        return datetime.combine(target, time(9, rng.randint(0, 59)), tzinfo=self.tz) + timedelta(
            hours=rng.randint(0, 2)
        )

    def variant(self, promise: Promise) -> tuple[str, Term | None]:
        if not promise.variants:
            return "", promise.term
        weights = [1 / (index + 1) for index in range(len(promise.variants))]
        code, term = self.rng.choices(promise.variants, weights=weights)[0]
        return code, term or promise.term

    def refusal_ground(self, promise: Promise, variant_code: str) -> str | None:
        """A ground from the edition's list for the variant (by its text, or by its number in the
        list as some systems send it), or seldom one the list does not hold; None when a refusal
        would be out of place (the standard lists no ground, and the office keeps to it)."""
        rng = self.rng
        listed = [text for owner, text in promise.refusal_grounds if owner in ("", variant_code)]
        if listed and rng.random() >= self.profile.unlisted_refusals:
            number = rng.randrange(len(listed))
            by_number = rng.random() < NUMBERED_GROUNDS_SHARE or not listed[number]
            return str(number + 1) if by_number else listed[number]
        if not listed and rng.random() >= self.profile.unlisted_refusals:
            return None
        every = {text for _owner, text in promise.refusal_grounds}
        return rng.choice([text for text in UNLISTED_GROUNDS if text not in every])

    def result(
        self, counted_from: datetime, registered: datetime, term: Term | None, outcome: str
    ) -> datetime | None:
        """When the decision came: the term runs from ``counted_from`` (registration or
        submission, as the standard says); never before registration."""
        rng = self.rng
        if outcome == Outcome.SUSPENDED:
            return None
        start = counted_from.date()
        if term is None:
            span_end = self.working_day_after(start, 10)
        elif term.unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS):
            return self.result_within_duration(counted_from, term)
        else:
            span_end = self.calendar.term_end(start, value=term.value, unit=term.unit, day_type=term.day_type)
        span = (span_end - start).days
        if outcome in (Outcome.WITHDRAWN, Outcome.NOT_CONSIDERED):
            day = start + timedelta(days=rng.randint(0, max(1, span // 2)))
        elif term is not None and term.kind == DeadlineKind.MINIMUM:
            # A waiting period: the decision comes on its last day or soon after; too early seldom.
            if rng.random() < self.profile.late_share / 5 and span > 2:
                day = span_end - timedelta(days=rng.randint(1, min(5, span - 1)))
            else:
                day = span_end + timedelta(days=rng.randint(0, 10))
        elif rng.random() < self.profile.late_share:
            extra = 1 + int(span * rng.uniform(0.05, self.profile.lateness))
            day = span_end + timedelta(days=extra)
        else:
            low, high, mode = self.profile.pace
            lowest = 0 if span <= 3 else 1
            day = start + timedelta(
                days=max(lowest, min(span, round(span * rng.triangular(low, high, mode))))
            )
        day = self.calendar.working_day_on_or_after(day)
        moment = datetime.combine(day, time(9, 0), tzinfo=self.tz) + timedelta(minutes=rng.randint(0, 8 * 60))
        if moment <= registered:
            moment = registered + timedelta(minutes=rng.randint(20, 180))
        return moment

    def result_within_duration(self, registered: datetime, term: Term) -> datetime:
        minutes = term.value * (60 if term.unit == DeadlineUnit.HOURS else 1)
        if self.rng.random() < self.profile.late_share:
            used = minutes * (1 + self.rng.uniform(0.05, self.profile.lateness))
        else:
            used = minutes * self.rng.triangular(*self.profile.pace)
        return registered + timedelta(minutes=max(1, round(used)))

    def queue_wait(self, declared: int | None) -> int | None:
        if not declared:
            return None
        wait = declared * self.profile.queue_median * math.exp(self.rng.gauss(0, 0.6))
        return max(0, min(round(wait), 4 * declared + 30))


def _weighted(rng: random.Random, shares: Sequence[tuple[str, float]]) -> str:
    pick = rng.random() * sum(share for _value, share in shares)
    for value, share in shares:
        if pick < share:
            return value
        pick -= share
    return shares[-1][0]


def _poisson(rng: random.Random, expected: float) -> int:
    """A Poisson count: Knuth's product for small means, the normal approximation for large."""
    if expected <= 0:
        return 0
    if expected > 30:
        return max(0, round(rng.gauss(expected, math.sqrt(expected))))
    threshold = math.exp(-expected)
    count, product = 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


# ------------------------------------------------------------------ storing and writing


def store_generated(
    *, months: int | None = None, end: date | None = None, seed: int | None = None, scale: float | None = None
) -> StoreResult:
    """Generate and store the rows, by default the demo's (``DEMO_*``, read at call time);
    idempotent on (body, case id): a second run with the same arguments changes nothing."""
    rows = generate_rows(
        months=DEMO_MONTHS if months is None else months,
        end=DEMO_END if end is None else end,
        seed=DEMO_SEED if seed is None else seed,
        scale=DEMO_SCALE if scale is None else scale,
    )
    return store_rows(rows)


# The columns of the intake format (registry.deliveries.intake.columns: the codes, which the
# readers accept as headers), in its order.
CSV_COLUMNS = (
    "case_id",
    "service",
    "body",
    "office",
    "channel",
    "variant",
    "submitted_at",
    "registered_at",
    "result_at",
    "outcome",
    "refusal_ground",
    "queue_wait_submission",
    "queue_wait_receipt",
)


def write_csv(rows: Iterable[DeliveryRow], stream) -> int:
    """Write the rows as an intake CSV (UTF-8, «;», ISO 8601 times with their offset, services by
    registry number, bodies by ОГРН, offices and channels by code); return how many were written."""
    services = dict(Service.objects.values_list("id", "registry_number"))
    bodies = dict(ProviderBody.objects.values_list("id", "ogrn"))
    offices = dict(Office.objects.values_list("id", "code"))
    channels = dict(Channel.objects.values_list("id", "code"))
    out = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    out.writerow(CSV_COLUMNS)
    written = 0
    for row in rows:
        out.writerow(
            (
                row.case_id,
                services[row.service_id],
                bodies[row.body_id],
                offices.get(row.office_id, ""),
                channels.get(row.channel_id, ""),
                row.variant_code,
                _iso(row.submitted_at),
                _iso(row.registered_at),
                _iso(row.result_at),
                row.outcome,
                row.refusal_ground,
                "" if row.queue_wait_submission is None else row.queue_wait_submission,
                "" if row.queue_wait_receipt is None else row.queue_wait_receipt,
            )
        )
        written += 1
    return written


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="minutes")
