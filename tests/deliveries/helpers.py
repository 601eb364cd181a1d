"""Rows of an intake file for the delivery tests."""

import datetime
import itertools
from dataclasses import replace
from zoneinfo import ZoneInfo

from registry.deliveries.rows import DeliveryRow, Outcome

MSK = ZoneInfo("Europe/Moscow")
_cases = itertools.count(1)


def at(day: str, time: str = "10:00") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=MSK)


def row(service, *, office=None, **fields) -> DeliveryRow:
    """A request submitted on a Monday, registered the same day, issued two working days later."""
    values = {
        "line": 2,
        "case_id": f"Д-{next(_cases):06d}",
        "service_id": service.pk,
        "body_id": service.provider_id,
        "office_id": office.pk if office else None,
        "channel_id": None,
        "variant_code": "",
        "submitted_at": at("2026-03-02"),
        "registered_at": at("2026-03-02", "10:30"),
        "result_at": at("2026-03-04", "15:00"),
        "outcome": Outcome.ISSUED,
        "refusal_ground": "",
        "queue_wait_submission": 5,
        "queue_wait_receipt": 3,
    }
    values.update(fields)
    return DeliveryRow(**values)


def corrected(original: DeliveryRow, **fields) -> DeliveryRow:
    return replace(original, **fields)
