"""Kiosk: the outlet's shared tablet, locked to one outlet and the self-check checklist.

No way into other outlets or settings without the manager PIN. After each submission the
tablet thanks the person and returns to a fresh start; after some minutes without a touch
(settings: `ui_kiosk_idle_minutes`, default 5) it returns there too (the shell's timer).
An unfinished self-check is kept as a draft (nothing entered is lost) and can be continued
from the start screen. Text and targets are larger: readable at arm's length.
"""

from __future__ import annotations

import time

import flet as ft

from app.views import theme, ui
from app.views.review import score_panel

DONE_SECONDS = 20


class KioskScreen(ui.Screen):
    name = "kiosk"

    def build(self) -> ft.View:
        app = self.app
        ws = app.ws
        mood = app.mood
        code = app.kiosk_outlet
        if code is None:
            raise ui.Redirect("/")
        outlet = ws.outlets.get(code)
        name = outlet.name if outlet else code
        draft = ws.inspections.find_draft(code, "self_check")
        body: list[ft.Control] = [
            ft.Container(height=24),
            ft.Icon(ft.Icons.STOREFRONT, size=72, color=mood.primary),
            ft.Text(name, size=mood.fs(26), weight=ft.FontWeight.W_700,
                    text_align=ft.TextAlign.CENTER),
            ft.Text(self.t("views.kiosk.subtitle"), size=mood.fs(17), color=theme.MUTED,
                    text_align=ft.TextAlign.CENTER),
            ft.Container(height=16),
            ui.primary_button(app, self.t("views.kiosk.start"), self.start,
                              icon=ft.Icons.PLAY_ARROW),
        ]
        if draft:
            summary = ws.inspections.summary(draft)
            body.append(ui.secondary_button(
                app, self.t("views.kiosk.continue", when=ui.when(summary.started_at,
                                                                 app.lang)),
                lambda: app.go(f"/visit/{draft}"), icon=ft.Icons.EDIT_NOTE))
        body.append(ft.Container(height=24))
        body.append(ui.muted(app, self.t("views.kiosk.explain"), size=14))
        manage = ft.TextButton(self.t("views.kiosk.manage"), icon=ft.Icons.LOCK_OUTLINE,
                               on_click=self.on(self.manage), height=ui.TOUCH_MIN)
        bar = ui.appbar(app, self.t("views.kiosk.title"), actions=[manage])
        view = ui.frame(app, "/kiosk", body, appbar=bar, identifier="screen-kiosk")
        return view

    def start(self) -> None:
        uuid = self.app.session.start_self_check()
        self.app.go(f"/visit/{uuid}")

    def manage(self) -> None:
        self.app.ask_pin(lambda: self.app.go("/settings"))


class KioskDoneScreen(ui.Screen):
    """Thanks; the self-check's result; back to the start by itself."""

    name = "kiosk_done"

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        self.deadline = time.monotonic() + DONE_SECONDS
        body: list[ft.Control] = [
            ft.Container(height=16),
            ft.Icon(ft.Icons.CHECK_CIRCLE, size=72, color=theme.OK),
            ft.Text(self.t("views.kiosk.thanks"), size=mood.fs(24),
                    weight=ft.FontWeight.W_700, text_align=ft.TextAlign.CENTER),
            ui.muted(app, self.t("views.kiosk.thanks_body", s=DONE_SECONDS), size=15),
        ]
        last = next((r for r in app.ws.inspections.list_recent(5)
                     if r.outlet_code == app.kiosk_outlet and not r.is_draft), None)
        if last is not None:
            body.append(score_panel(app, app.ws.inspections.recorded_score(last.uuid,
                                                                           app.lang)))
        done = ui.primary_button(app, self.t("views.kiosk.new"),
                                 lambda: app.kiosk_reset(), icon=ft.Icons.REPLAY)
        return ui.frame(app, "/kiosk/done", body,
                        appbar=ui.appbar(app, self.t("views.kiosk.title")), bottom=done,
                        identifier="screen-kiosk-done")

    def refresh_sync(self) -> None:
        if time.monotonic() > self.deadline:
            self.deadline = float("inf")
            self.app.kiosk_reset()
