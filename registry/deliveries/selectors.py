"""What the pages and the report read of the delivery rollup."""

from collections.abc import Iterable
from datetime import date

from django.db.models import F, QuerySet
from django.utils import timezone

from registry.models import DeliveryMonthly, ProviderBody, Service


def first_month(months: int, today: date | None = None) -> date:
    """The first day of the earliest of the last ``months`` months, the current one included."""
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


def compliance_table(
    *,
    service: Service | None = None,
    body: ProviderBody | None = None,
    body_ids: Iterable[int] | None = None,
    months: int = 12,
    today: date | None = None,
) -> QuerySet[DeliveryMonthly]:
    """The monthly compliance of the last ``months`` months per service × body × office × month,
    ordered for a table: service, body, office (records without an office last), month.
    ``body_ids`` limits it to those bodies (a user's, for the workspace)."""
    rows = DeliveryMonthly.objects.filter(month__gte=first_month(months, today)).select_related(
        "service", "body", "office"
    )
    if service is not None:
        rows = rows.filter(service=service)
    if body is not None:
        rows = rows.filter(body=body)
    if body_ids is not None:
        rows = rows.filter(body_id__in=list(body_ids))
    return rows.order_by(
        "service__registry_number", "body__short_name", F("office__name").asc(nulls_last=True), "month"
    )


def services_with_figures(*, body_ids: Iterable[int] | None = None, months: int = 12) -> QuerySet[Service]:
    """The services that have monthly figures in the period (of those bodies, when given)."""
    rows = DeliveryMonthly.objects.filter(month__gte=first_month(months))
    if body_ids is not None:
        rows = rows.filter(body_id__in=list(body_ids))
    return Service.objects.filter(pk__in=rows.values("service_id")).order_by("registry_number")
