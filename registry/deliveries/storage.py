"""Writing delivery records: idempotent on (body, case id), all-or-nothing, streamed in batches.

The same file stored twice changes nothing; a corrected row updates its record (and moves it when
its month of submission changed). On PostgreSQL each batch is COPYed into a temporary table and
merged with one INSERT … ON CONFLICT … DO UPDATE … WHERE changed; elsewhere the batch is compared
with the stored records and written by bulk create and bulk update."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from django.db import connection, transaction

from registry.deliveries.compliance import COMPLIANCE_FIELDS, ComplianceChecker, local_date
from registry.deliveries.partitions import ensure_partitions
from registry.deliveries.rollup import refresh_rollup
from registry.deliveries.rows import DeliveryRow
from registry.models import DeliveryRecord

BATCH_SIZE = 10_000

# The columns a row sets, besides the key (body, case id).
ROW_FIELDS = (
    "service_id",
    "office_id",
    "channel_id",
    "variant_code",
    "submitted_at",
    "month",
    "registered_at",
    "result_at",
    "outcome",
    "refusal_ground",
    "queue_wait_submission",
    "queue_wait_receipt",
)
VALUE_FIELDS = ROW_FIELDS + COMPLIANCE_FIELDS
ALL_FIELDS = ("body_id", "case_id", *VALUE_FIELDS)
TEXT_FIELDS = ("case_id", "variant_code", "outcome", "refusal_ground")

# (service id, body id, office id or None, first day of the month)
RollupKey = tuple[int, int, int | None, date]


@dataclass
class StoreResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    touched: set[RollupKey] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def submission_month(submitted_at: datetime) -> date:
    """The first day of the month of submission, in the registry's local time."""
    return local_date(submitted_at).replace(day=1)


def record_values(row: DeliveryRow, evaluate: Callable[[dict], dict] | None) -> dict:
    values = {
        "body_id": row.body_id,
        "case_id": row.case_id,
        "service_id": row.service_id,
        "office_id": row.office_id,
        "channel_id": row.channel_id,
        "variant_code": row.variant_code,
        "submitted_at": row.submitted_at,
        "month": submission_month(row.submitted_at),
        "registered_at": row.registered_at,
        "result_at": row.result_at,
        "outcome": row.outcome,
        "refusal_ground": row.refusal_ground,
        "queue_wait_submission": row.queue_wait_submission,
        "queue_wait_receipt": row.queue_wait_receipt,
    }
    compliance = evaluate(values) if evaluate else {}
    for name in COMPLIANCE_FIELDS:
        values[name] = compliance.get(name)
    return values


def batches(rows: Iterable[DeliveryRow], size: int) -> Iterator[list[DeliveryRow]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def store_rows(
    rows: Iterable[DeliveryRow],
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    evaluate: Callable[[dict], dict] | None = None,
) -> StoreResult:
    """Write the rows (checked by the intake) as delivery records, all or nothing.

    ``evaluate`` computes the compliance columns of a record's values; by default the checker of
    ``registry.deliveries.compliance`` against the editions in force and the current calendar.
    With ``dry_run`` nothing stays written and the rollup is not refreshed; the result tells what
    the file would do."""
    if evaluate is None:
        evaluate = ComplianceChecker().evaluate
    result = StoreResult()
    with transaction.atomic():
        writer = _PostgresWriter() if connection.vendor == "postgresql" else _BulkWriter()
        for batch in batches(rows, batch_size):
            writer.write([record_values(row, evaluate) for row in batch], result)
        # On a failure the rollback of the transaction drops the temporary table.
        writer.close()
        if dry_run:
            transaction.set_rollback(True)
        elif result.touched:
            # In the same transaction: the pages never see records without their months.
            refresh_rollup(result.touched)
    return result


def _key(values: dict) -> RollupKey:
    return (values["service_id"], values["body_id"], values["office_id"], values["month"])


class _BulkWriter:
    """Any database: compare the batch with the stored records, create and update in bulk."""

    def write(self, batch: list[dict], result: StoreResult) -> None:
        stored = {}
        by_body: dict[int, list[str]] = {}
        for values in batch:
            by_body.setdefault(values["body_id"], []).append(values["case_id"])
        for body_id, case_ids in by_body.items():
            for record in DeliveryRecord.objects.filter(body_id=body_id, case_id__in=case_ids):
                stored[(record.body_id, record.case_id)] = record
        to_create, to_update = [], []
        for values in batch:
            record = stored.get((values["body_id"], values["case_id"]))
            if record is None:
                to_create.append(DeliveryRecord(**values))
                result.touched.add(_key(values))
                continue
            old_key = _key(
                {name: getattr(record, name) for name in ("service_id", "body_id", "office_id", "month")}
            )
            if all(getattr(record, name) == values[name] for name in VALUE_FIELDS):
                result.unchanged += 1
                continue
            for name in VALUE_FIELDS:
                setattr(record, name, values[name])
            to_update.append(record)
            result.touched.update((old_key, _key(values)))
        DeliveryRecord.objects.bulk_create(to_create)
        if to_update:
            DeliveryRecord.objects.bulk_update(to_update, VALUE_FIELDS)
        result.created += len(to_create)
        result.updated += len(to_update)

    def close(self) -> None:
        pass


class _PostgresWriter:
    """PostgreSQL: COPY the batch into a temporary table, move the records whose month changed,
    then one INSERT … ON CONFLICT … DO UPDATE … WHERE changed."""

    TEMP = "delivery_incoming"

    def __init__(self) -> None:
        self._locked: set[int] = set()
        columns = ", ".join(f'"{name}"' for name in ALL_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{self.TEMP}"')
            cursor.execute(
                f'CREATE TEMPORARY TABLE "{self.TEMP}" AS SELECT {columns} FROM "registry_deliveryrecord" '
                "WITH NO DATA"
            )

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{self.TEMP}"')

    def _lock_bodies(self, body_ids: set[int]) -> None:
        """One file of a body at a time: the unique index holds (body, case id) within a month
        only, and two files moving the same case to different months at once would both
        insert it. Held until the transaction ends."""
        new = sorted(body_ids - self._locked)
        with connection.cursor() as cursor:
            for body_id in new:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('registry_deliveryrecord'), %s)", [body_id % 2**31]
                )
        self._locked.update(new)

    @staticmethod
    def _csv(batch: list[dict]) -> io.StringIO:
        buffer = io.StringIO()
        out = csv.writer(buffer, lineterminator="\n")
        for values in batch:
            line = []
            for name in ALL_FIELDS:
                value = values[name]
                if value is None:
                    line.append("")
                elif isinstance(value, bool):
                    line.append("t" if value else "f")
                elif isinstance(value, (date, datetime)):
                    line.append(value.isoformat())
                else:
                    line.append(value)
            out.writerow(line)
        buffer.seek(0)
        return buffer

    def write(self, batch: list[dict], result: StoreResult) -> None:
        ensure_partitions(values["month"] for values in batch)
        self._lock_bodies({values["body_id"] for values in batch})
        temp = self.TEMP
        columns = ", ".join(f'"{name}"' for name in ALL_FIELDS)
        record_row = ", ".join(f'r."{name}"' for name in VALUE_FIELDS)
        incoming_row = ", ".join(f't."{name}"' for name in VALUE_FIELDS)
        excluded_row = ", ".join(f'EXCLUDED."{name}"' for name in VALUE_FIELDS)
        stored_row = ", ".join(f'"registry_deliveryrecord"."{name}"' for name in VALUE_FIELDS)
        assignments = ", ".join(f'"{name}" = EXCLUDED."{name}"' for name in VALUE_FIELDS)
        not_null = ", ".join(f'"{name}"' for name in TEXT_FIELDS)
        with connection.cursor() as cursor:
            cursor.execute(f'TRUNCATE "{temp}"')
            cursor.copy_expert(
                f'COPY "{temp}" ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({not_null}))',
                self._csv(batch),
            )
            # The planner needs the batch's size to join it with the records by index.
            cursor.execute(f'ANALYZE "{temp}"')
            # One pass over the stored records the batch names: how many are stored in the same
            # month (xmax = 0 cannot tell inserts from updates on a partitioned table), how many
            # moved to another month, and the months and offices the changed ones leave (their
            # rollup is recomputed too).
            cursor.execute(
                f'SELECT r."service_id", r."body_id", r."office_id", r."month", r."month" = t."month", '
                f"({record_row}) IS DISTINCT FROM ({incoming_row}), count(*) "
                f'FROM "registry_deliveryrecord" r JOIN "{temp}" t '
                f'ON r."body_id" = t."body_id" AND r."case_id" = t."case_id" '
                f"GROUP BY 1, 2, 3, 4, 5, 6"
            )
            existing = moved = 0
            for service_id, body_id, office_id, month, same_month, changed, count in cursor.fetchall():
                if same_month:
                    existing += count
                else:
                    moved += count
                if changed:
                    result.touched.add((service_id, body_id, office_id, month))
            if moved:
                cursor.execute(
                    f'DELETE FROM "registry_deliveryrecord" r USING "{temp}" t '
                    f'WHERE r."body_id" = t."body_id" AND r."case_id" = t."case_id" '
                    f'AND r."month" <> t."month"'
                )
            cursor.execute(
                f"WITH written AS ("
                f'INSERT INTO "registry_deliveryrecord" ({columns}) SELECT {columns} FROM "{temp}" '
                f'ON CONFLICT ("body_id", "case_id", "month") DO UPDATE SET {assignments} '
                f"WHERE ({stored_row}) IS DISTINCT FROM ({excluded_row}) "
                f'RETURNING "service_id", "body_id", "office_id", "month") '
                f'SELECT "service_id", "body_id", "office_id", "month", count(*) '
                f"FROM written GROUP BY 1, 2, 3, 4"
            )
            written = 0
            for service_id, body_id, office_id, month, count in cursor.fetchall():
                result.touched.add((service_id, body_id, office_id, month))
                written += count
            new = len(batch) - existing
            updated = written - new
            result.created += new - moved
            result.updated += updated + moved
            result.unchanged += existing - updated
