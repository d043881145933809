"""The sync indicator (on every main screen) and the screen behind it: what is waiting, why.

The indicator always tells the truth in one short phrase: not connected to a central
endpoint / offline / syncing / N waiting / synced at 14:05 / needs attention. Tapping it
opens the sync screen: every visit still waiting to be sent, what went wrong with each
(in plain words), and a "sync now" button when a sync runner is attached.

The status is the services' one typed `SyncStatus` (app/services/sync_status.py): from
the background runner when there is one, else counted on the device.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.errors import UserError
from app.i18n import messages
from app.services import SyncPhase, SyncStatus
from app.views import theme, ui


def describe(app: Any, st: SyncStatus) -> tuple[str, str, Any, str]:
    """(short text, full sentence, icon, colour) for a status."""
    t = app.t
    last = ui.when(st.last_synced_at, app.lang) if st.last_synced_at else None
    attention = len(st.attention)
    if st.state is SyncPhase.ATTENTION or attention:
        return (t("views.sync.attention_short", n=attention or 1),
                t("views.sync.attention", n=attention or 1),
                ft.Icons.ERROR_OUTLINE, theme.FAIL)
    if st.state is SyncPhase.SYNCING:
        return (t("views.sync.syncing_short"), t("views.sync.syncing", n=st.waiting),
                ft.Icons.SYNC, theme.PRIMARY)
    if st.state is SyncPhase.OFFLINE:
        return (t("views.sync.offline_short", n=st.waiting) if st.waiting
                else t("views.sync.offline_short0"),
                t("views.sync.offline", n=st.waiting), ft.Icons.CLOUD_OFF, theme.WARN)
    if st.state is SyncPhase.NOT_ENROLLED:
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
        st = self.app.sync.status()
        short, sentence, icon, colour = describe(self.app, st)
        key = (short, sentence, icon, colour)
        if key == self._last:
            return
        self._last = key
        if self.compact and len(short) > 10 and st.state is not SyncPhase.ATTENTION:
            # on a phone's top bar the icon and the number say it; the tooltip says all
            short = str(st.waiting) if st.waiting else ""
        self.text.value = short
        self.text.color = colour
        self.icon.icon = icon
        self.icon.color = colour
        self.button.tooltip = sentence
        self.control.label = sentence
        if update:
            ui.redraw(self.control)


class SyncScreen(ui.Screen):
    """What is waiting to be sent, and why something failed."""

    name = "sync"

    def build(self) -> ft.View:
        app = self.app
        ws = app.ws
        st = app.sync.status()
        short, sentence, icon, colour = describe(app, st)
        body: list[ft.Control] = [
            theme.card(ft.Row([ft.Icon(icon, color=colour, size=28),
                               ft.Column([ui.heading(app, short, color=colour),
                                          ui.body_text(app, sentence)],
                                         spacing=2, expand=True)],
                              vertical_alignment=ft.CrossAxisAlignment.START),
                       mood=app.mood),
        ]
        if st.message:
            body.append(theme.card(ui.body_text(app, self.t("views.sync.last_error",
                                                             detail=st.message)),
                                   mood=app.mood))
        not_enrolled = st.state is SyncPhase.NOT_ENROLLED
        if app.sync.background and not not_enrolled:
            body.append(ui.primary_button(app, self.t("views.sync.now"), self.sync_now,
                                          icon=ft.Icons.SYNC))
        if not_enrolled:
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
        self.app.sync.wake()
        self.app.notify(self.t("views.sync.started"))

    def refresh_sync(self) -> None:
        st = self.app.sync.status()
        key = (st.state, st.waiting, st.attention, st.last_synced_at)
        if getattr(self, "_seen", key) != key:
            self.app.refresh()
        self._seen = key


def _plain_error(app: Any, error: str) -> str:
    """A stored sync error: a message key is shown in the user's words, else as is."""
    if error in messages():
        return app.t(error)
    return error


def enrol(app: Any, endpoint: str, code: str) -> bool:
    """Enrol this device with the central endpoint using a one-time code, then sync
    (runs on a worker thread). Raises UserError with what to do when it fails."""
    try:
        app.sync.enrol(endpoint, code)
    except UserError as exc:
        if exc.key == "sync.client.unreachable":
            # the sync client's sentence names the exception (ConnectError): say what
            # happened and what to do instead (issue 12)
            raise UserError("views.sync.enrol_unreachable", endpoint=endpoint) from None
        raise
    app.notify(app.t("views.setup.enrolled"))
    return True
