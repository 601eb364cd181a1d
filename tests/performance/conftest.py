"""A published service with quality indicators and twelve months of rollup rows in two offices."""

import datetime
from decimal import Decimal

import pytest

from registry.deliveries.selectors import first_month
from registry.models import DeliveryMonthly, IndicatorComparison, IndicatorKind, Office, QualityIndicator
from registry.performance.figures import months_of
from tests import factories
from tests.catalogue.helpers import publish


def monthly(
    service,
    month,
    *,
    office=None,
    count=100,
    on_time=90,
    queue=(200, 190),
    registration=(100, 100),
    refusals=5,
    unlisted=0,
    median=4.0,
    declared=5,
    body=None,
) -> DeliveryMonthly:
    return DeliveryMonthly.objects.create(
        service=service,
        body=body or service.provider,
        office=office,
        month=month,
        count=count,
        decided=count,
        term_checked=count,
        on_time=on_time,
        term_used_median=median,
        term_used_p90=median + 2,
        term_declared=declared,
        queue_checked=queue[0],
        queue_ok=queue[1],
        registration_checked=registration[0],
        registered_in_time=registration[1],
        refusals=refusals,
        refusals_unlisted=unlisted,
    )


def indicator(edition, name, target, *, comparison=IndicatorComparison.AT_LEAST, unit="%", order=0):
    return QualityIndicator.objects.create(
        edition=edition,
        kind=IndicatorKind.QUALITY,
        name=name,
        comparison=comparison,
        target_value=None if target is None else Decimal(target),
        unit=unit,
        order=order,
    )


@pytest.fixture
def months() -> list[datetime.date]:
    return months_of(first_month(12), 12)


@pytest.fixture
def edition(db):
    """Published a year and a half ago (in force over the whole period), with indicators: three
    measured from the records, two declared only, one measured by ratings once they are wired."""
    draft = factories.complete_edition(factories.service(), short_name="Выписка")
    draft.indicators.all().delete()
    indicator(draft, "Доля запросов, рассмотренных в установленный срок", "95", order=1)
    indicator(draft, "Доля ожиданий в очереди не более 15 минут", "90", order=2)
    indicator(
        draft,
        "Доля запросов с нарушением срока регистрации",
        "1",
        comparison=IndicatorComparison.AT_MOST,
        order=3,
    )
    indicator(
        draft,
        "Количество взаимодействий заявителя с должностными лицами",
        "2",
        comparison=IndicatorComparison.AT_MOST,
        unit="раз",
        order=4,
    )
    indicator(draft, "Доля обоснованных жалоб", "0", comparison=IndicatorComparison.AT_MOST, order=5)
    indicator(draft, "Доля заявителей, удовлетворённых качеством услуги", "85", order=6)
    return publish(draft, effective_date=first_month(18))


@pytest.fixture
def service(edition):
    return edition.service


@pytest.fixture
def offices(service):
    first = Office.objects.create(
        body=service.provider, code="1", name="Офис на Ленина", address="ул. Ленина, 1"
    )
    second = Office.objects.create(
        body=service.provider, code="2", name="Офис на Мира", address="ул. Мира, 2"
    )
    return first, second


@pytest.fixture
def figures(service, offices, months):
    """Office 1: 100 requests a month, 90 on time. Office 2: 10 a month (unreliable alone), all on
    time; its last two months late (5 of 10)."""
    first, second = offices
    for index, month in enumerate(months):
        monthly(service, month, office=first)
        late = index >= 10
        monthly(
            service,
            month,
            office=second,
            count=10,
            on_time=5 if late else 10,
            queue=(20, 20),
            registration=(10, 10),
            refusals=0,
            median=6.0 if late else 3.0,
        )
    return months
