"""History: past results per outlet, with their scores and vetoes (一票否决).

`/history` finds the outlet (search by code or name); `/history/<code>` lists its visits,
newest first, amendments marked; each opens the recorded result. For a mystery shopper
(discreet mode) the scores are left out.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.checklists.rendering import format_score
from app.views import theme, ui


class HistoryScreen(ui.Screen):
    name = "history"

    def __init__(self, app: Any, code: str | None = None, q: str | None = None,
                 **_: Any) -> None:
        super().__init__(app)
        self.code = code
        self.query = q or ""

    def build(self) -> ft.View:
        if self.code:
            return self._outlet()
        return self._finder()

    # -- one outlet ------------------------------------------------------------------------

    def _outlet(self) -> ft.View:
        app = self.app
        ws = app.ws
        mood = app.mood
        assert self.code is not None
        outlet = ws.outlets.require(self.code)
        tier = ws.catalog.tiers.get(outlet.tier)
        visits = ws.inspections.history(self.code)
        body: list[ft.Control] = [theme.card(ft.Column([
            ui.heading(app, outlet.name),
            ft.Row([ui.muted(app, outlet.code),
                    ui.tag(app, tier.label.get(app.lang) if tier else outlet.tier),
                    *([ui.tag(app, self.t("views.outlets.competitor"), color=theme.WARN,
                              bgcolor="#FFF3E0")] if outlet.competitor else [])],
                   wrap=True, spacing=6),
        ], spacing=4), mood=mood)]
        finished = [v for v in visits if not v.is_draft]
        scored = [v.total_score for v in finished if v.total_score is not None]
        if scored and not mood.discreet:
            body.append(ui.muted(app, self.t("views.history.summary", n=len(finished),
                                             avg=format_score(sum(scored) / len(scored)))))
        if not visits:
            body.append(ui.empty_state(app, self.t("views.history.none"), ft.Icons.HISTORY))
        for v in visits:
            body.append(self._row(v))
        if ws.actions is not None and not mood.discreet:
            open_actions = ws.actions.open_actions(self.code)
            if open_actions:
                body.append(ui.heading(app, self.t("views.actions.open_earlier",
                                                   n=len(open_actions))))
                for a in open_actions:
                    body.append(theme.card(ft.Column([
                        ui.body_text(app, a.description, size=14),
                        ui.muted(app, self.t("views.actions.meta", owner=a.owner,
                                             due=a.due_date.isoformat()))], spacing=2),
                        mood=mood))
        return ui.frame(app, f"/history/{self.code}", body,
                        appbar=ui.appbar(app, self.t("views.history.title"), back="/history"),
                        identifier="screen-history")

    def _row(self, v: Any) -> ft.Control:
        app = self.app
        discreet = app.mood.discreet
        parts = [ui.when(v.finished_at or v.started_at, app.lang)]
        if not discreet:  # (the kind, 暗访, and who did it name the audit)
            parts.append(self.t(f"kind.{v.kind}"))
        if v.is_draft:
            parts.append(self.t("views.history.draft"))
        if v.is_amendment:
            parts.append(self.t("views.history.amendment"))
        trailing: list[ft.Control] = []
        if not discreet and not v.is_draft:
            if v.veto_count:
                trailing.append(ui.tag(app, self.t("views.home.vetoes", n=v.veto_count),
                                       icon=ft.Icons.GAVEL, color=theme.FAIL,
                                       bgcolor=theme.VETO_BG))
            trailing.append(ft.Text(format_score(v.total_score), size=app.mood.fs(20),
                                    weight=ft.FontWeight.W_700,
                                    color=theme.FAIL if v.veto_count else app.mood.primary))
        row = ft.Row([
            ft.Column([ui.body_text(app, " · ".join(parts), weight=ft.FontWeight.W_600,
                                    size=14),
                       *([] if discreet else
                         [ui.muted(app, self.t("views.history.by", who=v.inspector_id))])],
                      spacing=2, expand=True),
            *trailing,
        ], vertical_alignment=ft.CrossAxisAlignment.CENTER)
        target = f"/visit/{v.uuid}" if v.is_draft else f"/result/{v.uuid}"
        return ui.tappable(app, row, lambda: app.go(target),
                           label=self.t("views.history.open", when=parts[0]),
                           identifier=f"history-{v.uuid}")

    # -- find the outlet -------------------------------------------------------------------

    def _finder(self) -> ft.View:
        app = self.app
        self.search = ft.TextField(label=self.t("views.outlets.search"), value=self.query,
                                   prefix_icon=ft.Icons.SEARCH, text_size=app.mood.fs(16),
                                   on_change=self.on(self._changed))
        self.results = ft.Column(spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self._fill()
        return ui.frame(app, "/history", [ft.Semantics(content=self.search,
                                                       identifier="history-search",
                                                       container=True), self.results],
                        appbar=ui.appbar(app, self.t("views.history.title"),
                                         back=app.home_route()),
                        identifier="screen-history")

    def _changed(self, e: Any) -> None:
        self.query = e.control.value or ""
        self._fill()
        self.results.update()

    def _fill(self) -> None:
        app = self.app
        rows: list[ft.Control] = []
        for o in app.ws.outlets.search(self.query, limit=50):
            rows.append(ui.tappable(
                app, ft.Column([ui.body_text(app, o.name, weight=ft.FontWeight.W_600),
                                ui.muted(app, o.code)], spacing=2),
                (lambda code=o.code: app.go(f"/history/{code}")),
                label=self.t("views.history.outlet", name=o.name),
                identifier=f"history-outlet-{o.code}"))
        if not rows:
            rows.append(ui.empty_state(app, self.t("views.outlets.empty")))
        self.results.controls = rows
