"""The working-day calendar (производственный календарь) and the arithmetic of terms.

The calendar is data: ``registry.models.CalendarDay`` lists the exceptions to the ordinary week
(holidays, moved days off, weekends made working days, shortened days), loaded for 2024–2027 from
``fixtures/reference/calendar.json`` and edited in the admin. Everything that counts days — the
citizen's «ответ не позднее …», the compliance of delivery records — goes through
``WorkCalendar`` so that a holiday is a holiday everywhere.

The rules are those of the Civil Code (ГК РФ):
- ст. 191: a term measured in a period begins on the day after the date or event that starts it;
- ст. 192: a term in days ends on its last day; a term in months ends on the same date of the last
  month, or on that month's last day when it has no such date;
- ст. 193: when the last day falls on a day off, the term ends on the next working day.
A term in working days counts working days only, beginning the day after its start.
"""

import bisect
import calendar as month_calendar
from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from registry.models.calendar import CalendarDay, CalendarDayKind
from registry.models.editions import DayType, DeadlineUnit

NON_WORKING_KINDS = frozenset({CalendarDayKind.HOLIDAY, CalendarDayKind.DAY_OFF})
# Months are at most 31 days apart; a safety bound for the day-by-day walks.
_MAX_WALK_DAYS = 366 * 20


def _weekdays_after(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end]; 0 when end is not after start."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(1, rest + 1):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


class WorkCalendar:
    """The ordinary week (Monday to Friday working) corrected by the calendar's exceptions.

    Counting the working days between two dates costs two binary searches however far apart the
    dates are: the exceptions are kept sorted with the running sum of the corrections they make
    to the count of weekdays."""

    def __init__(self, exceptions: Mapping[date, str] | None = None) -> None:
        self._kinds: dict[date, str] = dict(exceptions or {})
        self._dates: list[date] = sorted(self._kinds)
        running = 0
        self._corrections: list[int] = []
        for day in self._dates:
            running += self._correction(day)
            self._corrections.append(running)

    @classmethod
    def from_days(cls, days: Iterable[tuple[date, str]]) -> "WorkCalendar":
        return cls(dict(days))

    def _correction(self, day: date) -> int:
        """How the exception changes the count of working days against the ordinary week."""
        kind = self._kinds[day]
        weekday = day.weekday() < 5
        if kind in NON_WORKING_KINDS and weekday:
            return -1
        if kind == CalendarDayKind.WORKING and not weekday:
            return 1
        return 0

    def _corrections_until(self, day: date) -> int:
        """The sum of corrections of exceptions on or before ``day``."""
        index = bisect.bisect_right(self._dates, day)
        return self._corrections[index - 1] if index else 0

    # ------------------------------------------------------------------ days

    def kind(self, day: date) -> str | None:
        """The exception recorded for the day, or None for an ordinary day."""
        return self._kinds.get(day)

    def is_working_day(self, day: date) -> bool:
        kind = self._kinds.get(day)
        if kind in NON_WORKING_KINDS:
            return False
        if kind in (CalendarDayKind.WORKING, CalendarDayKind.SHORTENED):
            return True
        return day.weekday() < 5

    def is_shortened(self, day: date) -> bool:
        return self._kinds.get(day) == CalendarDayKind.SHORTENED

    def working_day_on_or_after(self, day: date) -> date:
        for _step in range(_MAX_WALK_DAYS):
            if self.is_working_day(day):
                return day
            day += timedelta(days=1)
        raise ValueError("в календаре нет ни одного рабочего дня")

    # ------------------------------------------------------------------ counting

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 for the same day); negative
        when ``end`` is before ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        return _weekdays_after(start, end) + self._corrections_until(end) - self._corrections_until(start)

    def add_working_days(self, start: date, n: int) -> date:
        """The ``n``-th working day after ``start`` (``start`` itself for 0)."""
        if n < 0:
            raise ValueError("число рабочих дней не может быть отрицательным")
        day = start
        remaining = n
        # Whole weeks first, then day by day: a week holds five working days unless the calendar
        # says otherwise, which the day-by-day count corrects.
        while remaining > 10:
            guess = day + timedelta(days=7 * (remaining // 5) - 7)
            counted = self.working_days_between(day, guess)
            if counted <= 0 or counted >= remaining:
                break
            day, remaining = guess, remaining - counted
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: date, n: int) -> date:
        """The end of a term of ``n`` calendar days from ``start``, moved to the next working day
        when it falls on a day off (ГК РФ ст. 193)."""
        if n < 0:
            raise ValueError("число календарных дней не может быть отрицательным")
        return self.working_day_on_or_after(start + timedelta(days=n))

    def add_months(self, start: date, n: int) -> date:
        """The end of a term of ``n`` months (ГК РФ ст. 192, 193)."""
        if n < 0:
            raise ValueError("число месяцев не может быть отрицательным")
        month_index = start.month - 1 + n
        year, month = start.year + month_index // 12, month_index % 12 + 1
        last_day = month_calendar.monthrange(year, month)[1]
        return self.working_day_on_or_after(date(year, month, min(start.day, last_day)))

    def term_end(self, start: date, *, value: int, unit: str, day_type: str) -> date | None:
        """The last day on which a term of ``value`` ``unit`` counted from ``start`` is kept; None
        for terms in minutes or hours, which are not counted in days."""
        if unit == DeadlineUnit.DAYS:
            if day_type == DayType.WORKING:
                return self.add_working_days(start, value)
            return self.add_calendar_days(start, value)
        if unit == DeadlineUnit.MONTHS:
            return self.add_months(start, value)
        return None

    def days_used(self, start: date, end: date, *, day_type: str) -> int:
        """The days a request took from ``start`` to ``end``, counted as the term is counted."""
        if day_type == DayType.WORKING:
            return self.working_days_between(start, end)
        return (end - start).days


# ---------------------------------------------------------------------- the current calendar


def current_calendar() -> WorkCalendar:
    """The calendar as the database holds it now: one query of about a hundred rows a year.

    Not kept between calls: a page or a file that counts days reads it once, and so every
    process sees an edit at once (a cached copy would also make the query count of a page depend
    on what the process did before)."""
    return WorkCalendar.from_days(CalendarDay.objects.values_list("date", "kind"))


def forget_calendar(**_kwargs) -> None:
    """Kept for the signal receivers: nothing is cached between calls any more."""
