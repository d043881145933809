"""Choose an outlet: search by code or name; the outlet's tier decides the checklist.

Each outlet shows its tier; competitors' outlets are marked (they are inspected with the
same checklist so results compare). Tapping one resumes its draft or starts the visit
(with the mystery-shopper rotation warning and, for a coaching visit, the open actions
first). A new visit checks in with the device's location when it gives one within a few
seconds (app/views/location.py); a line says so meanwhile, except in discreet mode.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.views import location, theme, ui

LIMIT = 50


class OutletPickerScreen(ui.Screen):
    name = "outlet_picker"

    def __init__(self, app: Any, q: str | None = None, kind: str | None = None,
                 **_: Any) -> None:
        super().__init__(app)
        self.query = q or ""
        self.kind = kind or app.kind
        self.starting = False

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        self.search = ft.TextField(
            label=self.t("views.outlets.search"), value=self.query, autofocus=True,
            prefix_icon=ft.Icons.SEARCH, text_size=mood.fs(16),
            on_change=self.on(self._changed), on_submit=self.on(self._changed),
        )
        self.results = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.count = ui.muted(app, "")
        # "checking in…" while the location is asked for (never in discreet mode)
        self.locating = ft.Row(
            [ft.ProgressRing(width=16, height=16, stroke_width=2, color=mood.primary),
             ui.muted(app, self.t("views.location.checkin"), size=14)],
            spacing=8, visible=False, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        self._fill()
        title = self.t("views.outlets.title_discreet") if mood.discreet else \
            self.t("views.outlets.title", kind=self.t(f"kind.{self.kind}"))
        return ui.frame(app, "/outlets",
                        [ft.Semantics(content=self.search, identifier="outlet-search",
                                      container=True), self.locating, self.count,
                         self.results],
                        appbar=ui.appbar(app, title, back=app.home_route()),
                        identifier="screen-outlets")

    def _changed(self, e: Any) -> None:
        self.query = e.control.value or ""
        self._fill()
        self.results.update()
        self.count.update()

    def _fill(self) -> None:
        app = self.app
        ws = app.ws
        outlets = ws.outlets.search(self.query, limit=LIMIT)
        tiers = ws.catalog.tiers
        rows: list[ft.Control] = []
        for o in outlets:
            tier = tiers.get(o.tier)
            tier_label = tier.label.get(app.lang) if tier else o.tier
            tags: list[ft.Control] = [ui.tag(app, tier_label)]
            if o.competitor:
                tags.append(ui.tag(app, self.t("views.outlets.competitor"),
                                   icon=ft.Icons.COMPARE_ARROWS, color=theme.WARN,
                                   bgcolor="#FFF3E0"))
            if o.code.startswith("DEMO-"):
                tags.append(ui.tag(app, self.t("views.outlets.demo"), color="#6A1B9A",
                                   bgcolor="#F3E5F5"))
            has_checklist = self._has_checklist(o.tier)
            if not has_checklist:
                tags.append(ui.tag(app, self.t("views.outlets.no_checklist"),
                                   color=theme.MUTED))
            row = ft.Column([
                ui.body_text(app, o.name, weight=ft.FontWeight.W_600),
                ft.Row([ui.muted(app, o.code), *tags], wrap=True, spacing=6, run_spacing=4),
                *([ui.muted(app, o.address, size=12)] if o.address else []),
            ], spacing=4)
            rows.append(ui.tappable(app, row, self._pick(o.code),
                                    label=self.t("views.outlets.pick", name=o.name,
                                                 code=o.code),
                                    identifier=f"outlet-{o.code}"))
        if not rows:
            rows.append(ui.empty_state(app, self.t("views.outlets.none", q=self.query)
                                       if self.query else self.t("views.outlets.empty")))
        self.results.controls = rows
        self.count.value = self.t("views.outlets.count", n=len(outlets)) if outlets else ""

    def _has_checklist(self, tier: str) -> bool:
        return any(k.value == self.kind for k in self.app.ws.catalog.kinds_for(tier))

    def _pick(self, code: str) -> Any:
        def pick() -> None:
            if self.starting:  # one check-in at a time (a second tap while locating)
                return
            location.start_visit(self.app, code, self.kind, busy=self._busy)

        return pick

    def _busy(self, busy: bool) -> None:
        self.starting = busy
        self.locating.visible = busy and not self.app.mood.discreet
        ui.redraw(self.locating)  # (the screen may have been left meanwhile)
