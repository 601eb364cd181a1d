"""Each delivery record checked against the edition of the standard in force on the day it was
submitted (210-FZ art. 14 part 1 items 4, 7–8, 10, 11):

- term met: from the declared starting event (registration when the start event speaks of
  registration, otherwise submission) to the result, counted in the edition's (or the variant's
  own) day type on the working-day calendar; a maximum is kept when the result comes on or before
  the term's last day (moved to the next working day when it falls on a day off);
- queue waits within the edition's maxima at submission and at receipt;
- registration within the declared registration term;
- a refusal on a ground of the edition's exhaustive list (named by its number in the list or by
  its text).

Each check is None when it does not apply to the record (no refusal, no result yet) or when the
standard or the record does not say enough to tell (no edition in force, no term declared, no
registration time reported)."""

import functools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from registry.deliveries.rows import Outcome
from registry.models import (
    FROZEN_STATUSES,
    DayType,
    DeadlineKind,
    DeadlineUnit,
    Edition,
    GroundKind,
    RegistrationTerm,
    normalize_name,
)
from registry.workdays import WorkCalendar, current_calendar

DECIDED = (Outcome.ISSUED, Outcome.REFUSED)
_GROUND_NUMBER = re.compile(r"^(?:п\.?|пункт|№)?\s*(\d+)\s*[.)]?$", re.IGNORECASE)


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_date(moment: datetime) -> date:
    """The date in the registry's own time zone (settings.TIME_ZONE), whatever zone a request
    activated: a record's month and days never depend on who stored it."""
    return moment.astimezone(_zone(settings.TIME_ZONE)).date()


def ground_key(text: str) -> str:
    return normalize_name(text).rstrip(".;")


@dataclass(frozen=True)
class Term:
    """A declared term: the edition's or a variant's own."""

    kind: str
    value: int
    unit: str
    day_type: str
    from_registration: bool

    @classmethod
    def of(cls, source) -> "Term | None":
        if not (source.deadline_value and source.deadline_unit):
            return None
        return cls(
            kind=source.deadline_kind or DeadlineKind.MAXIMUM,
            value=source.deadline_value,
            unit=source.deadline_unit,
            day_type=source.deadline_day_type or DayType.CALENDAR,
            from_registration="регистрац" in source.deadline_start_event.casefold(),
        )


@dataclass
class StandardInForce:
    """What the checks need of one edition, read once per store."""

    edition_id: int
    effective_date: date
    term: Term | None
    variant_terms: dict[str, Term]
    variant_ids: dict[str, int]
    queue_submission: int | None
    queue_receipt: int | None
    registration_term: str
    registration_value: int | None
    no_refusal_grounds: bool
    # (variant id or None, normalised text) of each refusal ground, in the list's order
    refusal_grounds: list[tuple[int | None, str]] = field(default_factory=list)

    @classmethod
    def of(cls, edition: Edition) -> "StandardInForce":
        variants = list(edition.variants.all())
        return cls(
            edition_id=edition.pk,
            effective_date=edition.effective_date,
            term=Term.of(edition),
            variant_terms={v.code: term for v in variants if (term := Term.of(v))},
            variant_ids={v.code: v.pk for v in variants},
            queue_submission=edition.queue_wait_minutes_submission,
            queue_receipt=edition.queue_wait_minutes_receipt,
            registration_term=edition.registration_term,
            registration_value=edition.registration_term_value,
            no_refusal_grounds=edition.no_refusal_grounds,
            refusal_grounds=[
                (ground.variant_id, ground_key(ground.text))
                for ground in edition.grounds.filter(kind=GroundKind.REFUSAL).order_by("order", "id")
            ],
        )

    def term_for(self, variant_code: str) -> Term | None:
        return self.variant_terms.get(variant_code) or self.term

    def grounds_for(self, variant_code: str) -> list[str]:
        variant_id = self.variant_ids.get(variant_code)
        return [text for owner, text in self.refusal_grounds if owner is None or owner == variant_id]


class ComplianceChecker:
    """Computes the compliance columns of records; keeps the editions of the services it met."""

    def __init__(self, calendar: WorkCalendar | None = None) -> None:
        self.calendar = calendar or current_calendar()
        self._standards: dict[int, list[StandardInForce]] = {}
        # Requests come in their thousands a day: the same days are counted over and over.
        self._term_ends: dict[tuple, date | None] = {}
        self._days_used: dict[tuple, int] = {}

    def term_end(self, start: date, term: "Term") -> date | None:
        key = (start, term.value, term.unit, term.day_type)
        if key not in self._term_ends:
            self._term_ends[key] = self.calendar.term_end(
                start, value=term.value, unit=term.unit, day_type=term.day_type
            )
        return self._term_ends[key]

    def working_days_later(self, start: date, n: int) -> date:
        key = (start, n, "later")
        if key not in self._term_ends:
            self._term_ends[key] = (
                self.calendar.working_day_on_or_after(start)
                if n == 0
                else self.calendar.add_working_days(start, n)
            )
        return self._term_ends[key]

    def days_used(self, start: date, end: date, day_type: str) -> int:
        key = (start, end, day_type)
        if key not in self._days_used:
            self._days_used[key] = self.calendar.days_used(start, end, day_type=day_type)
        return self._days_used[key]

    def standards_of(self, service_id: int) -> list[StandardInForce]:
        if service_id not in self._standards:
            editions = (
                Edition.objects.filter(
                    service_id=service_id, status__in=FROZEN_STATUSES, effective_date__isnull=False
                )
                .prefetch_related("variants")
                .order_by("-effective_date", "-number")
            )
            self._standards[service_id] = [StandardInForce.of(edition) for edition in editions]
        return self._standards[service_id]

    def standard_on(self, service_id: int, day: date) -> StandardInForce | None:
        """The edition in force on ``day``: the latest to take effect on or before it (an edition's
        period ends the day its successor takes effect)."""
        for standard in self.standards_of(service_id):
            if standard.effective_date <= day:
                return standard
        return None

    def evaluate(self, values: dict) -> dict:
        """The compliance columns for a record's values (those of ``storage.record_values``)."""
        standard = self.standard_on(values["service_id"], local_date(values["submitted_at"]))
        if standard is None:
            return {}
        checks = {"edition_id": standard.edition_id}
        checks.update(self.term_checks(standard, values))
        checks["queue_submission_ok"] = within(values["queue_wait_submission"], standard.queue_submission)
        checks["queue_receipt_ok"] = within(values["queue_wait_receipt"], standard.queue_receipt)
        checks["registered_in_time"] = self.registered_in_time(standard, values)
        checks["refusal_ground_listed"] = refusal_ground_listed(standard, values)
        return checks

    # ------------------------------------------------------------------ the rules

    def term_checks(self, standard: StandardInForce, values: dict) -> dict:
        term = standard.term_for(values["variant_code"])
        result_at = values["result_at"]
        if term is None or values["outcome"] not in DECIDED or result_at is None:
            return {}
        start = values["registered_at"] if term.from_registration else values["submitted_at"]
        if start is None:
            return {}
        if term.unit in (DeadlineUnit.MINUTES, DeadlineUnit.HOURS):
            declared = (
                timedelta(minutes=term.value)
                if term.unit == DeadlineUnit.MINUTES
                else timedelta(hours=term.value)
            )
            return {"on_time": compare(term.kind, result_at - start, declared)}
        start_day, result_day = local_date(start), local_date(result_at)
        last_day = self.term_end(start_day, term)
        used = self.days_used(start_day, result_day, term.day_type)
        declared_days = (
            term.value
            if term.unit == DeadlineUnit.DAYS
            else self.days_used(start_day, last_day, term.day_type)
        )
        return {
            "term_declared": declared_days,
            "term_used": used,
            "on_time": compare(term.kind, result_day, last_day),
        }

    def registered_in_time(self, standard: StandardInForce, values: dict) -> bool | None:
        submitted, registered = values["submitted_at"], values["registered_at"]
        if registered is None or not standard.registration_term:
            return None
        value = standard.registration_value
        kind = standard.registration_term
        if kind == RegistrationTerm.MINUTES:
            return None if value is None else registered - submitted <= timedelta(minutes=value)
        submitted_day, registered_day = local_date(submitted), local_date(registered)
        if kind == RegistrationTerm.SAME_DAY:
            # A request received on a day off is registered on the next working day.
            return registered_day <= self.working_days_later(submitted_day, 0)
        if kind == RegistrationTerm.NEXT_WORKING_DAY:
            return registered_day <= self.working_days_later(submitted_day, 1)
        if kind == RegistrationTerm.WORKING_DAYS and value:
            return registered_day <= self.working_days_later(submitted_day, value)
        return None


def compare(kind: str, actual, declared) -> bool:
    if kind == DeadlineKind.MINIMUM:
        return actual >= declared
    if kind == DeadlineKind.FIXED:
        return actual == declared
    return actual <= declared


def within(wait: int | None, maximum: int | None) -> bool | None:
    if wait is None or maximum is None:
        return None
    return wait <= maximum


def refusal_ground_listed(standard: StandardInForce, values: dict) -> bool | None:
    if values["outcome"] != Outcome.REFUSED:
        return None
    if standard.no_refusal_grounds:
        return False
    said = values["refusal_ground"].strip()
    if not said:
        return None
    grounds = standard.grounds_for(values["variant_code"])
    number = _GROUND_NUMBER.match(said)
    if number:
        return 1 <= int(number.group(1)) <= len(grounds)
    return ground_key(said) in grounds


@dataclass
class RecomputeResult:
    checked: int = 0
    changed: int = 0
    touched: set = field(default_factory=set)


COMPLIANCE_FIELDS = (
    "edition_id",
    "term_declared",
    "term_used",
    "on_time",
    "queue_submission_ok",
    "queue_receipt_ok",
    "registered_in_time",
    "refusal_ground_listed",
)
VALUE_FIELDS = (
    "service_id",
    "body_id",
    "office_id",
    "month",
    "variant_code",
    "submitted_at",
    "registered_at",
    "result_at",
    "outcome",
    "refusal_ground",
    "queue_wait_submission",
    "queue_wait_receipt",
)


def recompute_compliance(records, *, checker: ComplianceChecker | None = None, chunk: int = 5_000):
    """Recompute the compliance columns of the given records (a queryset of DeliveryRecord), after
    the calendar or an edition's dates changed; writes only the records whose columns change and
    returns the months touched, for the rollup."""
    from registry.models import DeliveryRecord

    checker = checker or ComplianceChecker()
    result = RecomputeResult()
    pending: list = []

    def flush() -> None:
        if pending:
            DeliveryRecord.objects.bulk_update(pending, COMPLIANCE_FIELDS, batch_size=1_000)
            pending.clear()

    for record in records.only("pk", *VALUE_FIELDS, *COMPLIANCE_FIELDS).iterator(chunk_size=chunk):
        result.checked += 1
        values = {name: getattr(record, name) for name in VALUE_FIELDS}
        checks = checker.evaluate(values)
        fresh = {name: checks.get(name) for name in COMPLIANCE_FIELDS}
        if all(getattr(record, name) == value for name, value in fresh.items()):
            continue
        for name, value in fresh.items():
            setattr(record, name, value)
        pending.append(record)
        result.changed += 1
        result.touched.add((record.service_id, record.body_id, record.office_id, record.month))
        if len(pending) >= chunk:
            flush()
    flush()
    return result
