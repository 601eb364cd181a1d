"""The monthly rollup: figures per office and month, refreshed only for the months a file touches,
read by the compliance table and printed by ``compliance_report``."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from registry.deliveries.rollup import percentile, rebuild_rollup
from registry.deliveries.rows import Outcome
from registry.deliveries.selectors import compliance_table, first_month
from registry.deliveries.storage import store_rows
from registry.models import DeliveryMonthly, Office
from tests.deliveries.helpers import at, corrected, row

pytestmark = pytest.mark.django_db

FEB = {"submitted_at": at("2026-02-02"), "registered_at": at("2026-02-02")}


def february_file(service, office):
    """Edition 1 (5 working days from registration on Monday 2 February; queues 15 minutes):
    results after 1, 2, 3, 4 and 7 working days, the last one late; one refusal off the list."""
    results = ["2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06", "2026-02-11"]
    rows = [row(service, office=office, result_at=at(day), **FEB) for day in results]
    rows.append(
        row(
            service,
            office=office,
            outcome=Outcome.REFUSED,
            refusal_ground="Нет оснований",
            result_at=at("2026-02-03"),
            queue_wait_submission=40,
            **FEB,
        )
    )
    return rows


def test_the_figures_of_an_office_month(service, office):
    store_rows(february_file(service, office))
    month = DeliveryMonthly.objects.get()
    assert (month.office, month.month, month.count, month.decided) == (
        office,
        datetime.date(2026, 2, 1),
        6,
        6,
    )
    assert (month.term_checked, month.on_time) == (6, 5)
    # Terms used: 1, 1, 2, 3, 4, 7 working days.
    assert month.term_used_median == 2.5
    assert month.term_used_p90 == pytest.approx(5.5)
    assert month.term_declared == 5
    assert (month.queue_checked, month.queue_ok) == (12, 11)
    assert (month.refusals, month.refusals_unlisted) == (1, 1)
    assert month.refusal_rate == pytest.approx(1 / 6)


def test_only_the_months_a_file_touches_are_recomputed(service, office):
    february = february_file(service, office)
    store_rows(february)
    march = [row(service, office=office, submitted_at=at("2026-03-02"), registered_at=at("2026-03-02"))]
    store_rows(march)
    # A change made behind the storage's back shows which months a later file recomputes.
    DeliveryMonthly.objects.filter(month=datetime.date(2026, 2, 1)).update(count=999)
    store_rows([corrected(march[0], queue_wait_receipt=50)])
    assert DeliveryMonthly.objects.get(month=datetime.date(2026, 2, 1)).count == 999
    assert DeliveryMonthly.objects.get(month=datetime.date(2026, 3, 1)).queue_ok == 1
    store_rows(february)  # unchanged: nothing recomputed
    assert DeliveryMonthly.objects.get(month=datetime.date(2026, 2, 1)).count == 999
    rebuild_rollup()
    assert DeliveryMonthly.objects.get(month=datetime.date(2026, 2, 1)).count == 6


def test_a_record_moved_to_another_office_leaves_no_stale_month(service, office):
    other = Office.objects.create(
        body=service.provider, code="02", name="МФЦ «Центральный»", address="пр. Мира, 2"
    )
    line = row(service, office=office, **FEB)
    store_rows([line])
    store_rows([corrected(line, office_id=other.pk)])
    assert [(m.office, m.count) for m in DeliveryMonthly.objects.all()] == [(other, 1)]


def test_percentile_interpolates_like_percentile_cont():
    assert percentile([1, 1, 2, 3, 4, 7], 0.5) == 2.5
    assert percentile([1, 1, 2, 3, 4, 7], 0.9) == pytest.approx(5.5)
    assert percentile([], 0.5) is None


def test_the_compliance_table_reads_the_last_months(service, office):
    store_rows(february_file(service, office))
    store_rows([row(service, submitted_at=at("2025-01-15"), registered_at=at("2025-01-15"))])
    today = datetime.date(2026, 12, 5)
    assert first_month(12, today) == datetime.date(2026, 1, 1)
    assert [m.month for m in compliance_table(service=service, today=today)] == [datetime.date(2026, 2, 1)]
    assert len(compliance_table(service=service, months=24, today=today)) == 2
    assert not compliance_table(body=office.body, today=datetime.date(2027, 6, 1)).exists()


def test_compliance_report_prints_a_russian_table_per_office_and_month(service, office):
    store_rows(february_file(service, office))
    store_rows([row(service, **FEB)])
    out = StringIO()
    call_command("compliance_report", "--service", service.registry_number, "--months", "120", stdout=out)
    text = out.getvalue()
    assert f"Услуга {service.registry_number}" in text
    assert "Офис" in text and "В срок" in text and "Отказов вне перечня" in text
    office_line = next(line for line in text.splitlines() if line.startswith("Приёмная"))
    assert office_line.split()[1:5] == ["02.2026", "6", "83,3", "%"]
    assert any(line.startswith("без указания офиса") for line in text.splitlines())


def test_compliance_report_refuses_an_unknown_service(db):
    with pytest.raises(CommandError, match="не найдена"):
        call_command("compliance_report", "--service", "0000000000")
