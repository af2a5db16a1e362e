"""Charts of a printed report: the data of each chart, drawn as inline SVG and written as CSV.

A :class:`Chart` holds what is drawn (categories or years along one axis, one or more series,
the unit) and says it in words (``title``, ``desc``). :func:`svg` draws it as vector graphics
with ``role="img"``, ``<title>`` and ``<desc>`` (WeasyPrint writes the title as the tagged
figure's alternate text), no script and no external reference; :func:`chart_csv` writes the
very numbers drawn, for the zip beside the document. Numbers on the chart are formatted by the
caller's ``fmt`` (the report's language), so the SVG holds text in the reader's conventions.

Two kinds are enough for the reports: horizontal ``bar`` charts (categories with long names,
several series side by side) and ``line`` charts over years (a dashed series for a pathway).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Final

from markupsafe import Markup

# colour-blind-safe (Okabe-Ito), distinct in grey print too by the dashes and markers
COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00")
WIDTH: Final = 640
BAR: Final = 13
BAR_WIDTH: Final = 380


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    """One chart: ``kind`` ``bar`` (categories down, bars across) or ``line`` (years across)."""

    id: str
    kind: str
    title: str
    desc: str
    unit: str
    categories: Sequence[str | int]
    series: Sequence[Series] = field(default_factory=tuple)
    category_header: str = ""
    unit_label: str = ""  # the unit as the reader writes it (``unit`` is pint's, for the CSV)


def chart_csv(chart: Chart) -> str:
    """The chart's numbers, exact (twelve significant digits), unit in each series' header."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([chart.category_header, *(f"{s.name} ({chart.unit})" for s in chart.series)])
    for n, category in enumerate(chart.categories):
        row = [str(category)]
        for s in chart.series:
            value = s.values[n]
            row.append("" if value is None else f"{float(value):.12g}")
        writer.writerow(row)
    return out.getvalue()


def svg(chart: Chart, fmt: Callable[[float], str], rtl: bool = False, font: str = "") -> Markup:
    """The chart as vector graphics: a line chart is one ``<svg>`` (axes, lines, markers and
    the numbers along the axes) with its legend in HTML beneath; a bar chart is a table, a row
    per category with its name in HTML and its bar (and value) as an ``<svg>``.

    Words stay out of the SVG: WeasyPrint draws SVG text a character at a time, without
    shaping, which breaks Arabic; digits and Latin letters are safe. Every ``<svg>`` has a
    ``<title>`` (the tagged figure's alternate text) and the line chart a ``<desc>``.
    ``font`` is the report's font stack for the numbers; in a right-to-left report the bars
    grow leftwards from the labels, as the reader reads."""
    if chart.kind == "line":
        return _line(chart, fmt, font)
    return _bars(chart, fmt, rtl, font)


def _nice_max(values: Sequence[float]) -> float:
    top = max([v for v in values if v is not None and math.isfinite(v)] + [0.0])
    if top <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if top <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 10) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


def _open(width: int, height: int, font: str, title: str, extra: str = "") -> str:
    # direction ltr: a text anchor then means the same side in every script
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" direction="ltr" font-family="{escape(font)}"{extra}>'
        f"<title>{escape(title)}</title>"
    )


def _bars(chart: Chart, fmt: Callable[[float], str], rtl: bool, font: str) -> Markup:
    values = [abs(v) for s in chart.series for v in s.values if v is not None]
    top = _nice_max(values)
    plot = BAR_WIDTH - 70
    rows: list[str] = []
    for n, category in enumerate(chart.categories):
        bars: list[str] = []
        for k, s in enumerate(chart.series):
            value = s.values[n]
            if value is None:
                continue
            text = fmt(value)
            length = abs(value) / top * plot
            y = k * BAR
            x = BAR_WIDTH - length if rtl else 0.0
            bars.append(
                f'<rect x="{x:.1f}" y="{y}" width="{length:.1f}" height="{BAR - 3}" '
                f'fill="{COLOURS[k % len(COLOURS)]}"/>'
            )
            tx, anchor = (x - 3, "end") if rtl else (length + 3, "start")
            bars.append(_text(tx, y + BAR - 5, text, anchor, 9))
        label = escape(str(category))
        names = ", ".join(
            f"{s.name}: {fmt(v)}" for s in chart.series if (v := s.values[n]) is not None
        )
        graphic = _open(BAR_WIDTH, max(1, len(chart.series)) * BAR, font, f"{category}: {names}")
        cell = f'<td class="bar">{graphic}{"".join(bars)}</svg></td>'
        rows.append(f'<tr><th scope="row">{label}</th>{cell}</tr>')
    head = (
        f'<thead><tr><th scope="col">{escape(chart.category_header)}</th>'
        f'<th scope="col">{escape(_series_names(chart))} ({escape(chart.unit_label)})</th>'
        "</tr></thead>"
    )
    return Markup(
        f'<table class="bars" id="{chart.id}"><caption class="alt">{escape(chart.desc)}</caption>'
        f"{head}<tbody>{''.join(rows)}</tbody></table>{_legend(chart, font)}"
    )


def _series_names(chart: Chart) -> str:
    return " / ".join(s.name for s in chart.series)


def _line(chart: Chart, fmt: Callable[[float], str], font: str) -> Markup:
    """Years across (left to right in every script, as the dashboard draws them), values up."""
    height, left, right, top_pad, bottom = 240, 64, 16, 10, 26
    values = [v for s in chart.series for v in s.values if v is not None]
    top = _nice_max(values)
    count = max(1, len(chart.categories) - 1)
    plot_w, plot_h = WIDTH - left - right, height - top_pad - bottom

    def x(n: int) -> float:
        return left + plot_w * n / count

    def y(value: float) -> float:
        return top_pad + plot_h * (1 - max(0.0, value) / top)

    parts: list[str] = []
    for tick in range(5):
        level = top * tick / 4
        parts.append(
            f'<line x1="{left}" y1="{y(level):.1f}" x2="{WIDTH - right}" y2="{y(level):.1f}" '
            'stroke="#ccc" stroke-width="0.5"/>'
        )
        parts.append(_text(left - 4, y(level) + 3, fmt(level), "end", 9))
    step = max(1, math.ceil(len(chart.categories) / 12))
    for n, category in enumerate(chart.categories):
        if n % step == 0 or n == len(chart.categories) - 1:
            parts.append(_text(x(n), height - bottom + 14, str(category), "middle", 9))
    for k, s in enumerate(chart.series):
        colour = COLOURS[k % len(COLOURS)]
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        segment: list[str] = []
        for n, value in enumerate(s.values):
            if value is None:
                parts.append(_polyline(segment, colour, dash))
                segment = []
                continue
            segment.append(f"{x(n):.1f},{y(value):.1f}")
            parts.append(f'<circle cx="{x(n):.1f}" cy="{y(value):.1f}" r="2.2" fill="{colour}"/>')
        parts.append(_polyline(segment, colour, dash))
    graphic = _open(WIDTH, height, font, chart.title, f' class="chart" id="{chart.id}"')
    return Markup(
        f"{graphic}<desc>{escape(chart.desc)}</desc>{''.join(parts)}</svg>{_legend(chart, font)}"
    )


def _polyline(points: list[str], colour: str, dash: str) -> str:
    if len(points) < 2:
        return ""
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="1.8"{dash}/>'
    )


def _legend(chart: Chart, font: str) -> str:
    """The series' names beside a colour swatch (a dashed line for a dashed series), in HTML."""
    if len(chart.series) < 2:
        return ""
    items = []
    for k, s in enumerate(chart.series):
        colour = COLOURS[k % len(COLOURS)]
        mark = (
            f'<line x1="0" y1="5" x2="18" y2="5" stroke="{colour}" stroke-width="2" '
            'stroke-dasharray="5 3"/>'
            if s.dashed
            else f'<rect x="0" y="0" width="18" height="10" fill="{colour}"/>'
        )
        swatch = f"{_open(18, 10, font, s.name)}{mark}</svg>"
        items.append(f"<li>{swatch} {escape(s.name)}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'
