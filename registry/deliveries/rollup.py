"""The monthly rollup of delivery records (``DeliveryMonthly``): per service × body × office ×
month, what the pages read. Incremental: ``refresh_rollup`` recomputes only the (service, body,
month) the given keys name — all offices of those, so that a record moved from one office to
another leaves no stale row — from the records, in one grouped query per chunk of months."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from itertools import islice

from django.db import connection, models, transaction
from django.db.models import Count, Q

from registry.deliveries.compliance import DECIDED
from registry.deliveries.rows import Outcome
from registry.models import DeliveryMonthly, DeliveryRecord

CHUNK = 200
GROUP = ("service_id", "body_id", "office_id", "month")


class PercentileCont(models.Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression), PostgreSQL only."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """As percentile_cont: linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


COUNTS = {
    "count": Count("id"),
    "decided": Count("id", filter=Q(outcome__in=DECIDED)),
    "term_checked": Count("id", filter=Q(on_time__isnull=False)),
    "on_time": Count("id", filter=Q(on_time=True)),
    "queue_submission_checked": Count("id", filter=Q(queue_submission_ok__isnull=False)),
    "queue_submission_ok": Count("id", filter=Q(queue_submission_ok=True)),
    "queue_receipt_checked": Count("id", filter=Q(queue_receipt_ok__isnull=False)),
    "queue_receipt_ok": Count("id", filter=Q(queue_receipt_ok=True)),
    "registration_checked": Count("id", filter=Q(registered_in_time__isnull=False)),
    "registered_in_time": Count("id", filter=Q(registered_in_time=True)),
    "refusals": Count("id", filter=Q(outcome=Outcome.REFUSED)),
    "refusals_unlisted": Count("id", filter=Q(outcome=Outcome.REFUSED, refusal_ground_listed=False)),
}


def _chunks(items: Iterable, size: int):
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _months_condition(triples: list[tuple[int, int, date]]) -> Q:
    condition = Q()
    for service_id, body_id, month in triples:
        condition |= Q(service_id=service_id, body_id=body_id, month=month)
    return condition


def _figures(records) -> list[dict]:
    """One dict a group: the counts, and the median and 90th percentile of the term used and the
    median of the term declared."""
    grouped = records.values(*GROUP).order_by()
    if connection.vendor == "postgresql":
        return list(
            grouped.annotate(
                **COUNTS,
                term_used_median=PercentileCont("term_used", 0.5),
                term_used_p90=PercentileCont("term_used", 0.9),
                term_declared_median=PercentileCont("term_declared", 0.5),
            )
        )
    figures = list(grouped.annotate(**COUNTS))
    used, declared = defaultdict(list), defaultdict(list)
    terms = records.filter(term_used__isnull=False).values_list(*GROUP, "term_used", "term_declared")
    for *key, term_used, term_declared in terms.iterator(chunk_size=10_000):
        used[tuple(key)].append(term_used)
        if term_declared is not None:
            declared[tuple(key)].append(term_declared)
    for group in figures:
        key = tuple(group[name] for name in GROUP)
        group["term_used_median"] = percentile(used[key], 0.5)
        group["term_used_p90"] = percentile(used[key], 0.9)
        group["term_declared_median"] = percentile(declared[key], 0.5)
    return figures


def monthly_row(group: dict) -> DeliveryMonthly:
    declared = group["term_declared_median"]
    return DeliveryMonthly(
        service_id=group["service_id"],
        body_id=group["body_id"],
        office_id=group["office_id"],
        month=group["month"],
        count=group["count"],
        decided=group["decided"],
        term_checked=group["term_checked"],
        on_time=group["on_time"],
        term_used_median=group["term_used_median"],
        term_used_p90=group["term_used_p90"],
        term_declared=round(declared) if declared is not None else None,
        queue_checked=group["queue_submission_checked"] + group["queue_receipt_checked"],
        queue_ok=group["queue_submission_ok"] + group["queue_receipt_ok"],
        registration_checked=group["registration_checked"],
        registered_in_time=group["registered_in_time"],
        refusals=group["refusals"],
        refusals_unlisted=group["refusals_unlisted"],
    )


def refresh_rollup(keys: Iterable[tuple[int, int, int | None, date]]) -> int:
    """Recompute the rollup of the (service, body, month) the keys name; returns the rows written."""
    triples = sorted({(service_id, body_id, month) for service_id, body_id, _office, month in keys})
    written = 0
    with transaction.atomic():
        for chunk in _chunks(triples, CHUNK):
            condition = _months_condition(chunk)
            DeliveryMonthly.objects.filter(condition).delete()
            rows = [monthly_row(group) for group in _figures(DeliveryRecord.objects.filter(condition))]
            DeliveryMonthly.objects.bulk_create(rows)
            written += len(rows)
    return written


def rebuild_rollup() -> int:
    """The whole rollup from the records (after a restore, or to check the incremental one)."""
    keys = DeliveryRecord.objects.values_list("service_id", "body_id", "office_id", "month").distinct()
    with transaction.atomic():
        DeliveryMonthly.objects.all().delete()
        return refresh_rollup(keys.order_by().iterator())
