"""The app shell: one per browser tab / app window. Routes, theme, messages, timers.

The shell owns no rules. It knows which screen a route shows, which mood (normal, discreet
for mystery shopping, kiosk) the screen is drawn in, where to go on start (first run,
resume, kiosk), and it runs two light timers: the sync indicator's refresh and the kiosk's
idle reset. Every event handler is wrapped by `guard` (app/views/errors.py).

Navigation renders the new screen at once on the server side and then tells the browser
(`page.push_route`) so its address bar and back button follow; a route change coming from
the browser (back/forward, a typed address) renders that route.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import logging
import re
import time
import weakref
from collections.abc import Callable
from typing import Any

import flet as ft

from app.errors import UserError
from app.i18n import set_language, t
from app.navigation import split_route
from app.services import DeviceSession, DeviceSync, Workspace
from app.views import theme, ui
from app.views.errors import guard, report

log = logging.getLogger("hallcheck.views")

TICK_SECONDS = 3.0
SNACK_CLEARANCE = 96  # px: a message floats above the bottom bar (a 52-px button + padding)
# After pop_dialog(), how long to wait for the client's "dismissed" before doing what
# follows anyway (close_dialog(then=...)); the close animation takes ~0.15 s.
DIALOG_DISMISS_WAIT = 1.0

# route pattern -> (module, class)
ROUTES: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(p), m, c)
    for p, m, c in [
        (r"^/$", "home", "HomeScreen"),
        (r"^/setup$", "first_run", "FirstRunScreen"),
        (r"^/outlets$", "outlet_picker", "OutletPickerScreen"),
        (r"^/visit/(?P<uuid>[\w-]+)$", "checklist_run", "ChecklistScreen"),
        (r"^/visit/(?P<uuid>[\w-]+)/review$", "review", "ReviewScreen"),
        (r"^/visit/(?P<uuid>[\w-]+)/actions$", "coaching", "ActionsScreen"),
        (r"^/result/(?P<uuid>[\w-]+)$", "review", "ResultScreen"),
        (r"^/history$", "history", "HistoryScreen"),
        (r"^/history/(?P<code>[^/]+)$", "history", "HistoryScreen"),
        (r"^/settings$", "settings", "SettingsScreen"),
        (r"^/sync$", "sync_indicator", "SyncScreen"),
        (r"^/kiosk$", "kiosk", "KioskScreen"),
        (r"^/kiosk/done$", "kiosk", "KioskDoneScreen"),
    ]
]

# screens a locked kiosk may show without the manager PIN (a visit's screens only for
# the kiosk's own outlet)
KIOSK_SCREENS = frozenset({"KioskScreen", "KioskDoneScreen", "ChecklistScreen",
                           "ReviewScreen"})


class AppShell:
    """State of one running UI: the page, the workspace, where we are, and how to talk."""

    def __init__(self, page: ft.Page, ws: Workspace, sync: DeviceSync) -> None:
        self.page = page
        self.ws = ws
        self.sync = sync
        self.session = DeviceSession(ws)
        self.lang = ws.settings.language
        set_language(self.lang)
        self.route: str | None = None
        self.screen: Any = None
        self.visit_kind: str | None = None  # the kind of the visit on screen, if any
        self.kiosk_unlocked = False
        self.last_active = time.monotonic()
        self.last_message: str | None = None  # the last SnackBar text (tests read it)
        self._mood: theme.Mood | None = None
        self._device_cache: tuple[str | None, bool] | None = None
        self._closed = False
        self._ticker: Any = None
        self._tick_failed = False
        self._after_dismiss: dict[int, Callable[[], None]] = {}
        self._dialogs: list[ft.AlertDialog] = []  # shown by dialog(), newest last
        self._wide = False
        self._gallery: list[ft.FilePicker] = []  # the page's one gallery picker, once made
        self._gallery_target: Callable[[], Callable[[Any], None] | None] | None = None

    # -- words -----------------------------------------------------------------------------

    def t(self, key: str, /, **params: Any) -> str:
        return t(key, self.lang, **params)

    def set_language(self, lang: str) -> None:
        self.ws.settings.set_language(lang)
        self.lang = self.ws.settings.language
        set_language(self.lang)
        theme.set_locale(self.page, self.lang)
        self.page.title = self.title()

    def title(self) -> str:
        return self.t("views.discreet.title") if self.discreet else self.t("app.name")

    # -- who and how (decided by services.session) -------------------------------------------

    @property
    def kind(self) -> str:
        """The checklist kind this role does."""
        return self.session.kind

    def _device(self) -> tuple[str | None, bool]:
        """(kiosk outlet, a mystery shopper's device), read from the settings once per
        navigation. Every control asks for the mood; reading the settings database each
        time cost ~7 queries per item card, 1,000+ for a 150-item section: the main part
        of a long section's 2 s (and of the 6.3-s first switch of issue 12)."""
        if self._device_cache is None:
            self._device_cache = (self.session.kiosk_outlet, self.session.discreet(None))
        return self._device_cache

    @property
    def kiosk_outlet(self) -> str | None:
        return self._device()[0]

    @property
    def kiosk_locked(self) -> bool:
        return self.kiosk_outlet is not None and not self.kiosk_unlocked

    @property
    def discreet(self) -> bool:
        if self.visit_kind is not None:
            return self.session.discreet(self.visit_kind)
        return self._device()[1]

    @property
    def mood(self) -> theme.Mood:
        if self.kiosk_outlet is not None:
            return theme.KIOSK
        return theme.DISCREET_MOOD if self.discreet else theme.NORMAL

    def guard(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        return guard(self, fn)

    # -- "从相册选择" --------------------------------------------------------------------------

    def gallery_picker(self) -> ft.FilePicker:
        """The page's one file picker for gallery photos. Every item card's "从相册选择"
        opens it (ft.PickFiles, inside the tap) and says with aim_gallery which card takes
        the pick. One per page, not one per card: each card drawn again (a section opened
        again) registered one more page service that Flet never let go, all day long on a
        kiosk. The shell holds it, so Flet keeps it registered while no card shows."""
        if not self._gallery:
            self._gallery.append(ft.FilePicker(on_result=self.guard(self._gallery_result)))
        return self._gallery[0]

    def aim_gallery(self, take: Callable[[Any], None]) -> None:
        """The next gallery pick goes to `take` (a card's method, held weakly: a card gone
        from the screen takes nothing). The button's click arrives before its pick."""
        self._gallery_target = weakref.WeakMethod(take) if inspect.ismethod(take) \
            else (lambda: take)

    def _gallery_result(self, e: Any) -> None:
        take = self._gallery_target() if self._gallery_target is not None else None
        if take is not None:
            take(e)

    def touch(self) -> None:
        self.last_active = time.monotonic()

    # -- start -----------------------------------------------------------------------------

    def start(self) -> None:
        page = self.page
        page.title = self.title()
        page.padding = 0
        page.on_route_change = self._on_route_change
        page.on_view_pop = self._on_view_pop
        # Only the session's end closes the shell: a disconnect is often a reload or a
        # dropped socket, after which the same session (and this shell) carries on.
        page.on_close = self._on_close
        page.on_resize = self._on_resize
        self._wide = ui.content_width(self) is not None
        self._apply_mood(force=True)
        requested = page.route or "/"
        if self._refused_by_lock(requested):
            # a page loaded at an address the locked kiosk may not show (typed, bookmarked):
            # asked for like any navigation - the kiosk start, and the PIN to open it
            self.go(requested, push=False)
        else:
            self.go(self.initial_route(requested), push=False)
        self._ticker = page.run_task(self._tick_loop)

    def _refused_by_lock(self, route: str) -> bool:
        """A locked kiosk would refuse `route` (its own screens and `/` it shows)."""
        if not self.kiosk_locked or not self.session.is_set_up:
            return False
        path, _query = split_route(route)
        match = self._match(path)
        if match is None or path == "/":
            return False
        params, _module, cls_name = match
        return not self._kiosk_may_show(cls_name, params)

    def initial_route(self, requested: str | None = None) -> str:
        """Where a fresh start lands: setup, the kiosk, the place left, or home. A locked
        kiosk resumes only its own screens (the place left is nobody asking again)."""
        if not self.session.is_set_up:
            return "/setup"
        candidates = []
        if requested and requested not in ("/", ""):
            candidates.append(requested)
        saved = self.session.saved_place()
        if saved:
            candidates.append(saved)
        for route in candidates:
            if self._resumable(route):
                return route
        return self.home_route()

    def _resumable(self, route: str) -> bool:
        path, _query = split_route(route)
        match = self._match(path)
        if match is None or match[1] == "first_run":
            return False
        params, _module, cls_name = match
        if self.kiosk_locked and not self._kiosk_may_show(cls_name, params):
            return False
        uuid = params.get("uuid")
        if uuid:
            return self.session.can_reopen(uuid, as_result=cls_name == "ResultScreen")
        return True

    # -- navigation ------------------------------------------------------------------------

    def _match(self, path: str) -> tuple[dict[str, str], str, str] | None:
        for pattern, module, cls in ROUTES:
            m = pattern.match(path)
            if m:
                return m.groupdict(), module, cls
        return None

    def _kiosk_may_show(self, cls_name: str, params: dict[str, str]) -> bool:
        """What a locked kiosk shows without the PIN: its start and thanks screens, and
        its own outlet's visits."""
        if cls_name not in KIOSK_SCREENS:
            return False
        uuid = params.get("uuid")
        return uuid is None or self.session.kiosk_visit(uuid)

    def go(self, route: str, *, push: bool = True, ask_pin: bool = True) -> None:
        """Show `route` now (and tell the browser). Unknown routes land on home. A locked
        kiosk refuses what it may not show: it stays on its start screen and (unless
        `ask_pin` is False, e.g. for a screen's own redirect) asks for the manager PIN,
        which then opens what was asked for."""
        requested = route
        self._device_cache = None  # role or kiosk may have changed: read them again
        path, query = split_route(route)
        match = self._match(path)
        if match is None:
            route, path, query = "/", "/", {}
            match = self._match("/")
            assert match is not None
        params, module_name, cls_name = match
        refused = False
        if self.kiosk_locked and path == "/":
            route, path, query = "/kiosk", "/kiosk", {}  # a kiosk's home is its start
            params, module_name, cls_name = {}, "kiosk", "KioskScreen"
        elif self.kiosk_locked and not self._kiosk_may_show(cls_name, params):
            refused = True
            route, path, query = "/kiosk", "/kiosk", {}
            params, module_name, cls_name = {}, "kiosk", "KioskScreen"
        if module_name != "first_run" and not self.session.is_set_up:
            route, path, query = "/setup", "/setup", {}
            params, module_name, cls_name = {}, "first_run", "FirstRunScreen"
        module = importlib.import_module(f"app.views.{module_name}")
        screen_cls = getattr(module, cls_name)
        old = self.screen
        self.visit_kind = None
        try:
            screen = screen_cls(self, **params, **query)
            self._apply_mood()
            view = screen.build()
        except ui.Redirect as redirect:
            self.go(redirect.route, push=push, ask_pin=False)
            return
        except Exception as exc:  # a screen that cannot be built: say so, go home
            report(self, exc)
            if route != "/" and module_name != "first_run":
                self.go(self.home_route(), push=push, ask_pin=False)
            return
        if old is not None:
            old.dispose()
        self.screen = screen
        self.route = route
        self.page.title = self.title()
        self.page.views.clear()
        self.page.views.append(view)
        self.page.update()
        if module_name != "first_run":
            self.session.save_place(route)
        guard(self, screen.after_show)()
        if push or route != requested:
            self._push_browser_route(route)
        if refused and ask_pin:
            self._ask_pin_to_open(requested)

    def _ask_pin_to_open(self, route: str) -> None:
        if any(d.open for d in self._dialogs):  # one PIN dialog at a time
            return
        log.info("kiosk: %s refused until the manager PIN is given", split_route(route)[0])
        self.ask_pin(lambda: self.go(route), reason=self.t("views.kiosk.pin_locked"))

    def refresh(self) -> None:
        """Rebuild the current screen from the services (e.g. after a language change)."""
        if self.route:
            self.go(self.route, push=False, ask_pin=False)

    def home_route(self) -> str:
        return "/kiosk" if self.kiosk_outlet else "/"

    def _push_browser_route(self, route: str) -> None:
        async def push() -> None:
            try:
                await asyncio.wait_for(self.page.push_route(route), timeout=5)
            except (TimeoutError, RuntimeError) as exc:  # no answer, or the tab is gone
                log.info("the browser's address bar did not follow to %s: %r",
                         split_route(route)[0], exc)

        self.page.run_task(push)

    def _on_route_change(self, e: ft.RouteChangeEvent) -> None:
        route = e.route or self.page.route
        if route and route != self.route:
            guard(self, lambda: self.go(route, push=False))()

    def _on_view_pop(self, e: Any) -> None:
        guard(self, lambda: self.go(self.home_route()))()

    def _on_resize(self, _e: Any = None) -> None:
        """A phone turned or a window resized across the tablet width: lay out again."""
        wide = ui.content_width(self) is not None
        if wide != self._wide:
            self._wide = wide
            guard(self, self.refresh)()

    def _apply_mood(self, force: bool = False) -> None:
        mood = self.mood
        if force or mood != self._mood:
            theme.apply(self.page, mood)
            theme.set_locale(self.page, self.lang)
            self._mood = mood

    # -- talking to the user ---------------------------------------------------------------

    def notify(self, text: str, *, error: bool = False) -> None:
        """A short message at the bottom of the screen (errors stay a little longer)."""
        self.last_message = text
        bar = ft.SnackBar(
            content=ft.Text(text, color=ft.Colors.WHITE, size=self.mood.fs(15)),
            bgcolor=theme.FAIL if error else "#323232",
            duration=ft.Duration(milliseconds=7000 if error else 3500),
            show_close_icon=error,
            behavior=ft.SnackBarBehavior.FLOATING,
            # above a screen's bottom bar (its main button), not over it (issue 12)
            margin=ft.Margin.only(left=12, right=12, bottom=SNACK_CLEARANCE),
        )
        try:
            self.page.show_dialog(bar)
        except RuntimeError:  # the session is gone: nobody to tell
            log.info("message not shown (the page is gone)")

    def dialog(self, title: str, content: ft.Control | str, actions: list[ft.Control], *,
               modal: bool = True) -> ft.AlertDialog:
        """Show a dialog. Close it with `close_dialog()`; what should happen once it is
        gone (another screen, a rebuilt one) goes in `close_dialog(then=...)`."""
        if isinstance(content, str):
            content = ft.Text(content, size=self.mood.fs(15))
        dlg = ft.AlertDialog(
            modal=modal,
            title=ft.Text(title, size=self.mood.fs(18), weight=ft.FontWeight.W_600),
            content=content,
            actions=actions,
            actions_alignment=ft.MainAxisAlignment.END,
            scrollable=True,
            on_dismiss=self._dialog_dismissed,
        )
        self.page.show_dialog(dlg)
        self._dialogs.append(dlg)
        return dlg

    def close_dialog(self, *, then: Callable[[], Any] | None = None) -> None:
        """Close the dialog on top; then (optionally) run `then`, e.g. a navigation.

        `then` runs only once the client reports the dialog dismissed (or after
        DIALOG_DISMISS_WAIT): measured in Chromium with flet 1.0.5, replacing the view in
        the same update as pop_dialog() leaves a dialog holding a focused TextField on
        screen for good (tests/e2e/NEEDS.md, bug 1)."""
        # ours on top (not a SnackBar shown over it, e.g. an error message)
        self._dialogs = [d for d in self._dialogs if d.open]
        dlg: Any = self._dialogs.pop() if self._dialogs else None
        try:
            if dlg is not None:
                dlg.open = False
                dlg.update()
            else:
                dlg = self.page.pop_dialog()  # one shown elsewhere (the camera view)
        except RuntimeError:  # already gone from the page
            log.debug("dialog already closed", exc_info=True)
        if then is None:
            return
        done = False

        def run() -> None:
            nonlocal done
            if done or self._closed:
                return
            done = True
            self._after_dismiss.pop(id(dlg), None)
            guard(self, then)()

        if dlg is None or getattr(dlg, "on_dismiss", None) is None \
                or not isinstance(dlg, ft.AlertDialog):
            run()
            return
        self._after_dismiss[id(dlg)] = run

        async def fallback() -> None:
            await asyncio.sleep(DIALOG_DISMISS_WAIT)
            run()

        self.page.run_task(fallback)

    def _dialog_dismissed(self, e: Any) -> None:
        run = self._after_dismiss.pop(id(getattr(e, "control", None)), None)
        if run is not None:
            run()

    def confirm(self, title: str, body: str, ok_label: str, on_ok: Callable[[], Any], *,
                danger: bool = False, cancel_label: str | None = None) -> None:
        def ok() -> None:
            self.close_dialog(then=on_ok)

        self.dialog(title, body, [
            ui.dialog_button(self, cancel_label or self.t("views.cancel"), self.close_dialog,
                             filled=False),
            ui.dialog_button(self, ok_label, ok, danger=danger),
        ])

    def ask_pin(self, on_ok: Callable[[], Any], *, reason: str | None = None) -> None:
        """Ask for the manager PIN; `on_ok()` runs only after the right one."""
        settings = self.ws.settings
        if not settings.has_manager_pin:
            self.notify(self.t("views.kiosk.no_pin"), error=True)
            return
        field = ft.TextField(
            label=self.t("views.kiosk.pin"), password=True, can_reveal_password=True,
            keyboard_type=ft.KeyboardType.NUMBER, autofocus=True, max_length=8,
            text_size=self.mood.fs(18),
        )
        error = ft.Text("", color=theme.FAIL, size=self.mood.fs(14))

        def check(_e: Any = None) -> None:
            attempt = settings.try_manager_pin(field.value or "")
            if attempt.ok:
                self.kiosk_unlocked = True
                self.close_dialog(then=on_ok)
                return
            # after a few wrong tries each one waits longer, and says for how long
            wait = self.duration(attempt.wait_seconds)
            error.value = self.t("views.kiosk.pin_refused", wait=wait) if attempt.refused \
                else self.t("views.kiosk.pin_wait", wait=wait) if attempt.wait_seconds \
                else self.t("views.kiosk.pin_wrong")
            field.value = ""
            self.page.update()

        field.on_submit = self.guard(check)
        self.dialog(
            self.t("views.kiosk.pin_title"),
            ft.Column([ft.Text(reason or self.t("views.kiosk.pin_body"),
                               size=self.mood.fs(15)), field, error], tight=True),
            [ui.dialog_button(self, self.t("views.cancel"), self.close_dialog, filled=False),
             ui.dialog_button(self, self.t("views.kiosk.unlock"), check)],
        )

    def duration(self, seconds: float) -> str:
        """A wait as people say it: "30 秒", "2 分钟"."""
        if seconds < 60:
            return self.t("views.duration.seconds", n=max(1, round(seconds)))
        return self.t("views.duration.minutes", n=-(-int(seconds) // 60))

    def run_background(self, work: Callable[[], Any], done: Callable[[Any], Any] | None = None,
                       ) -> None:
        """Run `work()` on a worker thread; then `done(result)`. An error in either is
        shown like any other (a UserError's own words; anything else logged with its
        traceback and shown as error.unexpected)."""

        def runner() -> None:
            try:
                result = work()
                if done is not None:
                    done(result)
            except Exception as exc:  # a worker thread: nothing above it would say it
                report(self, exc)
            ui.redraw(self.page)

        self.page.run_thread(runner)

    # -- timers ----------------------------------------------------------------------------

    async def _tick_loop(self) -> None:
        while not self._closed:
            await asyncio.sleep(TICK_SECONDS)
            if self._closed:
                break
            try:
                self._tick()
            except Exception as exc:  # the timer must outlive one bad round
                if self._tick_failed:  # said once; the log keeps every one
                    log.exception("the screen's timer failed again")
                else:
                    self._tick_failed = True
                    report(self, exc)

    def _tick(self) -> None:
        screen = self.screen
        if screen is not None:
            screen.refresh_sync()
        if self.kiosk_outlet is not None and self.idle_expired():
            self.touch()
            self.kiosk_reset()

    def idle_minutes(self) -> float:
        return self.session.idle_minutes()

    def idle_expired(self) -> bool:
        if self.route in ("/kiosk",):
            return self.kiosk_unlocked and time.monotonic() - self.last_active > \
                self.idle_minutes() * 60
        return time.monotonic() - self.last_active > self.idle_minutes() * 60

    def kiosk_reset(self) -> None:
        """Back to a fresh kiosk start: lock again, nothing of the last person on screen."""
        self.kiosk_unlocked = False
        self.close_dialog(then=lambda: self.go("/kiosk"))

    def _on_close(self, _e: Any = None) -> None:
        self._closed = True


def run_page(page: ft.Page, open_workspace: Callable[[], Workspace],
             open_sync: Callable[[], DeviceSync]) -> AppShell | None:
    """The Flet `main(page)` (the entry point hands over how to reach the device's data
    and sync): never lets an error reach the screen as a traceback."""
    try:
        app = AppShell(page, open_workspace(), open_sync())
        app.start()
        return app
    except UserError as exc:  # e.g. an unreadable checklist file, said in plain words
        log.warning("the app could not start: %s", exc.key)
        text = exc.message()
    except Exception:  # the last line: the person gets a sentence, the log the traceback
        log.exception("the app could not start")
        text = t("views.start_failed")
    theme.apply(page, theme.NORMAL)
    page.views.clear()
    page.views.append(ft.View(route="/", controls=[
        ft.Container(ft.Text(text, size=16), padding=ft.Padding.all(24))]))
    page.update()
    return None
