"""The records table: partitioned by month on PostgreSQL, plain elsewhere."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from registry.deliveries.partitions import existing_partitions, is_partitioned, months_ahead
from registry.deliveries.storage import store_rows
from registry.models import DeliveryRecord
from tests.deliveries.helpers import at, row

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions exist on PostgreSQL only"
)
off_postgres = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the plain table is not PostgreSQL's"
)


def test_months_ahead_cross_the_year():
    assert months_ahead(datetime.date(2026, 11, 20), 2) == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
        datetime.date(2027, 1, 1),
    ]


@pytest.mark.postgres
@on_postgres
def test_the_records_are_partitioned_by_month_on_postgresql():
    assert is_partitioned()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT partstrat, a.attname FROM pg_partitioned_table p "
            "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
            "WHERE p.partrelid = 'registry_deliveryrecord'::regclass"
        )
        assert cursor.fetchone() == ("r", "month")


@pytest.mark.postgres
@on_postgres
def test_partitions_are_created_ahead_and_on_intake(service):
    out = StringIO()
    call_command("delivery_partitions", "--months-ahead", "2", "--from", "2031-11", stdout=out)
    assert {"registry_deliveryrecord_2031_11", "registry_deliveryrecord_2031_12"} <= existing_partitions()
    assert "registry_deliveryrecord_2032_01" in existing_partitions()
    assert "Новых секций: 3." in out.getvalue()
    call_command("delivery_partitions", "--months-ahead", "2", "--from", "2031-11", stdout=out)
    assert "Новых секций: 0." in out.getvalue()

    assert "registry_deliveryrecord_2024_05" not in existing_partitions()
    store_rows([row(service, submitted_at=at("2024-05-06"), registered_at=None, result_at=None)])
    assert "registry_deliveryrecord_2024_05" in existing_partitions()
    with connection.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "registry_deliveryrecord_2024_05"')
        assert cursor.fetchone() == (1,)
    assert DeliveryRecord.objects.filter(month=datetime.date(2024, 5, 1)).count() == 1


@off_postgres
def test_the_records_are_a_plain_table_elsewhere():
    assert not is_partitioned()
    assert existing_partitions() == set()
    out = StringIO()
    call_command("delivery_partitions", stdout=out)
    assert "только в PostgreSQL" in out.getvalue()
    assert "registry_deliveryrecord" in connection.introspection.table_names()
