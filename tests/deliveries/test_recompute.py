"""When the calendar changes, ``recompute_compliance`` brings the records and the rollup in line."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command

from registry.deliveries.storage import store_rows
from registry.models import CalendarDay, CalendarDayKind, DeliveryMonthly, DeliveryRecord
from tests.deliveries.helpers import at, row

pytestmark = pytest.mark.django_db


def test_a_day_off_added_to_the_calendar_makes_a_late_result_on_time(service, office):
    # Edition 2: 3 calendar days from Thursday 5 March end on Sunday 8 March, moved to Monday 9
    # March while the calendar does not know it is a day off; the result came on 10 March.
    store_rows(
        [
            row(
                service,
                office=office,
                submitted_at=at("2026-03-05"),
                registered_at=at("2026-03-05"),
                result_at=at("2026-03-10"),
            )
        ]
    )
    assert DeliveryRecord.objects.get().on_time is False
    assert DeliveryMonthly.objects.get().on_time == 0

    CalendarDay.objects.create(date=datetime.date(2026, 3, 9), kind=CalendarDayKind.HOLIDAY)
    out = StringIO()
    call_command("recompute_compliance", "--since", "2026-03-01", stdout=out)

    assert DeliveryRecord.objects.get().on_time is True
    assert DeliveryMonthly.objects.get().on_time == 1
    assert "Проверено запросов: 1, изменилось: 1, пересчитано месяцев: 1." in out.getvalue()


def test_recompute_leaves_other_bodies_and_earlier_months_alone(service, office):
    store_rows([row(service, submitted_at=at("2026-02-02"), registered_at=at("2026-02-02"))])
    out = StringIO()
    call_command("recompute_compliance", "--since", "2026-03-01", stdout=out)
    assert "Проверено запросов: 0" in out.getvalue()
    call_command("recompute_compliance", "--body", str(service.provider_id), stdout=out)
    assert "Проверено запросов: 1, изменилось: 0" in out.getvalue()
