"""Score-over-months line charts for the month pages, drawn with `flet.canvas`.

flet 1.0.5 moved its charts into the separate `flet-charts` extension, which this project
does not install (and the stock web client would have to carry it), so the chart is a
canvas: a 0..100-style axis with grid lines, one line per series with a dot per month, a
gap where a month has no score, and an optional low–high band (a unit's lowest and highest
outlet). The geometry is worked out by `layout` (plain numbers, tested without a page);
`line_chart` turns it into shapes. Flutter draws a canvas as pixels only, so the chart's
semantics label says every point in words: that is what a screen reader and the browser
tests read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import flet as ft
import flet.canvas as cv

from app.console import theme
from app.i18n import t

PAD_LEFT = 40.0
PAD_RIGHT = 30.0  # room for the last month's label, centred on its point
PAD_TOP = 14.0
PAD_BOTTOM = 28.0
GRID = 5  # horizontal grid lines (and labels) over the value axis
COLOURS = (theme.PRIMARY, "#1565C0", theme.WARN, "#6A1B9A")


@dataclass(frozen=True)
class Series:
    """One line: a value (or None) per month, in the chart's month order."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None


@dataclass(frozen=True)
class Band:
    """A low–high range per month (None: no band that month)."""

    low: Sequence[float | None]
    high: Sequence[float | None]
    name: str = ""


@dataclass
class Layout:
    """Where everything goes, in canvas pixels."""

    width: float
    height: float
    lo: float
    hi: float
    xs: list[float]
    grid: list[tuple[float, float]] = field(default_factory=list)  # (value, y)
    lines: list[list[list[tuple[float, float]]]] = field(default_factory=list)  # series ->
    dots: list[list[tuple[float, float]]] = field(default_factory=list)  # runs -> points
    bars: list[tuple[float, float, float]] = field(default_factory=list)  # (x, y_low, y_high)

    def y(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return PAD_TOP + (self.hi - value) / span * (self.height - PAD_TOP - PAD_BOTTOM)


def value_range(values: Sequence[float]) -> tuple[float, float]:
    """The axis: from a round ten below the lowest value (at most 0) to 100, or to a round
    ten above the highest when a value exceeds 100."""
    if not values:
        return 0.0, 100.0
    lo = max(0.0, math.floor((min(values) - 5) / 10) * 10)
    hi = max(100.0, math.ceil(max(values) / 10) * 10)
    if hi - lo < 20:
        lo = max(0.0, hi - 20)
    return lo, hi


def layout(months: int, series: Sequence[Series], band: Band | None = None, *,
           width: float = 720, height: float = 220) -> Layout:
    """The chart's geometry: x per month, y per value; a series' line breaks at a month
    without a value (a run of one is a lone dot)."""
    values = [v for s in series for v in s.values if v is not None]
    if band is not None:
        values += [v for v in (*band.low, *band.high) if v is not None]
    lo, hi = value_range(values)
    inner = width - PAD_LEFT - PAD_RIGHT
    step = inner / max(months - 1, 1)
    xs = [PAD_LEFT + (i * step if months > 1 else inner / 2) for i in range(months)]
    out = Layout(width, height, lo, hi, xs)
    out.grid = [(lo + (hi - lo) * k / GRID, out.y(lo + (hi - lo) * k / GRID))
                for k in range(GRID + 1)]
    for s in series:
        runs: list[list[tuple[float, float]]] = [[]]
        dots: list[tuple[float, float]] = []
        for x, v in zip(xs, s.values, strict=False):
            if v is None:
                if runs[-1]:
                    runs.append([])
                continue
            point = (x, out.y(v))
            runs[-1].append(point)
            dots.append(point)
        out.lines.append([r for r in runs if len(r) > 1])
        out.dots.append(dots)
    if band is not None:
        for x, low, high in zip(xs, band.low, band.high, strict=False):
            if low is not None and high is not None:
                out.bars.append((x, out.y(low), out.y(high)))
    return out


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def describe(title: str, months: Sequence[str], series: Sequence[Series], lang: str) -> str:
    """The chart in words: title, then each series' months and scores."""
    parts = []
    for s in series:
        points = [t("console.chart.point", lang, month=m, score=_number(v)) if v is not None
                  else t("console.chart.no_point", lang, month=m)
                  for m, v in zip(months, s.values, strict=False)]
        sep = ", " if lang == "en" else "，"
        parts.append((f"{s.name}: " if lang == "en" else f"{s.name}：") + sep.join(points)
                     if len(series) > 1 else sep.join(points))
    return t("console.chart.label", lang, title=title,
             points=("; " if lang == "en" else "；").join(parts))


def line_chart(title: str, months: Sequence[str], series: Sequence[Series], lang: str, *,
               band: Band | None = None, width: float = 720, height: float = 220,
               identifier: str | None = None) -> ft.Control:
    """A titled line chart of scores over `months` (labels like "2025-03")."""
    g = layout(len(months), series, band, width=width, height=height)
    muted = ft.Paint(color=theme.BORDER, stroke_width=1)
    shapes: list[cv.Shape] = []
    label_style = ft.TextStyle(size=10, color=theme.MUTED, font_family=theme.FONT_FAMILY)
    for value, y in g.grid:
        shapes.append(cv.Line(PAD_LEFT, y, width - PAD_RIGHT, y, paint=muted))
        shapes.append(cv.Text(PAD_LEFT - 6, y, _number(round(value, 1)), style=label_style,
                              alignment=ft.Alignment.CENTER_RIGHT))
    every = max(1, math.ceil(len(months) / 12))  # at most 12 month labels
    for i, (x, m) in enumerate(zip(g.xs, months, strict=False)):
        if i % every == 0 or i == len(months) - 1:
            shapes.append(cv.Text(x, height - PAD_BOTTOM + 6, m, style=label_style,
                                  alignment=ft.Alignment.TOP_CENTER))
    band_paint = ft.Paint(color="#B2DFDB", stroke_width=8, stroke_cap=ft.StrokeCap.ROUND)
    for x, y_low, y_high in g.bars:
        shapes.append(cv.Line(x, y_low, x, y_high, paint=band_paint))
    for n, s in enumerate(series):
        colour = s.colour or COLOURS[n % len(COLOURS)]
        stroke = ft.Paint(color=colour, stroke_width=2.5, style=ft.PaintingStyle.STROKE,
                          stroke_join=ft.StrokeJoin.ROUND)
        for run in g.lines[n]:
            (x0, y0), *rest = run
            shapes.append(cv.Path([cv.Path.MoveTo(x0, y0),
                                   *[cv.Path.LineTo(x, y) for x, y in rest]], paint=stroke))
        dot = ft.Paint(color=colour, style=ft.PaintingStyle.FILL)
        for x, y in g.dots[n]:
            shapes.append(cv.Circle(x, y, 4, paint=dot))
    canvas = cv.Canvas(shapes=shapes, width=width, height=height)
    legend: list[ft.TextSpan] = []
    if len(series) > 1 or band is not None:
        for n, s in enumerate(series):
            legend.append(ft.TextSpan("━ ", ft.TextStyle(
                color=s.colour or COLOURS[n % len(COLOURS)], weight=ft.FontWeight.W_700)))
            legend.append(ft.TextSpan(s.name + "    "))
        if band is not None:
            legend.append(ft.TextSpan("┃ ", ft.TextStyle(color="#80CBC4",
                                                         weight=ft.FontWeight.W_700)))
            legend.append(ft.TextSpan(band.name))
    body: list[ft.Control] = [ft.Text(title, size=15, weight=ft.FontWeight.W_600)]
    if not any(v is not None for s in series for v in s.values):
        body.append(ft.Text(t("console.chart.empty", lang), size=13, color=theme.MUTED))
    body.append(canvas)
    if legend:
        body.append(ft.Text(spans=legend, size=12, color=theme.MUTED))
    return ft.Semantics(content=theme.card(ft.Column(body, spacing=6)),
                        label=describe(title, months, series, lang),
                        identifier=identifier, container=True)
