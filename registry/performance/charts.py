"""Server-rendered SVG charts: no JavaScript, printable, one scale and one set of colours for
every page (shares 0–100 %). Each chart is an ``<svg role="img">`` named by its ``<title>`` and
``<desc>`` and drawn in a ``viewBox`` at 100 % of the width, so it shrinks to a phone's 390 px;
its figures are also in the table and the downloads built from the same points
(``registry.performance.pages``). A figure over fewer than 30 requests is drawn hatched and
named so in its tooltip and the legend, not hidden.

Built with ElementTree, so that every name is escaped and the output is well-formed XML."""

from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry.deliveries.report import number

SVG_NS = "http://www.w3.org/2000/svg"
WIDTH = 400
FONT = 12
LABEL_CHARS = 54  # a row's name, cut to fit the width at FONT (the full name is in its tooltip)
# Colours (shared with registry/static/registry/performance.css): contrast ≥ 3:1 on white for
# the marks, ≥ 4.5:1 for the text.
VALUE = "#1d5b9e"
TARGET = "#b3261e"
GRID = "#c9ced4"
TEXT = "#1b1f24"
MUTED = "#4d5660"
# Scores 1…5 (a diverging scale readable with the common colour-vision deficiencies: ColorBrewer
# RdBu), and the text drawn on each.
SCORE_COLOURS = ("#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac")
SCORE_TEXT = ("#ffffff", TEXT, TEXT, TEXT, "#ffffff")
UNRELIABLE_LABEL = gettext_lazy("мало данных — показатель ненадёжен")


@dataclass(frozen=True)
class Point:
    """One figure: its label (a month, an office), its value (percent, or None when there was
    nothing to count) and whether enough requests stand behind it."""

    label: str
    value: float | None
    reliable: bool = True
    sublabel: str = ""

    @property
    def text(self) -> str:
        return percent_text(self.value)


def percent_text(value: float | None) -> str:
    """«87,5 %» (one decimal, none when whole; a no-break space before the sign), «—» when none."""
    if value is None:
        return "—"
    return number(round(value, 1)) + "\u00a0%"


def _svg(chart_id: str, title: str, desc: str, height: int) -> ET.Element:
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {WIDTH} {height}",
            "width": "100%",
            "role": "img",
            "aria-labelledby": f"{chart_id}-title",
            "aria-describedby": f"{chart_id}-desc",
            "class": "chart",
            "id": chart_id,
            "font-size": str(FONT),
        },
    )
    ET.SubElement(svg, "title", {"id": f"{chart_id}-title"}).text = str(title)
    ET.SubElement(svg, "desc", {"id": f"{chart_id}-desc"}).text = str(desc)
    defs = ET.SubElement(svg, "defs")
    pattern = ET.SubElement(
        defs,
        "pattern",
        {
            "id": f"{chart_id}-thin",
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": "#ffffff"})
    ET.SubElement(pattern, "rect", {"width": "3", "height": "6", "fill": VALUE})
    return svg


def _text(parent, x: float, y: float, content: str, **attributes) -> ET.Element:
    attributes = {"x": f"{x:g}", "y": f"{y:g}", "fill": attributes.pop("fill", TEXT), **attributes}
    element = ET.SubElement(
        parent, "text", {key.replace("_", "-"): str(value) for key, value in attributes.items()}
    )
    element.text = str(content)
    return element


def _fill(chart_id: str, point: Point) -> dict:
    if point.reliable:
        return {"fill": VALUE}
    return {"fill": f"url(#{chart_id}-thin)", "stroke": VALUE, "stroke-width": "1"}


def _tooltip(point: Point) -> str:
    text = f"{point.label}{' ' + point.sublabel if point.sublabel else ''}: {point.text}"
    return f"{text} ({UNRELIABLE_LABEL})" if not point.reliable and point.value is not None else text


def _legend(svg, chart_id: str, y: float, *, target: float | None, unreliable: bool) -> None:
    x = 4.0
    ET.SubElement(
        svg, "rect", {"x": f"{x:g}", "y": f"{y - 9:g}", "width": "10", "height": "10", "fill": VALUE}
    )
    _text(svg, x + 14, y, _("значение"))
    x += 86
    if target is not None:
        ET.SubElement(
            svg,
            "line",
            {
                "x1": f"{x:g}",
                "y1": f"{y - 4:g}",
                "x2": f"{x + 16:g}",
                "y2": f"{y - 4:g}",
                "stroke": TARGET,
                "stroke-width": "2",
                "stroke-dasharray": "4 3",
            },
        )
        _text(svg, x + 20, y, _("цель: %(target)s") % {"target": percent_text(target)})
        x += 110
    if unreliable:
        ET.SubElement(
            svg,
            "rect",
            {
                "x": f"{x:g}",
                "y": f"{y - 9:g}",
                "width": "10",
                "height": "10",
                "fill": f"url(#{chart_id}-thin)",
                "stroke": VALUE,
            },
        )
        _text(svg, x + 14, y, _("мало данных (< 30)"))


def _done(svg: ET.Element) -> SafeString:
    return mark_safe(ET.tostring(svg, encoding="unicode"))


def column_chart(
    *, chart_id: str, title: str, desc: str, points: list[Point], target: float | None = None
) -> SafeString:
    """Monthly values as columns on the 0–100 % scale, with the target as a dashed line."""
    height = 230
    left, right, top, bottom = 46, WIDTH - 4, 14, 176
    svg = _svg(chart_id, title, desc, height)

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * max(0.0, min(value, 100.0)) / 100

    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        ET.SubElement(
            svg,
            "line",
            {"x1": f"{left:g}", "x2": f"{right:g}", "y1": f"{y:g}", "y2": f"{y:g}", "stroke": GRID},
        )
        _text(svg, left - 4, y + 4, f"{tick}\u00a0%", text_anchor="end", fill=MUTED)
    slot = (right - left) / max(len(points), 1)
    for index, point in enumerate(points):
        x = left + slot * index
        centre = x + slot / 2
        group = ET.SubElement(svg, "g", {"class": "chart__point"})
        ET.SubElement(group, "title").text = _tooltip(point)
        if point.value is not None:
            y = y_of(point.value)
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{x + slot * 0.15:.2f}",
                    "y": f"{y:.2f}",
                    "width": f"{slot * 0.7:.2f}",
                    "height": f"{max(bottom - y, 0.5):.2f}",
                    **_fill(chart_id, point),
                },
            )
        else:
            _text(group, centre, bottom - 3, "—", text_anchor="middle", fill=MUTED)
        _text(svg, centre, bottom + 13, point.label, text_anchor="middle", fill=MUTED)
        if point.sublabel:
            _text(svg, centre, bottom + 25, point.sublabel, text_anchor="middle", fill=MUTED)
    if target is not None:
        y = y_of(target)
        ET.SubElement(
            svg,
            "line",
            {
                "x1": f"{left:g}",
                "x2": f"{right:g}",
                "y1": f"{y:g}",
                "y2": f"{y:g}",
                "stroke": TARGET,
                "stroke-width": "2",
                "stroke-dasharray": "4 3",
                "class": "chart__target",
            },
        )
    unreliable = any(not p.reliable and p.value is not None for p in points)
    _legend(svg, chart_id, height - 8, target=target, unreliable=unreliable)
    return _done(svg)


def bar_chart(
    *, chart_id: str, title: str, desc: str, points: list[Point], target: float | None = None
) -> SafeString:
    """A horizontal bar per row (offices, services) on the 0–100 % scale; the name above its
    bar, so that long names stay readable on a phone."""
    row_height, top, left, right = 36, 6, 4, WIDTH - 52
    height = top + row_height * len(points) + 30
    svg = _svg(chart_id, title, desc, height)
    scale = right - left
    for index, point in enumerate(points):
        y = top + row_height * index
        group = ET.SubElement(svg, "g", {"class": "chart__point"})
        ET.SubElement(group, "title").text = _tooltip(point)
        label = point.label if len(point.label) <= LABEL_CHARS else point.label[: LABEL_CHARS - 1] + "…"
        _text(group, left, y + 11, label)
        ET.SubElement(
            group,
            "rect",
            {"x": f"{left:g}", "y": f"{y + 15:g}", "width": f"{scale:g}", "height": "14", "fill": "#eef1f4"},
        )
        if point.value is not None:
            width = scale * max(0.0, min(point.value, 100.0)) / 100
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{left:g}",
                    "y": f"{y + 15:g}",
                    "width": f"{max(width, 0.5):.2f}",
                    "height": "14",
                    **_fill(chart_id, point),
                },
            )
        _text(group, right + 4, y + 26, point.text)
    if target is not None:
        x = left + scale * max(0.0, min(target, 100.0)) / 100
        ET.SubElement(
            svg,
            "line",
            {
                "x1": f"{x:.2f}",
                "x2": f"{x:.2f}",
                "y1": f"{top + 12:g}",
                "y2": f"{height - 26:g}",
                "stroke": TARGET,
                "stroke-width": "2",
                "stroke-dasharray": "4 3",
                "class": "chart__target",
            },
        )
    unreliable = any(not p.reliable and p.value is not None for p in points)
    _legend(svg, chart_id, height - 8, target=target, unreliable=unreliable)
    return _done(svg)


def distribution_chart(
    *, chart_id: str, title: str, desc: str, rows: list[tuple[str, tuple[int, ...]]]
) -> SafeString:
    """Per criterion, the ratings 1…5 as one bar of 100 %, with the number of ratings."""
    row_height, top, left, right = 38, 6, 4, WIDTH - 4
    height = top + row_height * len(rows) + 30
    svg = _svg(chart_id, title, desc, height)
    scale = right - left
    for index, (label, counts) in enumerate(rows):
        y = top + row_height * index
        total = sum(counts)
        _text(svg, left, y + 11, f"{label} ({_('оценок')}: {total})")
        x = float(left)
        for score, count in zip(range(1, 6), counts, strict=True):
            if not total or not count:
                continue
            width = scale * count / total
            group = ET.SubElement(svg, "g", {"class": "chart__point"})
            share = percent_text(count * 100 / total)
            ET.SubElement(group, "title").text = f"{label}: {score} — {count} ({share})"
            ET.SubElement(
                group,
                "rect",
                {
                    "x": f"{x:.2f}",
                    "y": f"{y + 15:g}",
                    "width": f"{width:.2f}",
                    "height": "16",
                    "fill": SCORE_COLOURS[score - 1],
                },
            )
            if width >= 34:
                _text(
                    group,
                    x + width / 2,
                    y + 27,
                    share.replace("\u00a0", ""),
                    text_anchor="middle",
                    fill=SCORE_TEXT[score - 1],
                )
            x += width
    y = height - 8
    for score in range(1, 6):
        x = 4 + (score - 1) * 44
        ET.SubElement(
            svg,
            "rect",
            {
                "x": f"{x:g}",
                "y": f"{y - 9:g}",
                "width": "10",
                "height": "10",
                "fill": SCORE_COLOURS[score - 1],
            },
        )
        _text(svg, x + 14, y, str(score))
    _text(svg, 4 + 5 * 44, y, _("1 — очень плохо, 5 — отлично"), fill=MUTED)
    return _done(svg)
