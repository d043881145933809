"""Login: username and password; wrong ones and a locked account are said in words."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.console import theme
from app.console.shell import Page


class LoginPage(Page):
    nav = "login"

    def __init__(self, console: Any, next: str | None = None, **params: str) -> None:
        super().__init__(console, **params)
        self.next_route = next if next and next.startswith("/") and next != "/login" else "/"

    def title(self) -> str:
        return self.t("console.login.title")

    def build(self) -> list[ft.Control]:
        # (no max_length: its counter is noise here; accounts.login bounds what it reads.
        # No autofocus: in flet 1.0.5's web client an autofocused field can show typed
        # text that never reaches the server, measured in Chromium on a loaded machine)
        self.username = ft.TextField(label=self.t("console.login.username"),
                                     on_submit=self.on(self._to_password), text_size=16)
        self.password = ft.TextField(label=self.t("console.login.password"), password=True,
                                     can_reveal_password=True,
                                     on_submit=self.on(self._submit), text_size=16)
        self.error = ft.Text("", color=theme.FAIL, size=14, visible=False)
        form = ft.Column([
            ft.Text(self.t("console.login.title"), size=22, weight=ft.FontWeight.W_600),
            ft.Text(self.t("console.login.intro"), size=14, color=theme.MUTED),
            self.username, self.password, self.error,
            ft.Row([
                ft.TextButton(self.console.switch_label(),
                              tooltip=self.t("console.lang.switch_tip"),
                              on_click=self.on(self.console.switch_language)),
                ft.FilledButton(self.t("console.login.submit"), on_click=self.on(self._submit)),
            ], alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
        ], spacing=12, tight=True, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        return [ft.Container(height=60),
                ft.Row([ft.Container(theme.card(form, padding=28), width=420)],
                       alignment=ft.MainAxisAlignment.CENTER)]

    async def _to_password(self) -> None:
        await self.password.focus()  # type: ignore[no-untyped-call]

    def _submit(self) -> None:
        from app.central import accounts

        username = (self.username.value or "").strip()
        password = self.password.value or ""
        if not username or not password:
            self._show_error(self.t("console.login.missing"))
            return
        page = self.console.page
        client = f"{page.client_ip or ''} {page.client_user_agent or ''}".strip()[:200]
        try:
            token, manager = accounts.login(self.console.ctx, username, password, client)
        except accounts.ConsoleError as exc:
            self.password.value = ""
            self._show_error(exc.message(self.console.lang))
            return
        self.console.signed_in(token, manager)
        self.console.go(self.next_route)

    def _show_error(self, text: str) -> None:
        self.error.value = text
        self.error.visible = True
        self.console.last_message = text
        self.console.page.update()
