"""Home: today's assigned visits, drafts to finish, recent results, the sync indicator.

The one main action ("start a visit") sits at the bottom, in the thumb's reach. A device
with no outlets yet offers the clearly marked demo set and the outlet import. For a mystery
shopper everything reads like a notes app (discreet mode): no scores, no audit words.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import flet as ft

from app.checklists.rendering import format_score
from app.views import location, sync_indicator, theme, ui


class HomeScreen(ui.Screen):
    name = "home"

    def build(self) -> ft.View:
        app = self.app
        ws = app.ws
        mood = app.mood
        discreet = mood.discreet
        inspector = ws.settings.inspector_id
        body: list[ft.Control] = []

        if ws.outlets.count() == 0:
            body.append(theme.card(ft.Column([
                ui.heading(app, self.t("views.home.no_outlets")),
                ui.body_text(app, self.t("views.home.no_outlets_body"), size=14),
                ui.primary_button(app, self.t("views.home.load_demo"), self.load_demo,
                                  icon=ft.Icons.SCIENCE_OUTLINED),
                ui.secondary_button(app, self.t("views.home.import"),
                                    lambda: app.go("/settings"), icon=ft.Icons.UPLOAD_FILE),
            ], spacing=10), mood=mood))

        # today's assigned visits
        assigned = app.session.todays_tasks(date.today())
        body.append(ui.heading(app, self.t("views.home.today", n=len(
            [a for a in assigned if not a.done]))))
        if assigned:
            for a in assigned:
                body.append(self._assignment(a))
        else:
            body.append(ui.empty_state(app, self.t("views.home.today_none"),
                                       ft.Icons.EVENT_AVAILABLE))

        # drafts
        drafts = ws.inspections.list_drafts()
        if drafts:
            body.append(ui.heading(app, self.t("views.home.drafts", n=len(drafts))))
            for d in drafts:
                body.append(self._draft(d))

        # recent results
        recent = [r for r in ws.inspections.list_recent(10) if not r.is_draft]
        body.append(ui.heading(app, self.t("views.home.recent")))
        if recent:
            for r in recent[:8]:
                body.append(self._result(r))
        else:
            body.append(ui.empty_state(app, self.t("views.home.recent_none")))
        body.append(ui.secondary_button(app, self.t("views.home.history"),
                                        lambda: app.go("/history"), icon=ft.Icons.HISTORY))

        self.badge = sync_indicator.SyncBadge(app)
        actions: list[ft.Control] = [self.badge.control]
        actions.append(ui.icon_button(app, ft.Icons.SETTINGS_OUTLINED,
                                      self.t("views.settings.title"),
                                      lambda: app.go("/settings")))
        title = self.t("views.discreet.title") if discreet else self.t("app.name")
        who = self.t("views.home.who", role=self.t(f"role.{ws.settings.role}"),
                     id=inspector or "")
        start_key = ("views.home.start_discreet" if discreet
                     else "views.home.start_survey" if ws.settings.role == "surveyor"
                     else "views.home.start")
        start = ui.primary_button(app, self.t(start_key), lambda: app.go("/outlets"),
                                  icon=ft.Icons.ADD)
        # (discreet: no role or staff ID on show - "暗访员 · 工号 S-023" names the audit)
        head: list[ft.Control] = [] if discreet else [ui.muted(app, who)]
        return ui.frame(app, "/", [*head, *body], appbar=ui.appbar(
            app, title, actions=actions), bottom=start, identifier="screen-home")

    def _assignment(self, a: Any) -> ft.Control:
        app = self.app
        name = a.outlet_name or a.outlet_code
        kind = self.t(f"kind.{a.kind}") if not app.discreet else ""
        state = self.t("views.home.done") if a.done else self.t("views.home.todo")
        row = ft.Row([
            ft.Icon(ft.Icons.CHECK_CIRCLE if a.done else ft.Icons.STORE_OUTLINED,
                    color=theme.OK if a.done else app.mood.primary),
            ft.Column([ui.body_text(app, name, weight=ft.FontWeight.W_600),
                       *([ui.muted(app, a.note)] if a.note else []),  # the office's errand
                       ui.muted(app, " · ".join(x for x in (a.outlet_code, kind, state) if x))],
                      spacing=2, expand=True),
            ft.Icon(ft.Icons.CHEVRON_RIGHT, color=theme.MUTED),
        ])
        if a.done:
            return ui.tappable(app, row, lambda: app.go(f"/result/{a.done_uuid}"),
                               label=self.t("views.home.open_result", name=name))
        return ui.tappable(app, row, lambda: location.start_visit(app, a.outlet_code, a.kind),
                           label=self.t("views.home.start_assigned", name=name),
                           identifier=f"assignment-{a.outlet_code}")

    def _draft(self, d: Any) -> ft.Control:
        app = self.app
        name = d.outlet_name or d.outlet_code
        row = ft.Row([
            ft.Icon(ft.Icons.EDIT_NOTE, color=theme.WARN),
            ft.Column([ui.body_text(app, name, weight=ft.FontWeight.W_600),
                       ui.muted(app, self.t("views.home.draft_meta_discreet",
                                            when=ui.when(d.started_at, app.lang))
                                if app.discreet else
                                self.t("views.home.draft_meta",
                                       when=ui.when(d.started_at, app.lang),
                                       kind=self.t(f"kind.{d.kind}")))],
                      spacing=2, expand=True),
            ft.Icon(ft.Icons.CHEVRON_RIGHT, color=theme.MUTED),
        ])
        return ui.tappable(app, row, lambda: app.go(f"/visit/{d.uuid}"),
                           label=self.t("views.home.continue", name=name),
                           identifier=f"draft-{d.uuid}")

    def _result(self, r: Any) -> ft.Control:
        app = self.app
        name = r.outlet_name or r.outlet_code
        parts = [ui.when(r.finished_at or r.started_at, app.lang)]
        trailing: list[ft.Control] = []
        if not app.discreet:
            if r.total_score is not None:
                trailing.append(ft.Text(format_score(r.total_score), size=app.mood.fs(18),
                                        weight=ft.FontWeight.W_700,
                                        color=theme.FAIL if r.veto_count else
                                        app.mood.primary))
            if r.veto_count:
                trailing.insert(0, ui.tag(app, self.t("views.home.vetoes", n=r.veto_count),
                                          color=theme.FAIL, bgcolor=theme.VETO_BG))
            parts.append(self.t(f"kind.{r.kind}"))
        parts.append(self.t(f"views.sync.state.{r.sync_state}"))
        row = ft.Row([
            ft.Column([ui.body_text(app, name, weight=ft.FontWeight.W_600),
                       ui.muted(app, " · ".join(parts))], spacing=2, expand=True),
            *trailing,
        ], vertical_alignment=ft.CrossAxisAlignment.CENTER)
        return ui.tappable(app, row, lambda: app.go(f"/result/{r.uuid}"),
                           label=self.t("views.home.open_result", name=name))

    def load_demo(self) -> None:
        report = self.app.ws.load_demo()
        self.app.notify(self.t("views.home.demo_loaded", n=len(report.outlets)))
        self.app.refresh()

    def refresh_sync(self) -> None:
        self.badge.refresh()
