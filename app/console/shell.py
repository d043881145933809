"""The console shell: one per browser tab. Session, language, routes, messages, dialogs.

The shell owns no rules: every page asks `app.central`'s services (accounts, review,
exports) and shows what they answer. The login token lives only in this Flet session's
store (server side, per browser tab); it is never logged, never put in a URL. Every
navigation re-checks the session with `accounts.session_manager`, so an idle or ended
session sends the user back to the login page with a sentence saying why.

Every event handler goes through `guard`: a `UserError` is shown in the user's language,
anything else is logged and shown as `console.unexpected`; never a traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

import flet as ft

from app.central.context import ServerContext
from app.console import theme
from app.console.files import ConsoleFiles
from app.errors import UserError
from app.i18n import set_language, t
from app.navigation import make_route, split_route

log = logging.getLogger("hallcheck.console")

TOKEN_KEY = "console_token"
LANG_KEY = "console_lang"
DIALOG_DISMISS_WAIT = 1.0  # s: how long to wait for the browser to report a dialog closed

# route pattern -> (module, class); the login page is the only one without a session
ROUTES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p), m, c) for p, m, c in [
        (r"^/login$", "login", "LoginPage"),
        (r"^/$", "queue", "QueuePage"),
        (r"^/queue$", "queue", "QueuePage"),
        (r"^/result/(?P<uuid>[0-9a-fA-F-]{36})$", "result", "ResultPage"),
        (r"^/result/(?P<uuid>[0-9a-fA-F-]{36})/amend$", "amend", "AmendPage"),
        (r"^/outlets$", "outlets", "OutletsPage"),
        (r"^/outlets/(?P<code>[^/]{1,64})$", "outlets", "OutletHistoryPage"),
        (r"^/inspectors$", "inspectors", "InspectorsPage"),
        # month close (issue 9): the months, one month, one outlet's month card
        (r"^/months$", "months", "MonthsPage"),
        (r"^/months/(?P<month>[0-9]{4}-[0-9]{2})$", "months", "MonthPage"),
        (r"^/months/(?P<month>[0-9]{4}-[0-9]{2})/(?P<code>[^/]{1,64})$", "month_card",
         "MonthCardPage"),
        # visit plans (issue 10): the month's covert and coaching plans and their status
        (r"^/plans$", "plans", "PlansRoot"),
        (r"^/plans/(?P<month>[0-9]{4}-[0-9]{2})$", "plans", "PlansPage"),
        # customer perception (issue 11): satisfaction, intercept coverage, alignment
        (r"^/perception$", "perception", "PerceptionPage"),
    ]
]


class Redirect(Exception):
    """Raised while a page loads: show `route` instead."""

    def __init__(self, route: str) -> None:
        super().__init__(route)
        self.route = route


class Page:
    """One console page: `build()` returns its body; the shell frames it."""

    nav = ""  # which top-bar entry is highlighted

    def __init__(self, console: Console, **params: str) -> None:
        self.console = console
        self.params = params

    @property
    def manager(self) -> Any:
        return self.console.manager

    def t(self, key: str, /, **params: Any) -> str:
        return self.console.t(key, **params)

    def on(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return self.console.guard(fn)

    def go(self, route: str) -> Callable[..., Any]:
        return self.console.guard(lambda: self.console.go(route))

    def title(self) -> str:
        return self.t("console.title")

    def build(self) -> list[ft.Control]:  # pragma: no cover - every page overrides it
        raise NotImplementedError

    def dispose(self) -> None:
        """The page is left (stop timers)."""


class Console:
    """State of one browser tab on the console."""

    def __init__(self, page: ft.Page, ctx: ServerContext, files: ConsoleFiles) -> None:
        self.page = page
        self.ctx = ctx
        self.files = files
        store = page.session.store
        self.lang: str = store.get(LANG_KEY) or "zh"
        set_language(self.lang)
        self.manager: Any = None
        self.route: str | None = None
        self.screen: Page | None = None
        self.queue_filter: Any = None  # the review queue's filter, kept while navigating
        self.queue_offset = 0
        self.last_message: str | None = None
        self._dialogs: list[ft.AlertDialog] = []
        self._after_dismiss: dict[int, Callable[[], None]] = {}

    # -- words --------------------------------------------------------------------------
    def t(self, key: str, /, **params: Any) -> str:
        return t(key, self.lang, **params)

    def switch_label(self) -> str:
        """The other language, named in itself (English / 简体中文)."""
        return t("lang.en", "en") if self.lang == "zh" else t("lang.zh", "zh")

    def switch_language(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"
        self.page.session.store.set(LANG_KEY, self.lang)
        set_language(self.lang)
        self.refresh()

    # -- the session --------------------------------------------------------------------
    @property
    def token(self) -> str | None:
        token = self.page.session.store.get(TOKEN_KEY)
        return token if isinstance(token, str) else None

    def signed_in(self, token: str, manager: Any) -> None:
        from app.console import resume  # the tab's sign-in survives its worker (issue 13)

        self.page.session.store.set(TOKEN_KEY, resume.bind(self.ctx, self.page, token))
        self.manager = manager

    def check_session(self) -> Any:
        """The logged-in manager, re-checked (idle and absolute expiry), or None."""
        from app.central import accounts

        token = self.token
        manager = accounts.session_manager(self.ctx, token) if token else None
        if manager is None and token:
            self.page.session.store.remove(TOKEN_KEY)
            self.manager = None
            self.notify(self.t("console.session_expired"), error=True)
        self.manager = manager
        return manager

    def logout(self) -> None:
        from app.central import accounts

        token = self.token
        if token:
            accounts.logout(self.ctx, token)
            self.page.session.store.remove(TOKEN_KEY)
        self.manager = None
        self.queue_filter = None
        self.go("/login")
        self.notify(self.t("console.login.logged_out"))

    # -- start and navigation -----------------------------------------------------------
    def start(self) -> None:
        page = self.page
        theme.apply(page)
        page.title = self.t("console.title")
        page.on_route_change = self._on_route_change
        page.on_view_pop = lambda _e: self.guard(lambda: self.go("/"))()
        self.go(page.route or "/", push=False)

    def _match(self, path: str) -> tuple[dict[str, str], str, str] | None:
        for pattern, module, cls in ROUTES:
            m = pattern.match(path)
            if m:
                return m.groupdict(), module, cls
        return None

    def go(self, route: str, *, push: bool = True, from_browser: bool = False) -> None:
        """Show `route` now (and tell the browser). Unknown routes land on the queue;
        everything but the login page needs a live session."""
        path, query = split_route(route)
        match = self._match(path)
        if match is None:
            route, path, query = "/", "/", {}
            match = self._match("/")
            assert match is not None
        params, module_name, cls_name = match
        if module_name != "login" and self.check_session() is None:
            next_route = route if route not in ("/", "/login") else None
            route, query = make_route("/login", next=next_route), {"next": next_route or ""}
            params, module_name, cls_name = {}, "login", "LoginPage"
        screen_cls = getattr(_page_modules()[module_name], cls_name)
        if from_browser and module_name == "login" and type(self.screen) is screen_cls:
            # the browser reporting a route late (its first one, back/forward) while the
            # login page is up: keep it, with what has been typed (a new page would have
            # empty fields while Flutter still showed the old text)
            return
        try:
            screen = screen_cls(self, **params, **{k: v for k, v in query.items() if v})
            body = screen.build()
        except Redirect as redirect:
            self.go(redirect.route, push=push)
            return
        except Exception as exc:
            self.report(exc)
            if module_name not in ("queue", "login"):
                self.go("/", push=push)
            return
        if self.screen is not None:
            with contextlib.suppress(Exception):
                self.screen.dispose()
        self.screen = screen
        self.route = route
        self.page.title = screen.title()
        self.page.views.clear()
        self.page.views.append(self._frame(screen, body, route))
        self.page.update()
        if push:
            self._push_browser_route(route)

    def refresh(self) -> None:
        if self.route:
            self.go(self.route, push=False)

    def _push_browser_route(self, route: str) -> None:
        async def push() -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.page.push_route(route), timeout=5)

        with contextlib.suppress(Exception):
            self.page.run_task(push)

    def _on_route_change(self, e: Any) -> None:
        route = getattr(e, "route", None) or self.page.route
        if route and route != self.route:
            self.guard(lambda: self.go(route, push=False, from_browser=True))()

    # -- the frame ------------------------------------------------------------------------
    def _frame(self, screen: Page, body: list[ft.Control], route: str) -> ft.View:
        content = ft.Container(
            content=ft.Column(body, spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            width=theme.MAX_WIDTH, padding=ft.Padding.symmetric(horizontal=20, vertical=16))
        return ft.View(
            route=route,
            appbar=self._appbar(screen) if self.manager is not None else None,
            controls=[ft.Row([content], alignment=ft.MainAxisAlignment.CENTER,
                             vertical_alignment=ft.CrossAxisAlignment.START)],
            scroll=ft.ScrollMode.AUTO,
            bgcolor=theme.PAGE_BG,
            padding=0,
        )

    def _appbar(self, screen: Page) -> ft.AppBar:
        m = self.manager

        def nav(key: str, route: str, name: str) -> ft.Control:
            selected = screen.nav == name
            return ft.TextButton(
                self.t(key), on_click=self.guard(lambda: self.go(route)),
                style=ft.ButtonStyle(
                    color=ft.Colors.WHITE,
                    bgcolor="#00564B" if selected else None,
                    text_style=theme.text_style(size=15, weight=ft.FontWeight.W_600
                                                if selected else ft.FontWeight.NORMAL)))

        role = self.t(f"accounts.role.{m.role}")
        who = (self.t("console.signed_in_unit", name=m.display_name, role=role,
                      unit=m.business_unit) if m.business_unit
               else self.t("console.signed_in", name=m.display_name, role=role))
        white = ft.ButtonStyle(color=ft.Colors.WHITE, text_style=theme.text_style(size=14))
        return ft.AppBar(
            title=ft.Text(self.t("console.title"), color=ft.Colors.WHITE, size=18,
                          weight=ft.FontWeight.W_600),
            bgcolor=theme.PRIMARY,
            automatically_imply_leading=False,
            actions=[
                nav("console.nav.queue", "/", "queue"),
                nav("console.nav.outlets", "/outlets", "outlets"),
                nav("console.nav.inspectors", "/inspectors", "inspectors"),
                nav("console.nav.months", "/months", "months"),  # month close (issue 9)
                nav("planning.console.nav", "/plans", "plans"),  # visit plans (issue 10)
                nav("perception.console.nav", "/perception", "perception"),  # issue 11
                ft.Container(width=24),
                ft.Text(who, color=ft.Colors.WHITE, size=13),
                ft.TextButton(self.switch_label(), style=white,
                              tooltip=self.t("console.lang.switch_tip"),
                              on_click=self.guard(self.switch_language)),
                ft.TextButton(self.t("console.logout"), style=white,
                              on_click=self.guard(self.logout)),
                ft.Container(width=8),
            ],
        )

    # -- talking to the user --------------------------------------------------------------
    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """`fn` as an event handler whose errors become sentences (sync or async).

        A signed-in page re-checks the session before every event: a click on a page left
        open after the session ended (idle, logged out elsewhere, account disabled) leads
        to the login page and does nothing else."""
        wants_event = _param_count(fn) > 0
        if inspect.iscoroutinefunction(fn):

            async def async_wrapper(e: Any = None) -> None:
                try:
                    if self._session_lost():
                        return
                    await (fn(e) if wants_event else fn())
                except Exception as exc:
                    self.report(exc)

            return async_wrapper

        def wrapper(e: Any = None) -> None:
            try:
                if self._session_lost():
                    return
                fn(e) if wants_event else fn()
            except Exception as exc:
                self.report(exc)

        return wrapper

    def _session_lost(self) -> bool:
        """True (and the login page shown) when a signed-in session has ended."""
        if self.manager is None:  # not signed in: the login page's own handlers
            return False
        if self.check_session() is not None:
            return False
        self._dialogs = [d for d in self._dialogs if d.open]
        while self._dialogs:
            self.close_dialog()
        path, _ = split_route(self.route or "/")
        self.go(make_route("/login", next=self.route if path not in ("/", "/login") else None))
        return True

    def report(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            log.info("console: user error %s", exc.key)
            try:
                text = exc.message(self.lang)
            except Exception:
                log.exception("rendering a user error failed")
                text = self.t("console.unexpected")
            self.notify(text, error=True)
            return
        log.error("console: unexpected error", exc_info=exc)
        self.notify(self.t("console.unexpected"), error=True)

    def notify(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        bar = ft.SnackBar(
            content=ft.Text(text, color=ft.Colors.WHITE, size=15),
            bgcolor=theme.FAIL if error else "#323232",
            duration=ft.Duration(milliseconds=8000 if error else 4000),
            show_close_icon=error,
            behavior=ft.SnackBarBehavior.FLOATING,
            width=640,
        )
        with contextlib.suppress(Exception):
            self.page.show_dialog(bar)

    def dialog(self, title: str, content: ft.Control, actions: list[ft.Control]
               ) -> ft.AlertDialog:
        """Show a modal dialog; close it with `close_dialog(then=...)`."""
        dlg = ft.AlertDialog(modal=True,
                             title=ft.Text(title, size=18, weight=ft.FontWeight.W_600),
                             content=content, actions=actions,
                             actions_alignment=ft.MainAxisAlignment.END, scrollable=True,
                             on_dismiss=self._dialog_dismissed)
        self.page.show_dialog(dlg)
        self._dialogs.append(dlg)
        return dlg

    def close_dialog(self, *, then: Callable[[], Any] | None = None) -> None:
        """Close the dialog on top, then run `then` once the browser reports it gone (or
        after DIALOG_DISMISS_WAIT): replacing the page in the same update as the close
        leaves a dialog with a focused text field on screen (flet 1.0.5, measured by the
        device app's tests)."""
        self._dialogs = [d for d in self._dialogs if d.open]
        dlg = self._dialogs.pop() if self._dialogs else None
        if dlg is not None:
            with contextlib.suppress(Exception):
                dlg.open = False
                dlg.update()
        if then is None:
            return
        done = False

        def run() -> None:
            nonlocal done
            if done:
                return
            done = True
            if dlg is not None:
                self._after_dismiss.pop(id(dlg), None)
            self.guard(then)()

        if dlg is None:
            run()
            return
        self._after_dismiss[id(dlg)] = run

        async def fallback() -> None:
            await asyncio.sleep(DIALOG_DISMISS_WAIT)
            run()

        try:
            self.page.run_task(fallback)
        except Exception:  # no event loop (a bare test page): at once
            run()

    def _dialog_dismissed(self, e: Any) -> None:
        run = self._after_dismiss.pop(id(getattr(e, "control", None)), None)
        if run is not None:
            run()


def _page_modules() -> dict[str, Any]:
    """The page modules by name (imported here, not by name, so a PyInstaller bundle
    finds them; they import this module, hence not at the top)."""
    from app.console import (  # months, month_card: month close (issue 9)
        amend,
        inspectors,
        login,
        month_card,
        months,
        outlets,
        perception,  # customer perception (issue 11)
        plans,  # visit plans (issue 10)
        queue,
        result,
    )

    return {"amend": amend, "inspectors": inspectors, "login": login, "outlets": outlets,
            "queue": queue, "result": result,
            "months": months, "month_card": month_card,
            "plans": plans,
            "perception": perception}  # customer perception (issue 11)


def _param_count(fn: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 1
    return sum(1 for p in params
               if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
               and p.default is p.empty)


def make_main(ctx: ServerContext, files: ConsoleFiles) -> Callable[[ft.Page], None]:
    """The Flet entry point for one browser tab."""

    def main(page: ft.Page) -> None:
        from app.console import resume  # a tab whose worker died comes back signed in

        carried = resume.resume(ctx, page)
        if carried:
            page.session.store.set(TOKEN_KEY, carried)
        Console(page, ctx, files).start()

    return main
