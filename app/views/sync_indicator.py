"""The sync indicator (on every main screen) and the screen behind it: what is waiting, why.

The indicator always tells the truth in one short phrase: not connected to a central
endpoint / offline / syncing / N waiting / synced at 14:05 / needs attention. Tapping it
opens the sync screen: every visit still waiting to be sent, what went wrong with each
(in plain words), and a "sync now" button when a sync runner is attached.

The status comes from the background sync runner (app.sync) when there is one; without it
the indicator counts the outbox itself and says the device is not connected yet.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import flet as ft

from app.views import theme, ui

log = logging.getLogger("hallcheck.views")


@dataclass(frozen=True)
class SyncStatus:
    state: str  # not_enrolled | offline | syncing | waiting | synced | attention | idle
    waiting: int = 0
    attention: int = 0
    last_synced: datetime | None = None
    detail: str | None = None  # the last error, in the user's words when we have them


def attach_runner(app: Any) -> Any:
    """The process's background sync runner (app.sync.runner), started on first use."""
    try:
        from app.views.shell import sync_runner

        return sync_runner(app.ws)
    except Exception:
        log.warning("the background sync could not start", exc_info=True)
        return None


def wake(app: Any) -> None:
    """Ask the runner to try now (after a finalise, an enrolment, "sync now")."""
    runner = getattr(app, "sync_runner", None)
    if runner is not None:
        with contextlib.suppress(Exception):
            runner.wake()


def status(app: Any) -> SyncStatus:
    """The status right now: from the runner, or counted from the outbox."""
    runner = getattr(app, "sync_runner", None)
    if runner is not None:
        with contextlib.suppress(Exception):
            raw = runner.status() if callable(getattr(runner, "status", None)) \
                else runner.status
            return _from_runner(raw, app)
    ws = app.ws
    waiting = len(ws.inspections.outbox())
    attention = len(ws.inspections.needs_attention())
    settings = ws.settings
    if attention:
        return SyncStatus("attention", waiting, attention)
    if not settings.endpoint or not settings.device_token:
        return SyncStatus("not_enrolled", waiting, attention)
    return SyncStatus("waiting" if waiting else "idle", waiting, attention)


def _from_runner(raw: Any, app: Any) -> SyncStatus:
    if isinstance(raw, SyncStatus):
        return raw
    attention = getattr(raw, "attention", ()) or ()
    count = len(attention) if isinstance(attention, (tuple, list)) else int(attention or 0)
    message = getattr(raw, "message", None)
    state = str(getattr(raw, "state", "idle") or "idle")
    waiting = int(getattr(raw, "waiting", 0) or 0)
    if state == "not_enrolled":
        message = None  # the indicator's own sentence says it, with what to do
    if state != "syncing":
        # the runner's count is from its last round (a visit finalised since - e.g. while
        # the endpoint is down - is not in it yet): the outbox is the truth, and cheap
        with contextlib.suppress(Exception):
            waiting = len(app.ws.inspections.outbox())
    return SyncStatus(state=state, waiting=waiting, attention=count,
                      last_synced=getattr(raw, "last_synced_at", None), detail=message)


def describe(app: Any, st: SyncStatus) -> tuple[str, str, Any, str]:
    """(short text, full sentence, icon, colour) for a status."""
    t = app.t
    last = ui.when(st.last_synced, app.lang) if st.last_synced else None
    if st.state == "attention" or st.attention:
        return (t("views.sync.attention_short", n=st.attention or 1),
                t("views.sync.attention", n=st.attention or 1),
                ft.Icons.ERROR_OUTLINE, theme.FAIL)
    if st.state == "syncing":
        return (t("views.sync.syncing_short"), t("views.sync.syncing", n=st.waiting),
                ft.Icons.SYNC, theme.PRIMARY)
    if st.state == "offline":
        return (t("views.sync.offline_short", n=st.waiting) if st.waiting
                else t("views.sync.offline_short0"),
                t("views.sync.offline", n=st.waiting), ft.Icons.CLOUD_OFF, theme.WARN)
    if st.state == "not_enrolled":
        return (t("views.sync.not_enrolled_short", n=st.waiting) if st.waiting
                else t("views.sync.not_enrolled_short0"),
                t("views.sync.not_enrolled", n=st.waiting), ft.Icons.CLOUD_OFF_OUTLINED,
                theme.MUTED)
    if st.waiting:
        return (t("views.sync.waiting_short", n=st.waiting),
                t("views.sync.waiting", n=st.waiting), ft.Icons.CLOUD_UPLOAD_OUTLINED,
                theme.WARN)
    if last:
        return (t("views.sync.synced_short", when=last), t("views.sync.synced", when=last),
                ft.Icons.CLOUD_DONE_OUTLINED, theme.OK)
    return (t("views.sync.idle_short"), t("views.sync.idle"), ft.Icons.CLOUD_QUEUE,
            theme.MUTED)


class SyncBadge:
    """The indicator: a small button with an icon and a short phrase; opens /sync."""

    def __init__(self, app: Any, *, compact: bool = False) -> None:
        self.app = app
        self.compact = compact
        self.icon = ft.Icon(ft.Icons.CLOUD_QUEUE, size=18)
        self.text = ft.Text("", size=app.mood.fs(12), max_lines=1,
                            overflow=ft.TextOverflow.ELLIPSIS)
        self.button = ft.TextButton(
            content=ft.Row([self.icon, self.text], spacing=4, tight=True),
            on_click=app.guard(lambda: app.go("/sync")),
            style=ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=8, vertical=6)),
        )
        self.control = ft.Semantics(content=self.button, identifier="sync-indicator",
                                    container=True)
        self._last: tuple[Any, ...] | None = None
        self.refresh(update=False)

    def refresh(self, *, update: bool = True) -> None:
        try:
            st = status(self.app)
        except Exception:
            log.debug("sync status unavailable", exc_info=True)
            return
        short, sentence, icon, colour = describe(self.app, st)
        key = (short, sentence, icon, colour)
        if key == self._last:
            return
        self._last = key
        if self.compact and len(short) > 10 and st.state not in ("attention",):
            # on a phone's top bar the icon and the number say it; the tooltip says all
            short = str(st.waiting) if st.waiting else ""
        self.text.value = short
        self.text.color = colour
        self.icon.icon = icon
        self.icon.color = colour
        self.button.tooltip = sentence
        self.control.label = sentence
        if update:
            with contextlib.suppress(Exception):
                self.control.update()


class SyncScreen(ui.Screen):
    """What is waiting to be sent, and why something failed."""

    name = "sync"

    def build(self) -> ft.View:
        app = self.app
        ws = app.ws
        st = status(app)
        short, sentence, icon, colour = describe(app, st)
        body: list[ft.Control] = [
            theme.card(ft.Row([ft.Icon(icon, color=colour, size=28),
                               ft.Column([ui.heading(app, short, color=colour),
                                          ui.body_text(app, sentence)],
                                         spacing=2, expand=True)],
                              vertical_alignment=ft.CrossAxisAlignment.START),
                       mood=app.mood),
        ]
        if st.detail:
            body.append(theme.card(ui.body_text(app, self.t("views.sync.last_error",
                                                             detail=st.detail)),
                                   mood=app.mood))
        runner = getattr(app, "sync_runner", None)
        if runner is not None and st.state != "not_enrolled":
            body.append(ui.primary_button(app, self.t("views.sync.now"), self.sync_now,
                                          icon=ft.Icons.SYNC))
        if st.state == "not_enrolled":
            body.append(ui.secondary_button(app, self.t("views.sync.enrol"),
                                            lambda: app.go("/settings"),
                                            icon=ft.Icons.LINK))

        attention = ws.inspections.needs_attention()
        if attention:
            body.append(ui.heading(app, self.t("views.sync.attention_list")))
            body += [self._row(s, problem=True) for s in attention]
        from app.services.returns import returned_results  # a reviewer's returns

        returned = [r for r in returned_results(ws.store) if r.needs_amendment]
        if returned:
            body.append(ui.heading(app, self.t("review.device.returned_count",
                                               count=len(returned))))
            body += [self._returned_row(r) for r in returned]
        outbox = ws.inspections.outbox()
        body.append(ui.heading(app, self.t("views.sync.waiting_list", n=len(outbox))))
        if outbox:
            body += [self._row(s) for s in outbox]
        else:
            body.append(ui.empty_state(app, self.t("views.sync.nothing_waiting"),
                                       ft.Icons.CLOUD_DONE_OUTLINED))
        return ui.frame(app, "/sync", body,
                        appbar=ui.appbar(app, self.t("views.sync.title"),
                                         back=app.home_route()),
                        identifier="screen-sync")

    def _row(self, s: Any, *, problem: bool = False) -> ft.Control:
        app = self.app
        outlet = s.outlet_name or s.outlet_code
        title = outlet if not app.discreet else self.t("views.discreet.entry",
                                                        name=outlet)
        lines: list[ft.Control] = [
            ui.body_text(app, title, weight=ft.FontWeight.W_600),
            ui.muted(app, self.t("views.sync.row", when=ui.when(s.finished_at or
                                                                  s.started_at, app.lang),
                                 state=self.t(f"views.sync.state.{s.sync_state}"))),
        ]
        if s.sync_error:
            lines.append(ui.body_text(app, self.t("views.sync.why", why=_plain_error(
                app, s.sync_error)), color=theme.FAIL, size=14))
        elif problem:
            lines.append(ui.body_text(app, self.t(f"views.sync.problem.{s.sync_state}"),
                                      color=theme.FAIL, size=14))
        return ui.tappable(app, ft.Column(lines, spacing=2),
                           lambda: app.go(f"/result/{s.uuid}"),
                           label=self.t("views.sync.open_row", name=outlet))

    def _returned_row(self, r: Any) -> ft.Control:
        """A result the reviewer returned: why, and a tap to open it and amend it."""
        app = self.app
        title = r.outlet_code if not app.discreet else self.t("views.discreet.entry",
                                                               name=r.outlet_code)
        why = (self.t("review.device.returned_reason", reason=r.reason) if r.reason
               else self.t("review.device.returned_no_reason"))
        lines: list[ft.Control] = [
            ui.body_text(app, title, weight=ft.FontWeight.W_600),
            ui.muted(app, f"{ui.when(r.started_at, app.lang)} · "
                          f"{self.t('review.device.returned')}"),
            ui.body_text(app, why, color=theme.FAIL, size=14),
        ]
        return ui.tappable(app, ft.Column(lines, spacing=2),
                           lambda: app.go(f"/result/{r.uuid}"),
                           label=self.t("views.sync.open_row", name=r.outlet_code))

    def sync_now(self) -> None:
        wake(self.app)
        self.app.notify(self.t("views.sync.started"))

    def refresh_sync(self) -> None:
        st = status(self.app)
        key = (st.state, st.waiting, st.attention, st.last_synced)
        if getattr(self, "_seen", key) != key:
            self.app.refresh()
        self._seen = key


def _plain_error(app: Any, error: str) -> str:
    """A stored sync error: a message key is shown in the user's words, else as is."""
    from app.i18n import messages

    if error in messages():
        return app.t(error)
    return error


def enrol(app: Any, endpoint: str, code: str) -> bool:
    """Enrol this device with the central endpoint using a one-time code (app.sync.client);
    then wake the background sync. Raises UserError with what to do when it fails."""
    from app.sync.client import enrol as client_enrol

    name = f"hallcheck {app.ws.settings.device_id[:8]}"
    client_enrol(app.ws, endpoint, code, name)
    app.notify(app.t("views.setup.enrolled"))
    wake(app)
    return True
