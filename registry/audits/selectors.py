"""Reads of mystery-shopper audits, for the workspace pages and the performance pages.

For the performance pages and indicators (issue 15 points 3–4):

``audit_scores(service=None, body=None, office=None, months=12) -> list[MonthScore]``
    One ``MonthScore(month, average, count)`` per calendar month of the last ``months`` months,
    the current one included, oldest first: ``month`` is the month's first day, ``count`` the
    submitted audits visited in it, ``average`` the mean of their scores (``Decimal``, per cent,
    one decimal; ``None`` for a month without audits). The arguments narrow it to a service, to
    the offices of a body, to one office; months follow the registry's time zone. Drafts never
    count. An audit's score is the share of met items among the checked ones
    (``registry.audits.services``).

``open_corrective_actions(body) -> QuerySet[Finding]``
    The findings of the body's submitted audits not yet done — awaiting an answer or with a
    corrective action planned — soonest due first (those without a date first), with their
    audit, office, service and item loaded.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, DateField, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from registry.models import (
    BODY_ROLES,
    Audit,
    AuditStatus,
    Finding,
    FindingStatus,
    Office,
    ProviderBody,
    Service,
)
from registry.permissions import (
    ALL_BODIES,
    body_ids_with_role,
    inspected_body_ids,
    is_administrator,
)


@dataclass(frozen=True)
class MonthScore:
    month: datetime.date
    average: Decimal | None
    count: int


def month_starts(months: int, today: datetime.date | None = None) -> list[datetime.date]:
    today = today or timezone.localdate()
    index = today.year * 12 + today.month - 1
    return [
        datetime.date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(months - 1, -1, -1)
    ]


def audit_scores(
    service: Service | None = None,
    body: ProviderBody | None = None,
    office: Office | None = None,
    months: int = 12,
) -> list[MonthScore]:
    starts = month_starts(months)
    first = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    audits = Audit.objects.filter(status=AuditStatus.SUBMITTED, visited_at__gte=first)
    if service is not None:
        audits = audits.filter(service=service)
    if body is not None:
        audits = audits.filter(office__body=body)
    if office is not None:
        audits = audits.filter(office=office)
    rows = (
        audits.annotate(month=TruncMonth("visited_at", output_field=DateField()))
        .values("month")
        .annotate(average=Avg("score"), count=Count("id"))
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}
    scores = []
    for month in starts:
        row = by_month.get(month)
        if row is None:
            scores.append(MonthScore(month, None, 0))
        else:
            average = Decimal(row["average"]).quantize(Decimal("0.1"))
            scores.append(MonthScore(month, average, row["count"]))
    return scores


def open_corrective_actions(body: ProviderBody) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(audit__office__body=body, audit__status=AuditStatus.SUBMITTED)
        .exclude(status=FindingStatus.DONE)
        .select_related("audit__office", "audit__service", "item")
        .order_by(F("due_date").asc(nulls_first=True), "audit__visited_at", "item__order")
    )


# ------------------------------------------------------------------ the workspace


def _base() -> QuerySet[Audit]:
    return Audit.objects.select_related("office__body", "service", "edition", "inspector").annotate(
        open_findings=Count("findings", filter=~Q(findings__status=FindingStatus.DONE)),
    )


def audits_visible_to(user) -> QuerySet[Audit]:
    """The audits listed for a user: their own drafts; the submitted audits of the offices in
    their scope as an inspector; the submitted audits of the offices of the bodies where they
    are an official or reviewer. Administrators: every submitted audit and their own drafts."""
    submitted = Q(status=AuditStatus.SUBMITTED)
    visible = Q(inspector=user, status=AuditStatus.DRAFT)
    scope = inspected_body_ids(user)
    if scope is ALL_BODIES:
        visible |= submitted
    else:
        staff_of = body_ids_with_role(user, *BODY_ROLES)
        visible |= submitted & Q(office__body_id__in=scope | staff_of)
    return _base().filter(visible)


def findings_to_answer(user) -> QuerySet[Finding]:
    """The open corrective actions of every body the user answers for."""
    findings = Finding.objects.filter(audit__status=AuditStatus.SUBMITTED).exclude(status=FindingStatus.DONE)
    if not is_administrator(user):
        findings = findings.filter(audit__office__body_id__in=body_ids_with_role(user, *BODY_ROLES))
    return findings.select_related("audit__office__body", "audit__service", "item").order_by(
        F("due_date").asc(nulls_first=True), "audit__visited_at", "item__order"
    )


def audit_with_items(pk: int) -> Audit:
    return (
        Audit.objects.select_related("office__body", "service", "edition", "inspector")
        .prefetch_related("items__finding__answered_by", "items__finding__done_by")
        .get(pk=pk)
    )
