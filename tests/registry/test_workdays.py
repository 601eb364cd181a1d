"""The working-day calendar: terms counted around holidays, moved days off and shortened days, as
the Civil Code counts them (ГК РФ ст. 191–193), on the calendar the reference fixture loads."""

from datetime import date

import pytest

from registry.demo import load_reference
from registry.models import CalendarDay, CalendarDayKind
from registry.models.editions import DayType, DeadlineUnit
from registry.workdays import WorkCalendar, current_calendar


@pytest.fixture
def calendar(db) -> WorkCalendar:
    load_reference()
    return current_calendar()


@pytest.mark.parametrize(
    ("year", "working_days"),
    # The official totals of the five-day week: 2024 — 248, 2025 — 247, 2026 — 247.
    [(2024, 248), (2025, 247), (2026, 247)],
)
def test_the_year_has_as_many_working_days_as_the_official_calendar(calendar, year, working_days):
    assert calendar.working_days_between(date(year - 1, 12, 31), date(year, 12, 31)) == working_days


def test_holidays_moved_days_off_and_working_saturdays(calendar):
    assert not calendar.is_working_day(date(2026, 1, 9))  # moved from Saturday 3 January
    assert not calendar.is_working_day(date(2026, 3, 9))  # 8 March fell on a Sunday
    assert not calendar.is_working_day(date(2025, 6, 13))  # moved from Saturday 8 March
    assert calendar.is_working_day(date(2025, 11, 1))  # a Saturday made a working day
    assert calendar.is_working_day(date(2026, 4, 30)) and calendar.is_shortened(date(2026, 4, 30))
    assert calendar.is_working_day(date(2026, 12, 4))  # an ordinary Friday
    assert not calendar.is_working_day(date(2026, 12, 5))  # an ordinary Saturday


def test_working_days_are_counted_from_the_next_day_and_skip_the_may_holidays(calendar):
    # Tuesday 28 April 2026 + 5 working days: 29, 30 April, then 4, 5, 6 May (1–3 May are off).
    assert calendar.add_working_days(date(2026, 4, 28), 5) == date(2026, 5, 6)
    assert calendar.working_days_between(date(2026, 4, 28), date(2026, 5, 6)) == 5
    assert calendar.working_days_between(date(2026, 4, 28), date(2026, 4, 28)) == 0
    assert calendar.working_days_between(date(2026, 5, 6), date(2026, 4, 28)) == -5
    # A working Saturday counts: Friday 31 October 2025 + 1 working day is Saturday 1 November.
    assert calendar.add_working_days(date(2025, 10, 31), 1) == date(2025, 11, 1)


def test_a_long_term_in_working_days_matches_the_day_by_day_count(calendar):
    start = date(2024, 12, 20)
    end = calendar.add_working_days(start, 60)
    day, counted = start, 0
    while counted < 60:
        day = date.fromordinal(day.toordinal() + 1)
        counted += calendar.is_working_day(day)
    assert end == day
    assert calendar.working_days_between(start, end) == 60


def test_calendar_days_end_on_the_next_working_day_when_the_last_falls_on_a_day_off(calendar):
    # 20 April 2026 + 11 calendar days is 1 May, a holiday; the term ends on Monday 4 May.
    assert calendar.add_calendar_days(date(2026, 4, 20), 11) == date(2026, 5, 4)
    assert calendar.add_calendar_days(date(2026, 4, 20), 10) == date(2026, 4, 30)


def test_months_end_on_the_same_date_or_the_last_day_of_a_shorter_month(calendar):
    assert calendar.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert calendar.add_months(date(2026, 2, 9), 1) == date(2026, 3, 10)  # 9 March 2026 is off
    assert calendar.add_months(date(2026, 11, 3), 2) == date(2027, 1, 11)  # 1–8 Jan, then a weekend
    assert calendar.add_months(date(2026, 11, 30), 2) == date(2027, 2, 1)  # 30 January is a Saturday


def test_term_end_reads_the_units_and_day_types_of_the_standard(calendar):
    start = date(2026, 4, 28)
    days = DeadlineUnit.DAYS
    assert calendar.term_end(start, value=5, unit=days, day_type=DayType.WORKING) == date(2026, 5, 6)
    assert calendar.term_end(start, value=5, unit=days, day_type=DayType.CALENDAR) == date(2026, 5, 4)
    assert calendar.term_end(start, value=1, unit=DeadlineUnit.MONTHS, day_type="") == date(2026, 5, 28)
    assert calendar.term_end(start, value=30, unit=DeadlineUnit.MINUTES, day_type="") is None


def test_an_empty_calendar_is_the_ordinary_week():
    bare = WorkCalendar()
    assert bare.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)
    assert bare.working_days_between(date(2026, 12, 4), date(2026, 12, 11)) == 5


def test_a_day_edited_in_the_admin_counts_at_once(calendar):
    friday = date(2026, 12, 11)
    assert current_calendar().is_working_day(friday)
    CalendarDay.objects.create(date=friday, kind=CalendarDayKind.DAY_OFF, note="перенос")
    assert not current_calendar().is_working_day(friday)
    CalendarDay.objects.filter(date=friday).delete()  # a queryset delete sends the signals too
    assert current_calendar().is_working_day(friday)


def test_loading_the_reference_again_keeps_days_added_in_the_admin(calendar):
    CalendarDay.objects.create(date=date(2028, 1, 3), kind=CalendarDayKind.HOLIDAY, note="добавлен вручную")
    report = load_reference()
    assert not report.changed_anything
    assert CalendarDay.objects.filter(date=date(2028, 1, 3)).exists()
