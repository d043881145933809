"""First run: language (简体中文 default, English), role, who is inspecting, and optionally
the central endpoint. Everything works before enrolment; a newcomer can tick the clearly
marked demo set and do a full visit at once.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.errors import UserError
from app.services.settings import ROLES
from app.views import sync_indicator, theme, ui


class FirstRunScreen(ui.Screen):
    name = "first_run"

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        s = app.ws.settings
        self.lang_buttons: dict[str, ft.Control] = {}
        langs = []
        for code in ("zh", "en"):
            selected = app.lang == code
            button = ft.OutlinedButton(
                self.t(f"lang.{code}") if code == "en" else "简体中文",
                on_click=self.on(self._language(code)), height=mood.touch,
                style=theme.big_button_style(mood, selected=selected),
            )
            langs.append(ft.Container(button, expand=True))
        self.role = ft.RadioGroup(
            value=s.role,
            content=ft.Column([
                ft.Container(ft.Radio(value=r, label=self.t(f"role.{r}"),
                                      label_style=theme.text_style(size=mood.fs(16))),
                             height=mood.touch, alignment=ft.Alignment.CENTER_LEFT)
                for r in ROLES], spacing=0),
        )
        self.inspector = ft.TextField(label=self.t("views.setup.inspector_id"),
                                      value=s.inspector_id or "", text_size=mood.fs(16),
                                      helper=self.t("views.setup.inspector_help"))
        self.name = ft.TextField(label=self.t("views.setup.name"), text_size=mood.fs(16))
        self.endpoint = ft.TextField(label=self.t("views.setup.endpoint"),
                                     value=s.endpoint or "", text_size=mood.fs(15),
                                     keyboard_type=ft.KeyboardType.URL,
                                     helper=self.t("views.setup.endpoint_help"))
        self.code = ft.TextField(label=self.t("views.setup.enrol_code"),
                                 text_size=mood.fs(15))
        self.demo = ft.Checkbox(label=self.t("views.setup.demo"),
                                value=app.ws.outlets.count() == 0)
        body: list[ft.Control] = [
            ui.body_text(app, self.t("views.setup.welcome"), size=15),
            theme.card(ft.Column([ui.heading(app, self.t("views.setup.language"), size=15),
                                  ft.Row(langs, spacing=8)], spacing=8), mood=mood),
            ft.Semantics(content=theme.card(ft.Column([
                ui.heading(app, self.t("views.setup.role"), size=15), self.role],
                spacing=4), mood=mood), identifier="setup-role", container=True),
            theme.card(ft.Column([ui.heading(app, self.t("views.setup.who"), size=15),
                                  self.inspector, self.name], spacing=10), mood=mood),
            theme.card(ft.Column([
                ui.heading(app, self.t("views.setup.central"), size=15),
                ui.muted(app, self.t("views.setup.central_body")),
                self.endpoint, self.code], spacing=10), mood=mood),
            theme.card(ft.Column([self.demo,
                                  ui.muted(app, self.t("views.setup.demo_body"))],
                                 spacing=4), mood=mood),
        ]
        done = ui.primary_button(app, self.t("views.setup.done"), self.finish,
                                 icon=ft.Icons.ARROW_FORWARD)
        return ui.frame(app, "/setup", body,
                        appbar=ui.appbar(app, self.t("views.setup.title")), bottom=done,
                        identifier="screen-setup")

    def _language(self, code: str) -> Any:
        def choose() -> None:
            self.app.set_language(code)
            self.app.refresh()

        return choose

    def finish(self) -> None:
        app = self.app
        ws = app.ws
        role = self.role.value
        if role not in ROLES:
            raise UserError("views.setup.role_missing")
        inspector = (self.inspector.value or "").strip()
        load_demo = bool(self.demo.value)
        if not inspector and not load_demo:
            raise UserError("views.setup.inspector_missing")
        endpoint = (self.endpoint.value or "").strip()
        ws.settings.set_endpoint(endpoint or None)  # checks the address first
        ws.settings.set_role(role)
        if inspector:
            ws.settings.set_inspector(inspector)
            ws.add_inspector(inspector, (self.name.value or "").strip() or inspector, role)
        if load_demo:
            report = ws.load_demo()
            app.notify(self.t("views.home.demo_loaded", n=len(report.outlets)))
        code = (self.code.value or "").strip()
        app.go(app.home_route())
        if endpoint and code:  # over the network: off the UI path
            app.run_background(lambda: sync_indicator.enrol(app, endpoint, code),
                               lambda _ok: app.refresh())
