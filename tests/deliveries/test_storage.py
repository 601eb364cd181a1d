"""Storing delivery records: idempotent on (body, case id), corrections update, nothing half-written."""

import datetime

import pytest

from registry.deliveries.rows import Outcome
from registry.deliveries.storage import store_rows
from registry.models import DeliveryRecord, Office
from tests import factories
from tests.deliveries.helpers import at, corrected, row

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def service():
    return factories.service()


@pytest.fixture
def office(service):
    return Office.objects.create(body=service.provider, code="01", name="Приёмная", address="ул. Ленина, 1")


def test_a_file_stored_twice_changes_nothing_the_second_time(service, office):
    rows = [row(service, office=office) for _ in range(25)]
    first = store_rows(rows, batch_size=10)
    assert (first.created, first.updated, first.unchanged) == (25, 0, 0)
    assert first.touched == {(service.pk, service.provider_id, office.pk, datetime.date(2026, 3, 1))}
    second = store_rows(rows, batch_size=10)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 25)
    assert second.touched == set()
    assert DeliveryRecord.objects.count() == 25


def test_a_corrected_row_updates_its_record_and_names_both_months(service, office):
    original = row(service, office=office)
    store_rows([original, row(service)])
    moved = corrected(original, submitted_at=at("2026-02-27"), outcome=Outcome.REFUSED, refusal_ground="1")
    result = store_rows([moved])
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert result.touched == {
        (service.pk, service.provider_id, office.pk, datetime.date(2026, 3, 1)),
        (service.pk, service.provider_id, office.pk, datetime.date(2026, 2, 1)),
    }
    record = DeliveryRecord.objects.get(body=service.provider, case_id=original.case_id)
    assert record.month == datetime.date(2026, 2, 1)
    assert (record.outcome, record.refusal_ground) == ("refused", "1")
    assert DeliveryRecord.objects.count() == 2


def test_the_month_is_the_registrys_local_month(service):
    # 21:30 UTC on 31 January is 00:30 on 1 February in Moscow.
    late = datetime.datetime(2026, 1, 31, 21, 30, tzinfo=datetime.UTC)
    store_rows([row(service, submitted_at=late, registered_at=late, result_at=None)])
    assert DeliveryRecord.objects.get().month == datetime.date(2026, 2, 1)


def test_a_dry_run_writes_nothing_but_tells_what_it_would_do(service):
    stored = row(service)
    store_rows([stored])
    result = store_rows([corrected(stored, queue_wait_submission=40), row(service)], dry_run=True)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    assert DeliveryRecord.objects.count() == 1
    assert DeliveryRecord.objects.get().queue_wait_submission == 5


def test_a_failure_in_a_later_batch_leaves_nothing_written(service):
    def rows():
        yield from (row(service) for _ in range(5))
        raise ValueError("файл оборван")

    with pytest.raises(ValueError):
        store_rows(rows(), batch_size=2)
    assert not DeliveryRecord.objects.exists()
