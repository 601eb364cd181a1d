"""Monthly partitions of the delivery records on PostgreSQL (declarative range partitioning by
``month``, see migration 0019). Created ahead by the command ``delivery_partitions`` and, for the
months a file brings, by the storage before it writes. Other databases keep a plain table: the
functions do nothing there."""

from collections.abc import Iterable
from datetime import date

from django.db import connection

TABLE = "registry_deliveryrecord"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def existing_partitions() -> set[str]:
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [TABLE],
        )
        return {name for (name,) in cursor.fetchall()}


def ensure_partitions(months: Iterable[date]) -> list[date]:
    """Create the partitions of the given months that do not exist yet; returns those created."""
    if connection.vendor != "postgresql":
        return []
    wanted = sorted({month_start(m) for m in months})
    if not wanted:
        return []
    present = existing_partitions()
    created = []
    with connection.cursor() as cursor:
        for month in wanted:
            name = partition_name(month)
            if name in present:
                continue
            cursor.execute(
                f'CREATE TABLE IF NOT EXISTS "{name}" PARTITION OF "{TABLE}" '
                f"FOR VALUES FROM ('{month.isoformat()}') TO ('{next_month(month).isoformat()}')"
            )
            created.append(month)
    return created


def months_ahead(start: date, count: int) -> list[date]:
    """``start``'s month and the ``count`` months after it."""
    months = [month_start(start)]
    for _ in range(count):
        months.append(next_month(months[-1]))
    return months
