"""Customer perception in the console (issue 11): a month's SMS satisfaction per outlet and
staff member with the replies behind each figure, intercept coverage per hall against the
minimum, and for one tier the alignment of the inspections with what customers feel — the
rank correlations with their n, a scatter chart (inspection score against the customers'
figure, one point per outlet), the outlets that disagree most, and per section its weight
against customers' importance with a suggested weight a manager may copy (never applied).

A figure below its minimum is shown as "too few" with its count and is never plotted or
compared. The scatter is drawn with `flet.canvas` (flet-charts is not installed; see
app/console/charts.py); its semantics label says every point in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import flet as ft
import flet.canvas as cv
from sqlalchemy import func
from sqlmodel import select

from app.central.models import PerceptionSend
from app.central.perception import reports
from app.central.perception.config import perception_settings
from app.console import theme, ui
from app.console.shell import Page, Redirect
from app.navigation import make_route
from app.programme.months import YearMonth
from app.programme.perception.alignment import MEASURE_KEYS, OutletFigures, yaml_hint
from app.programme.perception.clock import LOCAL
from app.programme.perception.intercept import Period, dimension_name

PAD = 44.0  # left and bottom room for the axis labels
PAD_TOP = 12.0
PAD_RIGHT = 16.0
SCATTER_W = 460.0
SCATTER_H = 300.0
AXIS = (0.0, 100.0)


# --- the scatter's geometry (plain numbers, tested without a page) --------------------------


@dataclass(frozen=True)
class Point:
    code: str
    x: float  # inspection composite, 0..100
    y: float  # the customers' figure, 0..100


@dataclass
class Scatter:
    width: float
    height: float
    lo: float
    hi: float
    dots: list[tuple[str, float, float]] = field(default_factory=list)  # (code, px, py)
    grid: list[float] = field(default_factory=list)

    def px(self, value: float) -> float:
        return PAD + (value - self.lo) / (self.hi - self.lo) * (self.width - PAD - PAD_RIGHT)

    def py(self, value: float) -> float:
        return PAD_TOP + (self.hi - value) / (self.hi - self.lo) * (
            self.height - PAD_TOP - PAD)


def scatter_layout(points: Sequence[Point], *, width: float = SCATTER_W,
                   height: float = SCATTER_H) -> Scatter:
    """Both axes 0..100 (the same scale, so the diagonal is "inspectors and customers
    agree"), values outside clamped to the frame."""
    lo, hi = AXIS
    out = Scatter(width, height, lo, hi, grid=[lo + (hi - lo) * k / 5 for k in range(6)])
    for p in points:
        x, y = min(max(p.x, lo), hi), min(max(p.y, lo), hi)
        out.dots.append((p.code, out.px(x), out.py(y)))
    return out


def _text(value: str) -> ft.Text:
    return ft.Text(value, size=14)


def _n(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def describe_scatter(title: str, points: Sequence[Point], t: Callable[..., str]) -> str:
    """The chart in words, one outlet after another."""
    if not points:
        return str(t("perception.console.scatter_empty_label", title=title))
    each = [t("perception.console.scatter_point", code=p.code, x=_n(p.x), y=_n(p.y))
            for p in points]
    return str(t("perception.console.scatter_label", title=title,
                 points=t("perception.console.scatter_sep").join(each)))


def scatter_chart(title: str, x_label: str, y_label: str, points: Sequence[Point],
                  t: Callable[..., str],
                  *, identifier: str) -> ft.Control:
    g = scatter_layout(points)
    muted = ft.Paint(color=theme.BORDER, stroke_width=1)
    diagonal = ft.Paint(color="#B2DFDB", stroke_width=1.5)
    style = ft.TextStyle(size=10, color=theme.MUTED, font_family=theme.FONT_FAMILY)
    shapes: list[cv.Shape] = []
    for v in g.grid:
        shapes.append(cv.Line(g.px(g.lo), g.py(v), g.px(g.hi), g.py(v), paint=muted))
        shapes.append(cv.Line(g.px(v), g.py(g.lo), g.px(v), g.py(g.hi), paint=muted))
        shapes.append(cv.Text(PAD - 6, g.py(v), f"{v:.0f}", style=style,
                              alignment=ft.Alignment.CENTER_RIGHT))
        shapes.append(cv.Text(g.px(v), g.height - PAD + 6, f"{v:.0f}", style=style,
                              alignment=ft.Alignment.TOP_CENTER))
    shapes.append(cv.Line(g.px(g.lo), g.py(g.lo), g.px(g.hi), g.py(g.hi), paint=diagonal))
    dot = ft.Paint(color=theme.PRIMARY, style=ft.PaintingStyle.FILL)
    for code, x, y in g.dots:
        shapes.append(cv.Circle(x, y, 5, paint=dot))
        shapes.append(cv.Text(x + 7, y - 7, code, style=style,
                              alignment=ft.Alignment.BOTTOM_LEFT))
    body: list[ft.Control] = [ft.Text(title, size=15, weight=ft.FontWeight.W_600)]
    if not points:
        body.append(ui.muted(t("perception.console.scatter_empty")))
    body += [cv.Canvas(shapes=shapes, width=g.width, height=g.height),
             ui.muted(t("perception.console.axes", x=x_label, y=y_label), 12)]
    return ft.Semantics(content=theme.card(ft.Column(body, spacing=6)),
                        label=describe_scatter(title, points, t), identifier=identifier,
                        container=True)


def scatter_points(figures: Sequence[OutletFigures], measure: str) -> list[Point]:
    """One point per outlet with a composite and a sufficient customer figure."""
    out = []
    for f in figures:
        y = f.sms if measure == "sms" else f.intercept
        if f.composite is not None and y is not None:
            out.append(Point(f.code, f.composite, y))
    return out


# --- the page -------------------------------------------------------------------------------


def latest_month(ctx: Any) -> YearMonth:
    """The newest month with texts sent, else this month (China time)."""
    with ctx.session() as s:
        found = s.exec(select(func.max(PerceptionSend.month))).first()
    if found:
        return YearMonth.parse(found)
    now = datetime.now(LOCAL)
    return YearMonth(now.year, now.month)


class PerceptionPage(Page):
    nav = "perception"

    def __init__(self, console: Any, month: str | None = None, tier: str | None = None,
                 **params: str) -> None:
        super().__init__(console, **params)
        self.month_text = month
        self.tier = tier

    def title(self) -> str:
        return self.t("perception.console.title")

    def build(self) -> list[ft.Control]:
        ctx = self.console.ctx
        if self.month_text is None:
            raise Redirect(make_route("/perception", month=str(latest_month(ctx)),
                                      tier=self.tier))
        try:
            month = YearMonth.parse(self.month_text)
        except ValueError:
            self.console.notify(self.t("perception.cli.bad_month", value=self.month_text),
                                error=True)
            raise Redirect(make_route("/perception", month=str(latest_month(ctx)))) from None
        info = reports.outlets(ctx)
        tiers = sorted({o.tier for o in info.values() if not o.competitor})
        tier = self.tier if self.tier in tiers else (tiers[0] if tiers else None)
        self.month, self.chosen = month, tier
        settings = perception_settings(ctx)
        controls: list[ft.Control] = [
            ui.heading(self.t("perception.console.title"), 22),
            self._pickers(month, tier, tiers),
            self._satisfaction(month, info, settings.replies.min_replies),
            self._coverage(month),
        ]
        if tier is not None:
            controls.append(self._alignment(month, tier))
        controls.append(self._competitors(month, tier, settings.competitors.min_outlets))
        return controls

    # -- competitors -----------------------------------------------------------------------

    def _competitors(self, month: YearMonth, tier: str | None, needed: int) -> ft.Control:
        lang = self.console.lang
        found = reports.competitors(self.console.ctx, Period.month(month), tier)
        body: list[ft.Control] = [
            ui.heading(self.t("perception.console.comp_title", month=str(month)), 17),
            ui.muted(self.t("perception.console.comp_help"))]
        if not found:
            body.append(ui.muted(self.t("perception.competitors.none")))
        for comp in found:
            body.append(ui.heading(self._tier_name(comp.tier), 15))
            for row in [comp.total, *comp.sections]:
                body.append(ui.region(_text(reports.comparison_line(row, needed, lang)),
                                      f"comp-{comp.tier}-{row.section_id or 'total'}"))
            shown = [row for row in comp.items if row.shown]
            if shown:
                body.append(ui.muted(self.t("perception.competitors.items_shown",
                                            n=len(shown))))
                body += [_text(reports.comparison_line(row, needed, lang)) for row in shown]
            for o in comp.ours:
                body.append(ui.region(ui.muted(self.t(
                    "perception.competitors.ours", code=o.code, total=_n(o.total),
                    n=o.results, versus="-" if o.versus is None else f"{o.versus:+.1f}")),
                    f"comp-ours-{o.code}"))
        return ui.region(theme.card(ft.Column(body, spacing=6)), "perception-competitors")

    # -- pickers ---------------------------------------------------------------------------

    def _pickers(self, month: YearMonth, tier: str | None, tiers: list[str]) -> ft.Control:
        months = [month.shift(-k) for k in range(0, 12)]
        tier_names = {code: self._tier_name(code) for code in tiers}

        def go_month(e: Any) -> None:
            self.console.go(make_route("/perception", month=e.control.value, tier=tier))

        def go_tier(e: Any) -> None:
            self.console.go(make_route("/perception", month=str(month), tier=e.control.value))

        return ft.Row([
            ui.dropdown(self.t("perception.console.month"), str(month),
                        [(str(m), str(m)) for m in months], self.on(go_month),
                        identifier="perception-month"),
            ui.dropdown(self.t("perception.console.tier"), tier,
                        [(c, tier_names[c]) for c in tiers], self.on(go_tier),
                        identifier="perception-tier", width=260),
        ], spacing=16)

    def _tier_name(self, code: str) -> str:
        tier = self.console.ctx.checklists.bundle().tiers.get(code) or {}
        label = tier.get("label") or {}
        return str(label.get(self.console.lang, code)) if isinstance(label, dict) else code

    # -- satisfaction ----------------------------------------------------------------------

    def _satisfaction(self, month: YearMonth, info: dict[str, Any], needed: int
                      ) -> ft.Control:
        report = reports.satisfaction(self.console.ctx, month)
        head = ft.Row([
            ui.cell(self.t("perception.console.col.outlet"), None, expand=2,
                    colour=theme.MUTED, size=13),
            ui.cell(self.t("perception.console.col.score"), 110, colour=theme.MUTED, size=13),
            ui.cell(self.t("perception.console.col.replies"), 150, colour=theme.MUTED,
                    size=13),
            ui.cell(self.t("perception.console.col.note"), 260, colour=theme.MUTED, size=13),
        ], spacing=8)
        rows: list[ft.Control] = [head]
        unit = self.manager.business_unit  # a unit's manager sees their unit's outlets
        for s in report.by_outlet:
            if unit and (s.outlet not in info or info[s.outlet].business_unit != unit):
                continue
            name = info[s.outlet].name if s.outlet in info else ""
            note = "" if s.sufficient else self.t("perception.console.too_few",
                                                  count=s.replies, needed=needed)
            rows.append(ui.region(ft.Row([
                ui.cell(f"{s.outlet} {name}", None, expand=2, weight=ft.FontWeight.W_600),
                ui.cell("-" if s.score is None else f"{s.score:.1f}", 110,
                        colour=theme.MUTED if not s.sufficient else None),
                ui.cell(self.t("perception.console.replies_of", replies=s.replies,
                               sends=s.sends), 150),
                ui.cell(note, 260, colour=theme.WARN if note else None, size=13),
            ], spacing=8), f"sat-{s.outlet}"))
        staff: list[ft.Control] = []
        for s in report.by_staff:
            if unit and not any(o in info and info[o].business_unit == unit
                                for o in s.outlets):
                continue
            staff.append(ui.region(ft.Row([
                ui.cell(self.t("perception.console.staff", staff=s.staff,
                               outlets=", ".join(s.outlets)), None, expand=2),
                ui.cell("-" if s.score is None else f"{s.score:.1f}", 110,
                        colour=theme.MUTED if not s.sufficient else None),
                ui.cell(self.t("perception.console.replies_of", replies=s.replies,
                               sends=s.sends), 150),
                ui.cell("" if s.sufficient else self.t("perception.console.too_few",
                                                       count=s.replies, needed=needed),
                        260, colour=theme.WARN, size=13),
            ], spacing=8), f"staff-{s.staff}"))
        body: list[ft.Control] = [
            ui.heading(self.t("perception.console.sat_title", month=str(month)), 17),
            ui.muted(self.t("perception.console.sat_help")),
        ]
        if report.by_outlet:
            body += rows
            body += [ui.heading(self.t("perception.console.staff_title"), 15), *staff]
        else:
            body.append(ui.muted(self.t("perception.cli.none")))
        return ui.region(theme.card(ft.Column(body, spacing=6)), "perception-satisfaction")

    # -- intercept coverage ----------------------------------------------------------------

    def _coverage(self, month: YearMonth) -> ft.Control:
        halls = reports.coverage(self.console.ctx, Period.month(month))
        info = reports.outlets(self.console.ctx)
        unit = self.manager.business_unit
        rows: list[ft.Control] = []
        for h in halls:
            if unit and (h.outlet not in info or info[h.outlet].business_unit != unit):
                continue
            done = min(1.0, h.responses / h.needed) if h.needed else 1.0
            figure = (self.t("perception.console.perception_is",
                             score=_n(h.perception_100), gap=_n(h.gap))
                      if h.sufficient else h.coverage(self.console.lang))
            rows.append(ui.region(ft.Row([
                ui.cell(h.outlet, 160, weight=ft.FontWeight.W_600),
                ui.cell(self.t("perception.console.of_needed", n=h.responses,
                               needed=h.needed), 120),
                ft.Container(ft.ProgressBar(value=done, color=theme.OK if h.sufficient
                                            else theme.WARN, bgcolor="#E0E0E0"), width=160),
                ui.cell(figure, None, expand=3,
                        colour=None if h.sufficient else theme.WARN, size=13),
            ], spacing=8), f"cov-{h.outlet}"))
        body: list[ft.Control] = [
            ui.heading(self.t("perception.console.cov_title", month=str(month)), 17),
            ui.muted(self.t("perception.console.cov_help")),
            *(rows or [ui.muted(self.t("perception.cli.none"))])]
        return ui.region(theme.card(ft.Column(body, spacing=6)), "perception-coverage")

    # -- alignment -------------------------------------------------------------------------

    def _alignment(self, month: YearMonth, tier: str) -> ft.Control:
        result = reports.alignment(self.console.ctx, month, tier)
        report = result.report
        lang = self.console.lang
        charts: list[ft.Control] = []
        for measure in ("sms", "intercept"):
            points = scatter_points(result.figures, measure)
            name = self.t(MEASURE_KEYS[measure])
            charts.append(scatter_chart(
                self.t("perception.console.scatter_title", measure=name),
                self.t("perception.console.x_axis"), name, points, self.t,
                identifier=f"scatter-{measure}"))
        left_out = [f for f in result.figures if f.composite is not None
                    and (f.sms is None or f.intercept is None)]
        missing: list[ft.Control] = []
        for f in left_out:
            why = []
            if f.sms is None:
                why.append(self.t("perception.console.sms_too_few", n=f.sms_replies))
            if f.intercept is None:
                why.append(self.t("perception.console.icp_too_few", n=f.intercept_responses))
            missing.append(ui.region(ui.muted(f"{f.code}：" + "，".join(why) if lang == "zh"
                                              else f"{f.code}: " + "; ".join(why)),
                                     f"left-out-{f.code}"))
        sections: list[ft.Control] = [ft.Row([
            ui.cell(self.t("perception.console.col.section"), 200, colour=theme.MUTED, size=13),
            ui.cell(self.t("perception.console.col.weight"), 90, colour=theme.MUTED, size=13),
            ui.cell(self.t("perception.console.col.importance"), 90, colour=theme.MUTED,
                    size=13),
            ui.cell(self.t("perception.console.col.suggested"), 90, colour=theme.MUTED,
                    size=13),
            ui.cell(self.t("perception.console.col.verdict"), None, expand=3,
                    colour=theme.MUTED, size=13)], spacing=8)]
        for sec in report.sections:
            colour = (theme.FAIL if sec.verdict == "heavy_ignored" else
                      theme.WARN if sec.verdict == "light_cared" else None)
            dims = "、".join(dimension_name(d, lang) for d in sec.dimensions)
            sections.append(ui.region(ft.Row([
                ui.cell(sec.section_id, 200, weight=ft.FontWeight.W_600),
                ui.cell(f"{sec.weight:g}", 90),
                ui.cell("-" if sec.importance_share is None
                        else f"{100 * sec.importance_share:.0f}%", 90),
                ui.cell("-" if sec.suggested_weight is None else f"{sec.suggested_weight:g}",
                        90),
                ui.cell(sec.text(lang) + (f"（{dims}）" if dims and lang == "zh" else
                                          f" ({dims})" if dims else ""), None, expand=3,
                        colour=colour, size=13)], spacing=8), f"section-{sec.section_id}"))
        disagreements = [ui.region(_text(self.t(
            "perception.cli.disagreement", code=d.code, measure=self.t(MEASURE_KEYS[d.measure]),
            composite=f"{d.composite:.1f}", customer=f"{d.customer:.1f}",
            composite_place=f"{d.composite_place:.2f}",
            customer_place=f"{d.customer_place:.2f}")), f"disagree-{d.measure}-{d.code}")
            for d in report.disagreements]
        body: list[ft.Control] = [
            ui.heading(self.t("perception.console.align_title", tier=self._tier_name(tier),
                              month=str(month)), 17),
            ui.muted(self.t("perception.console.align_help")),
            *[ui.region(_text(c.text(lang)), f"corr-{c.measure}")
              for c in report.correlations],
            ft.Row(charts, spacing=16, wrap=True),
            *missing,
            ui.heading(self.t("perception.console.disagree_title"), 15),
            *(disagreements or [ui.muted(self.t("perception.cli.none"))]),
            ui.heading(self.t("perception.console.sections_title",
                              n=report.importance_responses,
                              needed=report.importance_needed), 15),
            *sections,
            ui.muted(self.t("perception.console.yaml_help")),
            ui.region(ft.Container(ft.Text(yaml_hint(report, lang), selectable=True,
                                           size=12, font_family="monospace"),
                                   bgcolor="#F5F5F5", padding=10), "yaml-hint"),
        ]
        return ui.region(theme.card(ft.Column(body, spacing=8)), "perception-alignment")
