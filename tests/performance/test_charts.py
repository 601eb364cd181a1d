"""The SVG charts: well-formed XML named for assistive technology, one scale, and the same
figures as the table beside them."""

import pytest
from lxml import etree

from registry.performance import charts, pages
from registry.performance.charts import Point
from registry.performance.figures import load_period

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return etree.fromstring(svg.encode())


def tooltips(root) -> list[str]:
    return [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "chart__point"]


def test_a_chart_is_an_image_named_by_its_title_and_description_and_scales_to_the_width():
    svg = charts.column_chart(
        chart_id="c", title="Доля <в срок> & цель", desc="По месяцам", points=[Point("янв", 50.0)], target=95
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c-title"
    assert root.get("aria-describedby") == "c-desc"
    assert root.get("width") == "100%"
    assert root.get("viewBox") == "0 0 400 230"
    assert root.find(f"{SVG}title").text == "Доля <в срок> & цель"
    assert root.find(f"{SVG}desc").text == "По месяцам"
    assert "<script" not in svg


def test_shares_are_drawn_on_the_same_0_to_100_scale_on_every_chart():
    full = parse(charts.column_chart(chart_id="a", title="t", desc="d", points=[Point("янв", 100.0)]))
    half = parse(charts.column_chart(chart_id="b", title="t", desc="d", points=[Point("янв", 50.0)]))

    def height(root):
        bar = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "chart__point").find(f"{SVG}rect")
        return float(bar.get("height"))

    assert height(half) == pytest.approx(height(full) / 2)
    labels = [t.text for t in full.iter(f"{SVG}text")]
    assert "0\u00a0%" in labels and "100\u00a0%" in labels


def test_a_figure_over_few_requests_is_drawn_hatched_and_named_so_not_hidden():
    root = parse(
        charts.column_chart(
            chart_id="c", title="t", desc="d", points=[Point("янв", 80.0, reliable=False), Point("фев", 90.0)]
        )
    )
    bars = [g.find(f"{SVG}rect") for g in root.iter(f"{SVG}g") if g.get("class") == "chart__point"]
    assert bars[0].get("fill") == "url(#c-thin)"
    assert bars[1].get("fill") == charts.VALUE
    assert tooltips(root)[0] == "янв: 80\u00a0% (мало данных — показатель ненадёжен)"
    assert "мало данных (< 30)" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_bar_chart_cuts_a_long_name_but_keeps_it_whole_in_the_tooltip():
    name = "Отдел по вопросам миграции ОМВД России по Засвияжскому району г. Ульяновска"
    root = parse(charts.bar_chart(chart_id="o", title="t", desc="d", points=[Point(name, 70.9)], target=95))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert any(text.endswith("…") and len(text) == charts.LABEL_CHARS for text in texts)
    assert tooltips(root) == [f"{name}: 70,9\u00a0%"]
    assert "цель: 95\u00a0%" in texts


def test_the_distribution_chart_draws_each_score_with_its_count():
    root = parse(
        charts.distribution_chart(
            chart_id="s", title="t", desc="d", rows=[("Время ожидания", (1, 0, 1, 4, 4))]
        )
    )
    assert tooltips(root) == [
        "Время ожидания: 1 — 1 (10\u00a0%)",
        "Время ожидания: 3 — 1 (10\u00a0%)",
        "Время ожидания: 4 — 4 (40\u00a0%)",
        "Время ожидания: 5 — 4 (40\u00a0%)",
    ]
    assert "Время ожидания (оценок: 10)" in [t.text for t in root.iter(f"{SVG}text")]


def test_the_table_beside_a_monthly_chart_has_the_same_figures(service, figures):
    period = load_period(service=service)
    section = pages.monthly_share_section(
        key="on_time", title="t", desc="d", period=period, share=lambda f: f.on_time, value_column="В срок"
    )
    chart_figures = [text.split(": ", 1)[1].split(" (")[0] for text in tooltips(parse(section.chart))]
    table_figures = [row[1].text for row in section.table.rows]
    assert chart_figures == table_figures
    assert table_figures[0] == "90,9\u00a0%"


def test_the_table_beside_the_office_chart_has_the_same_figures_in_the_same_order(service, figures):
    period = load_period(service=service)
    section = pages.comparison_section(
        key="offices", title="t", desc="d", rows=period.offices, name_column="Офис", target=95
    )
    chart = [text.rsplit(": ", 1) for text in tooltips(parse(section.chart))]
    table = [[row[0].text, row[3].text] for row in section.table.rows]
    assert [[name, value.split(" (")[0]] for name, value in chart] == table
    # The office with the larger gap to the standard first.
    assert table[0][0] == "Офис на Ленина"
