"""One outlet's month card: the composite, its components, the visits behind each component
and their failed items and 一票否决; every figure (ranks with ties said, factors, commission,
staff share, refund, adjustments, candidate verdicts) beside the sentence the month stored
for it (`why`); the score over the last year next to the unit's mean; and the agent owner's
statement PDF once the month is closed.

Read from the same month document as the ranking (`months.load_month`), so the card and the
ranking can never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import flet as ft

from app.central.accounts import NotFound
from app.central.exports import Labels
from app.central.exports.labels import local
from app.central.exports.statement import (
    component_label,
    flag_label,
    money_text,
    number_text,
    rank_text,
    write_statement,
)
from app.central.month import read
from app.console import charts, theme, ui
from app.console.export_panel import ExportPanel
from app.console.months import MonthDoc, chart_months, load_month, parse_month
from app.console.shell import Page
from app.programme.explain import Why, rule_text

INSPECTIONS = ("mystery_shop", "open_inspection", "self_check")
KIND_KEY = {"mystery_shop": "kind.mystery_shop", "open_inspection": "kind.open_inspection",
            "self_check": "kind.self_check"}
FIGURES = (  # (figure, label key, how the value is shown)
    ("rank_unit", "programme.figure.rank_unit", "rank_unit"),
    ("rank_province", "programme.figure.rank_province", "rank_province"),
    ("base", "programme.figure.base", "money:base"),
    ("years_factor", "programme.figure.years_factor", "number:years_factor"),
    ("payment_factor", "programme.figure.payment_factor", "number:payment_factor"),
    ("commission", "programme.figure.commission", "money:commission"),
    ("staff_share", "programme.figure.staff_share", "money:staff_share"),
    ("refund", "programme.figure.refund", "money:refund"),
    ("adjustments", "programme.figure.adjustments", "money:adjustments_total"),
    ("payable", "programme.figure.payable", "money:payable"),
    ("exit", "programme.figure.exit", "flag:exit_candidate"),
    ("tier_move", "programme.figure.tier_move", "tier"),
    ("reward", "programme.figure.reward", "flag:reward"),
)


class MonthCardPage(Page):
    nav = "months"

    def __init__(self, console: Any, month: str, code: str, **params: str) -> None:
        super().__init__(console, **params)
        self.month = parse_month(month)
        self.code = code
        self.labels = Labels.for_ctx(console.ctx, console.lang)
        self.export = ExportPanel(console)
        self.row: Mapping[str, Any] | None = None

    def title(self) -> str:
        name = (self.row or {}).get("name") or self.code
        return self.t("console.card.title", name=name, month=str(self.month))

    def build(self) -> list[ft.Control]:
        self.data = m = load_month(self.console.ctx, self.month)
        row = m.explained(self.code)
        unit = self.manager.business_unit
        if row is None or (unit is not None and row.get("business_unit") != unit):
            raise NotFound("console.card.not_found")
        self.row = row
        return [
            self._top(m),
            self.export.control,
            self._header(m, row),
            self._components(row),
            self._figures(m, row),
            self._chart(row),
        ]

    # -- parts --------------------------------------------------------------------------------
    def _top(self, m: MonthDoc) -> ft.Control:
        pdf: ft.Control
        if "competitor" in ((self.row or {}).get("flags") or ()):
            pdf = ui.muted(self.t("console.card.statement_competitor"))
        elif m.closed:
            pdf = ft.OutlinedButton(self.t("console.card.statement"),
                                    icon=ft.Icons.PICTURE_AS_PDF,
                                    on_click=self.on(self._statement))
        else:
            pdf = ui.muted(self.t("console.card.statement_open"))
        return ft.Row([ft.TextButton(self.t("console.card.back", month=str(self.month)),
                                     icon=ft.Icons.ARROW_BACK,
                                     on_click=self.go(f"/months/{self.month}")), pdf],
                      alignment=ft.MainAxisAlignment.SPACE_BETWEEN)

    def _header(self, m: MonthDoc, row: Mapping[str, Any]) -> ft.Control:
        lb = self.labels
        composite = row.get("composite")
        name = str(row.get("name") or "")
        head = f"{name}（{self.code}）" if lb.lang == "zh" else f"{name} ({self.code})"
        info = ft.Column([
            ui.heading(head, 22),
            ft.Text(" · ".join(x for x in (str(self.month), lb.tier(row.get("tier")),
                                          str(row.get("business_unit") or ""),
                                          str(row.get("region") or "")) if x), size=14),
            ft.Text(self.t("console.months.closed_by", at=lb.when(m.closed_at),
                           by=m.closed_by or "—", version=m.version) if m.closed
                    else self.t("console.months.open_note", at=lb.when(m.computed_at)), size=13,
                    color=theme.MUTED if m.closed else theme.WARN),
            ft.Row([theme.chip(flag_label(f, lb), theme.FAIL if f in (
                "veto", "deduction", "exit_candidate", "tier_down", "not_scored")
                else theme.WARN) for f in row.get("flags") or ()], spacing=6, wrap=True),
        ], spacing=4, tight=True, expand=True)
        score = ft.Column([
            ft.Text(number_text(composite) if composite is not None
                    else self.t("console.card.no_composite"), size=34 if composite is not None
                    else 18, weight=ft.FontWeight.W_700,
                    color=theme.FAIL if composite is None or (row.get("payment_factor") or 0) < 0
                    or "veto" in (row.get("flags") or ()) else theme.PRIMARY),
            ui.muted(self.t("console.card.composite")),
        ], horizontal_alignment=ft.CrossAxisAlignment.END, spacing=2, tight=True)
        why = self._why(row, "composite")
        return ui.region(theme.card(ft.Column([
            ft.Row([info, score], vertical_alignment=ft.CrossAxisAlignment.START),
            *([ft.Text(why, size=13, color=theme.MUTED)] if why else []),
        ], spacing=8)), "card-header")

    def _why(self, row: Mapping[str, Any], figure: str) -> str:
        data = (row.get("why") or {}).get(figure)
        if not data:
            return ""
        why = Why.from_dict(data)
        return why.render(self.console.lang) + rule_text(why, self.data.version,
                                                         self.console.lang)

    def _components(self, row: Mapping[str, Any]) -> ft.Control:
        lb = self.labels
        results = list(row.get("results") or ())
        blocks: list[ft.Control] = [ui.heading(self.t("console.card.components"), 16)]
        for name, comp in (row.get("components") or {}).items():
            present = comp.get("present")
            score = number_text(comp.get("score")) if present else self.t("console.card.no_data")
            label = component_label(name, lb)
            if comp.get("counted"):
                head = self.t("console.card.component_head", name=label, score=score,
                              weight=number_text(comp.get("weight")),
                              share=f"{(comp.get('share') or 0) * 100:.1f}")
            else:
                head = self.t("console.card.component_not_counted", name=label, score=score)
            lines: list[ft.Control] = [
                ft.Text(head, size=15, weight=ft.FontWeight.W_600,
                        color=None if present else theme.MUTED)]
            why = self._why(row, f"components.{name}")
            if why:
                lines.append(ui.muted(why))
            if name in INSPECTIONS:
                visits = [v for v in results if v.get("kind") == name]
                if not visits and not why:
                    lines.append(ui.muted(self.t("console.card.no_visits")))
                for v in visits:
                    lines.append(self._visit(v))
            elif present:
                lines.append(ui.muted(self.t("console.card.perception",
                                             count=comp.get("count") or 0)))
            blocks.append(ui.region(ft.Container(
                ft.Column(lines, spacing=4),
                padding=ft.Padding.only(left=10, top=6, bottom=6),
                border=ft.Border.only(left=ft.BorderSide(3, theme.PRIMARY if present
                                                         else theme.BORDER))),
                f"component-{name}"))
        return ui.region(theme.card(ft.Column(blocks, spacing=10)), "card-components")

    def _visit(self, v: Mapping[str, Any]) -> ft.Control:
        lb = self.labels
        kind = self.t(KIND_KEY[v["kind"]]) if v.get("kind") in KIND_KEY else str(v.get("kind"))
        score = number_text(v.get("score"))
        text = (self.t("console.card.visit_voided", kind=kind, score=score) if v.get("voided")
                else self.t("console.card.visit", kind=kind, score=score))
        failed: list[ft.Control] = []
        for f in v.get("failed") or ():
            label = str((f.get("en") if lb.lang == "en" else f.get("zh")) or f.get("item"))
            if f.get("veto") == "visit":
                failed.append(ft.Text(self.t("console.card.veto_visit", label=label),
                                      size=13, color=theme.FAIL, weight=ft.FontWeight.W_600))
            elif f.get("veto") == "section":
                failed.append(ft.Text(self.t("console.card.veto_section", label=label),
                                      size=13, color=theme.FAIL, weight=ft.FontWeight.W_600))
            else:
                failed.append(ft.Text(self.t("console.card.failed", label=label), size=13))
        if not failed:
            failed.append(ui.muted(self.t("console.card.no_failed")))
        uuid = str(v.get("uuid"))
        content = ft.Column([
            ft.Row([ft.Text(text, size=14, weight=ft.FontWeight.W_600,
                            color=theme.FAIL if v.get("voided") or v.get("veto_count")
                            else None),
                    ui.muted(self.t("console.card.visit_open"))],
                   alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
            ft.Column(failed, spacing=2, tight=True),
        ], spacing=4, tight=True)
        return ui.tappable(content, self.go(f"/result/{uuid}"), label=text,
                           identifier=f"visit-{uuid}",
                           bgcolor=theme.VETO_BG if v.get("veto_count") or v.get("voided")
                           else None)

    def _value(self, rows: Sequence[Mapping[str, Any]], row: Mapping[str, Any], how: str
               ) -> str:
        lb = self.labels
        if how in ("rank_unit", "rank_province"):
            return rank_text(rows, row, "unit" if how == "rank_unit" else "province", lb)
        kind, _, field = how.partition(":")
        if kind == "money":
            return money_text(row.get(field))
        if kind == "number":
            return number_text(row.get(field))
        if kind == "flag":
            return lb.yes_no(bool(row.get(field)))
        move = row.get("tier_move")
        if move is None:
            return "—"
        return self.t("console.months.tier_to", from_tier=lb.tier(row.get("tier")),
                      to_tier=lb.tier(row.get("tier_move_to")))

    def _figures(self, m: MonthDoc, row: Mapping[str, Any]) -> ft.Control:
        lines: list[ft.Control] = [ui.heading(self.t("console.card.figures"), 16)]
        rows = m.rows
        for figure, key, how in FIGURES:
            why = self._why(row, figure)
            if figure == "payable":
                why = self.t("statement.payable_why")
            if not why and figure not in ("rank_unit", "rank_province", "commission", "payable"):
                continue
            value = self._value(rows, row, how)
            lines.append(ui.region(ft.Row([
                ft.Container(ft.Text(self.t(key), size=14, color=theme.MUTED), width=130),
                ft.Container(ft.Text(value, size=15, weight=ft.FontWeight.W_600,
                                     color=theme.FAIL if value.startswith("-") else None),
                             width=230),
                ft.Container(ft.Text(why, size=13), expand=True),
            ], spacing=10, vertical_alignment=ft.CrossAxisAlignment.START),
                f"figure-{figure}"))
        return ui.region(theme.card(ft.Column(lines, spacing=8)), "card-figures")

    def _chart(self, row: Mapping[str, Any]) -> ft.Control:
        months = chart_months(self.month)
        ctx = self.console.ctx
        mine = read.outlet_series(ctx, self.code, months)
        series = [charts.Series(str(row.get("name") or self.code),
                                [p.composite for p in mine])]
        unit = row.get("business_unit")
        if unit:
            series.append(charts.Series(self.t("console.chart.mean"),
                                        [p.mean for p in read.unit_series(ctx, str(unit),
                                                                          months)]))
        return charts.line_chart(self.t("console.card.chart", n=len(months)),
                                 [str(x) for x in months], series, self.console.lang,
                                 width=theme.MAX_WIDTH - 80, identifier="card-chart")

    # -- the statement --------------------------------------------------------------------------
    def _statement(self) -> None:
        c = self.console
        m = self.data
        if not m.closed:
            c.notify(self.t("console.card.statement_open"), error=True)
            return
        doc, code, labels, files = m.with_explained(self.code), self.code, self.labels, c.files
        stamp = local(datetime.now(UTC)).strftime("%Y%m%d")  # type: ignore[union-attr]
        filename = f"{self.t('console.card.statement_file')}-{code}-{m.month}-{stamp}.pdf"

        def build(job: Any) -> Path:
            return write_statement(doc, code, files.new_export_path("pdf"), labels,
                                   theme.font_path())

        self.export.start(build, filename)
