"""Outlets: the list (a manager limited to a business unit sees only its outlets), and one
outlet's history of results (the queue, filtered to that outlet, every state)."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.central import review, service
from app.central.accounts import NotFound
from app.central.exports import Labels
from app.console import theme, ui
from app.console.queue import QueuePage
from app.console.shell import Page


class OutletsPage(Page):
    nav = "outlets"

    def __init__(self, console: Any, q: str | None = None, **params: str) -> None:
        super().__init__(console, **params)
        self.query = (q or "").strip()
        self.labels = Labels.for_ctx(console.ctx, console.lang)

    def title(self) -> str:
        return self.t("console.outlets.title")

    def _outlets(self) -> list[Any]:
        unit = self.manager.business_unit
        rows = [o for o in service.list_outlets(self.console.ctx)
                if unit is None or o.business_unit == unit]
        q = self.query.lower()
        if q:
            rows = [o for o in rows if q in o.code.lower() or q in o.name.lower()]
        return rows

    def build(self) -> list[ft.Control]:
        lb = self.labels
        search = ft.TextField(label=self.t("console.outlets.search"), value=self.query,
                              width=320, dense=True, prefix_icon=ft.Icons.SEARCH)
        search.on_submit = self.on(lambda: self.console.go(
            f"/outlets?q={search.value}" if search.value else "/outlets"))
        rows = self._outlets()
        header = ft.Container(ft.Row([
            ui.cell(self.t("console.outlets.col.code"), 130, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.outlets.col.name"), None, colour=theme.MUTED, size=13,
                    expand=3),
            ui.cell(self.t("console.outlets.col.tier"), 170, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.outlets.col.unit"), 150, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.outlets.col.region"), 120, colour=theme.MUTED, size=13),
        ], spacing=8), padding=ft.Padding.symmetric(horizontal=12))
        lines: list[ft.Control] = []
        for o in rows:
            name = o.name + ("" if o.active else f"（{self.t('console.outlets.inactive')}）")
            lines.append(ui.tappable(ft.Row([
                ui.cell(o.code, 130), ui.cell(name, None, expand=3, weight=ft.FontWeight.W_600),
                ui.cell(lb.tier(o.tier), 170), ui.cell(o.business_unit or "—", 150),
                ui.cell(o.region or "—", 120)], spacing=8),
                self.go(f"/outlets/{o.code}"),
                label=self.t("console.outlets.open", name=o.name), identifier=f"outlet-{o.code}"))
        return [ui.heading(self.t("console.outlets.title"), 22), search,
                ft.Column([header, *lines], spacing=4) if lines
                else theme.card(ui.muted(self.t("console.outlets.none")))]


class OutletHistoryPage(QueuePage):
    """Every result of one outlet, oldest first, with the queue's filters and exports."""

    nav = "outlets"

    def __init__(self, console: Any, code: str, **params: str) -> None:
        flt = console.queue_filter
        if flt is None or flt.outlet != code:  # arriving from the outlet list
            console.queue_filter = review.QueueFilter(outlet=code, state=None)
            console.queue_offset = 0
        super().__init__(console, **params)
        self.code = code
        self.outlet = next((o for o in service.list_outlets(console.ctx) if o.code == code),
                           None)

    def title(self) -> str:
        name = self.outlet.name if self.outlet else self.code
        return self.t("console.outlets.history", name=name, code=self.code)

    def build(self) -> list[ft.Control]:
        unit = self.manager.business_unit
        if self.outlet is None or (unit is not None and self.outlet.business_unit != unit):
            raise NotFound("console.not_found")
        body = super().build()
        body[0] = ft.Row([ft.TextButton(self.t("console.nav.outlets"), icon=ft.Icons.ARROW_BACK,
                                        on_click=self.go("/outlets")),
                          ui.heading(self.title(), 20), body[0].controls[1]],  # type: ignore[attr-defined]
                         alignment=ft.MainAxisAlignment.SPACE_BETWEEN)
        return body
