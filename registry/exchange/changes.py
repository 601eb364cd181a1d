"""Recording the registry-wide change sequence, called by the workflow services inside their
transaction, and reading it for incremental exports."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Max

from registry.models import ChangeKind, ChangeLog, Edition, Service


def _serialize_writers() -> None:
    """Sequence numbers must become visible in the order they were assigned, or a receiver that
    synced up to N could miss a change N-1 committed after it read. On PostgreSQL an EXCLUSIVE
    table lock (it does not block readers) makes the writers of the log commit one at a time;
    SQLite serializes writers anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{ChangeLog._meta.db_table}" IN EXCLUSIVE MODE')


def record_publication(*, edition: Edition, replaces: Edition | None) -> None:
    _serialize_writers()
    rows = []
    if replaces is not None:
        rows.append(ChangeLog(kind=ChangeKind.SUPERSEDED, service_id=replaces.service_id, edition=replaces))
    rows.append(ChangeLog(kind=ChangeKind.PUBLISHED, service_id=edition.service_id, edition=edition))
    for row in rows:
        row.save()


def record_withdrawal(*, service: Service) -> None:
    _serialize_writers()
    ChangeLog(kind=ChangeKind.WITHDRAWN, service=service).save()


def record_restoration(*, service: Service) -> None:
    _serialize_writers()
    ChangeLog(kind=ChangeKind.RESTORED, service=service).save()


def last_sequence() -> int:
    return ChangeLog.objects.aggregate(last=Max("sequence"))["last"] or 0


@dataclass(frozen=True)
class ChangesSince:
    """What changed after ``since`` up to ``until``: services whose current edition to send,
    and services withdrawn (and not restored) meanwhile."""

    since: int
    until: int
    changed_service_ids: frozenset[int]
    withdrawn_service_ids: frozenset[int]


def changes_since(since: int, *, until: int | None = None) -> ChangesSince:
    until = last_sequence() if until is None else until
    latest: dict[int, str] = {}
    published: set[int] = set()
    rows = (
        ChangeLog.objects.filter(sequence__gt=since, sequence__lte=until)
        .order_by("sequence")
        .values_list("service_id", "kind")
    )
    for service_id, kind in rows.iterator(chunk_size=2000):
        if kind in (ChangeKind.WITHDRAWN, ChangeKind.RESTORED):
            latest[service_id] = kind
        else:
            published.add(service_id)
    withdrawn = {pk for pk, kind in latest.items() if kind == ChangeKind.WITHDRAWN}
    restored = {pk for pk, kind in latest.items() if kind == ChangeKind.RESTORED}
    return ChangesSince(
        since=since,
        until=until,
        changed_service_ids=frozenset((published | restored) - withdrawn),
        withdrawn_service_ids=frozenset(withdrawn),
    )
