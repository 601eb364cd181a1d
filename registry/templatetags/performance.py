"""``{{ share.percent|perf_percent }}`` → «87,5 %», ``{{ days|perf_number }}`` → «4,5»: the same
formatting as the performance charts and tables."""

from django import template

from registry.deliveries.report import number
from registry.performance.charts import percent_text

register = template.Library()


@register.filter
def perf_percent(value: float | None) -> str:
    return percent_text(value)


@register.filter
def perf_number(value: float | None) -> str:
    return number(value)
