"""Each indicator of the standard is measured by its declared computation per month and compared
with its target; those with no computation are declared only."""

from decimal import Decimal

import pytest

from registry.models import IndicatorComparison, QualityIndicator
from registry.performance.figures import load_period
from registry.performance.indicators import indicator_lines, measure_for, meets

pytestmark = pytest.mark.django_db


def line(lines, start):
    return next(item for item in lines if item.name.startswith(start))


@pytest.mark.parametrize(
    ("name", "unit", "code"),
    [
        ("Доля запросов, рассмотренных в установленный срок", "%", "on_time"),
        ("Доля запросов, рассмотренных с нарушением установленного срока", "%", "late"),
        ("Доля ожиданий в очереди не более 15 минут", "%", "queue"),
        ("Доля запросов, зарегистрированных в установленный срок", "%", "registration"),
        ("Доля запросов с нарушением срока регистрации", "%", "registration_late"),
        ("Доля отказов в предоставлении услуги", "%", "refusals"),
        ("Доля отказов по основаниям, не предусмотренным стандартом", "%", "refusals_unlisted"),
        ("Доля заявителей, удовлетворённых качеством услуги", "%", "satisfaction"),
        ("Средняя оценка контрольных проверок", "%", "audit"),
        ("Доля обоснованных жалоб на нарушение срока", "%", None),
        ("Время ожидания в очереди", "минут", None),
        ("Количество взаимодействий заявителя с должностными лицами", "раз", None),
    ],
)
def test_the_declared_mapping_names_the_computation_of_an_indicator(name, unit, code):
    row = QualityIndicator(
        name=name, unit=unit, comparison=IndicatorComparison.AT_LEAST, target_value=Decimal(90)
    )
    measure = measure_for(row)
    assert (measure.code if measure else None) == code


def test_a_yes_no_indicator_or_one_of_a_variant_is_declared_only():
    yes_no = QualityIndicator(name="Доля запросов в срок", unit="%", comparison=IndicatorComparison.YES_NO)
    assert measure_for(yes_no) is None
    of_variant = QualityIndicator(
        name="Доля запросов в срок", unit="%", comparison="ge", target_value=Decimal(90), variant_id=1
    )
    assert measure_for(of_variant) is None


def test_the_comparison_is_to_a_tenth_of_a_percent_as_shown():
    assert meets(94.96, IndicatorComparison.AT_LEAST, Decimal(95))
    assert not meets(94.94, IndicatorComparison.AT_LEAST, Decimal(95))
    assert meets(0.04, IndicatorComparison.AT_MOST, Decimal(0))
    assert not meets(1.2, IndicatorComparison.AT_MOST, Decimal(1))
    assert meets(50.0, IndicatorComparison.EQUALS, Decimal(50))


def test_share_on_time_is_computed_per_month_against_its_target(service, figures):
    lines = indicator_lines(service, load_period(service=service))
    on_time = line(lines, "Доля запросов, рассмотренных")
    assert on_time.measured
    assert len(on_time.months) == 12
    # 90 of 100 at the first office and 10 of 10 at the second: 100 of 110.
    assert on_time.months[0].percent == pytest.approx(100 / 110 * 100)
    assert on_time.months[0].cases == 110
    assert on_time.months[0].met is False
    # The last two months the second office was late in 5 of 10: 95 of 110.
    assert on_time.months[-1].percent == pytest.approx(95 / 110 * 100)
    assert on_time.below_two_months
    assert on_time.period_value.cases == 12 * 110


def test_queue_waits_and_late_registrations_are_computed_and_meet_their_targets(service, figures):
    lines = indicator_lines(service, load_period(service=service))
    queue = line(lines, "Доля ожиданий")
    assert queue.months[3].percent == pytest.approx(210 / 220 * 100)
    assert all(value.met for value in queue.months)
    assert not queue.below_two_months
    registration = line(lines, "Доля запросов с нарушением срока регистрации")
    assert registration.measure.code == "registration_late"
    assert registration.months[0].percent == 0
    assert registration.months_met == registration.months_checked == 12


def test_indicators_without_a_computation_are_listed_as_declared(service, figures):
    lines = indicator_lines(service, load_period(service=service))
    assert not line(lines, "Количество взаимодействий").measured
    assert not line(lines, "Доля обоснованных жалоб").measured
    assert [item.name for item in lines][:2] == [
        "Доля запросов, рассмотренных в установленный срок",
        "Доля ожиданий в очереди не более 15 минут",
    ]


def test_a_month_without_requests_is_not_compared(service, offices, months):
    from tests.performance.conftest import monthly

    monthly(service, months[-1], office=offices[0], on_time=50)
    monthly(service, months[-3], office=offices[0], on_time=50)
    on_time = line(indicator_lines(service, load_period(service=service)), "Доля запросов, рассмотренных")
    assert [value.met for value in on_time.months][-3:] == [False, None, False]
    assert on_time.below_two_months  # the last two months *with requests*


def test_each_month_is_compared_with_the_target_of_the_edition_then_in_force(service, figures, months):
    from registry.models import Edition
    from registry.services import edition_update
    from tests.catalogue.helpers import next_edition, publish
    from tests.performance.conftest import indicator

    draft = next_edition(service)
    draft.indicators.all().delete()
    indicator(draft, "Доля запросов, рассмотренных в установленный срок", "80", order=1)
    edition_update(edition=draft, actor=None, changes={}, expected_version=draft.lock_version)
    publish(Edition.objects.get(pk=draft.pk), effective_date=months[6])
    on_time = line(indicator_lines(service, load_period(service=service)), "Доля запросов, рассмотренных")
    assert [value.target for value in on_time.months] == [Decimal(95)] * 6 + [Decimal(80)] * 6
    assert on_time.months[0].met is False
    assert on_time.months[-1].met is True
    assert on_time.target_text.endswith("80 %")
