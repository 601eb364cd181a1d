"""The service page says where to go (the offices that deliver the service, from the demo's
offices) and on which day the answer is due for an application filed today, counted on the
working-day calendar."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from registry.catalogue.presentation import deadline_day
from registry.models import CalendarDay, CalendarDayKind, DeadlineKind, Edition, Office, Service
from registry.models.editions import DayType, DeadlineUnit
from registry.workdays import WorkCalendar, current_calendar
from tests.catalogue.test_answer_first import summary_of

pytestmark = pytest.mark.django_db

PASSPORT = "10000000361"


@pytest.fixture
def demo(demo_registry):
    return demo_registry


class Term:
    def __init__(self, value, unit, day_type, kind=DeadlineKind.MAXIMUM):
        self.deadline_value, self.deadline_unit, self.deadline_day_type = value, unit, day_type
        self.deadline_kind = kind


def test_the_day_is_counted_over_the_may_holidays_of_the_calendar():
    calendar = WorkCalendar({date(2026, 5, 1): CalendarDayKind.HOLIDAY, date(2026, 5, 11): "day_off"})
    term = Term(5, DeadlineUnit.DAYS, DayType.WORKING)
    # 29, 30 April, 4, 5, 6 May: the holiday and the weekend are skipped.
    assert deadline_day(term, today=date(2026, 4, 28), calendar=calendar) == (
        "При подаче сегодня — не позднее 6\u00a0мая"
    )
    waiting = Term(1, DeadlineUnit.MONTHS, DayType.CALENDAR, DeadlineKind.MINIMUM)
    assert deadline_day(waiting, today=date(2026, 4, 11), calendar=calendar) == (
        "При подаче сегодня — не ранее 12\u00a0мая"  # 11 May is a day off
    )
    # Another year is named.
    assert deadline_day(term, today=date(2026, 12, 28), calendar=calendar) == (
        "При подаче сегодня — не позднее 4\u00a0января 2027 г."
    )
    in_minutes = Term(15, DeadlineUnit.MINUTES, "")
    assert deadline_day(in_minutes, today=date(2026, 4, 28), calendar=calendar) == ""
    assert deadline_day(term, today=None, calendar=calendar) == ""


def test_the_passport_page_lists_its_offices_and_the_day_of_the_answer(client, demo):
    service = Service.objects.get(registry_number=PASSPORT)
    edition = service.editions.get(status="published")
    response = client.get(reverse("catalogue:service_detail", args=[PASSPORT]))
    content = response.content.decode()

    offices = list(service.offices.order_by("is_mfc", "name"))
    assert len(offices) >= 3
    shown = content.index('id="offices"')
    for office in offices:
        assert office.address in content[shown:]
    # The body's own receptions come before the МФЦ, which is marked.
    assert content.index(offices[0].name, shown) < content.index(offices[-1].name, shown)
    assert offices[-1].is_mfc and 'class="badge">МФЦ</span>' in content[shown:]

    day = current_calendar().term_end(
        timezone.localdate(),
        value=edition.deadline_value,
        unit=edition.deadline_unit,
        day_type=edition.deadline_day_type,
    )
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"]  # fmt: skip
    year = "" if day.year == timezone.localdate().year else f" {day.year} г."
    expected = f"При подаче сегодня — не позднее {day.day}\u00a0{months[day.month - 1]}{year}"
    assert expected in summary_of(response)


def test_an_office_added_in_the_admin_shows_at_once_on_a_cached_page(client, demo):
    service = Service.objects.get(registry_number=PASSPORT)
    url = reverse("catalogue:service_detail", args=[PASSPORT])
    assert "Отдел по вопросам миграции в Заволжском районе" not in client.get(url).content.decode()
    office = Office.objects.create(
        body=service.provider,
        code="UL-OVM-ZAV",
        name="Отдел по вопросам миграции в Заволжском районе",
        address="432030, г. Ульяновск, пр-т Ульяновский, д. 1",
    )
    office.services.add(service)
    assert "Отдел по вопросам миграции в Заволжском районе" in client.get(url).content.decode()


def test_a_changed_calendar_moves_the_day_on_a_cached_page(client, demo):
    edition = Edition.objects.get(service__registry_number=PASSPORT, status="published")
    url = reverse("catalogue:service_detail", args=[PASSPORT])
    before = summary_of(client.get(url))
    calendar = current_calendar()
    due = calendar.term_end(
        timezone.localdate(),
        value=edition.deadline_value,
        unit=edition.deadline_unit,
        day_type=edition.deadline_day_type,
    )
    # The government declares the due day a day off: the answer moves to a later day.
    CalendarDay.objects.update_or_create(date=due, defaults={"kind": CalendarDayKind.DAY_OFF})
    assert summary_of(client.get(url)) != before
