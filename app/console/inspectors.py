"""Inspectors: who files results (暗访员, 片区经理, 代办业主), each a link to their results."""

from __future__ import annotations

import flet as ft

from app.central import admin
from app.console import theme, ui
from app.console.shell import Page


class InspectorsPage(Page):
    nav = "inspectors"

    def title(self) -> str:
        return self.t("console.inspectors.title")

    def build(self) -> list[ft.Control]:
        people = admin.list_inspectors(self.console.ctx)
        header = ft.Container(ft.Row([
            ui.cell(self.t("console.inspectors.col.id"), 160, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.inspectors.col.name"), None, colour=theme.MUTED, size=13,
                    expand=2),
            ui.cell(self.t("console.inspectors.col.role"), 200, colour=theme.MUTED, size=13),
            ui.cell(self.t("console.inspectors.col.active"), 100, colour=theme.MUTED, size=13),
        ], spacing=8), padding=ft.Padding.symmetric(horizontal=12))
        lines: list[ft.Control] = []
        for p in people:
            role = self._role(p.role)
            lines.append(ui.tappable(ft.Row([
                ui.cell(p.id, 160), ui.cell(p.name, None, expand=2, weight=ft.FontWeight.W_600),
                ui.cell(role, 200),
                ui.cell(self.t("console.inspectors.active" if p.active
                               else "console.inspectors.inactive"), 100,
                        colour=None if p.active else theme.MUTED)], spacing=8),
                self.go(f"/queue?inspector={p.id}&state=all"),
                label=self.t("console.inspectors.results", name=p.name),
                identifier=f"inspector-{p.id}"))
        return [ui.heading(self.t("console.inspectors.title"), 22),
                ft.Column([header, *lines], spacing=4) if lines
                else theme.card(ui.muted(self.t("console.inspectors.none")))]

    def _role(self, role: str) -> str:
        text = self.t(f"role.{role}")
        return role if text == f"role.{role}" else text


