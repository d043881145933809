"""Coaching visit (area manager): corrective actions (整改措施) for one visit.

On arrival the outlet's open actions from earlier visits are listed first: each one is
closed (done, with a note) or carried forward to a new due date. Then the actions found in
this visit are raised: what, owner (责任人), due date (完成时限). Everything is saved at once.
Route: `/visit/<uuid>/actions` (`?arrive=1` when shown on arrival, before the checklist).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import flet as ft

from app.services.actions import carried_due, default_due, parse_due
from app.views import theme, ui


class ActionsScreen(ui.Screen):
    name = "coaching"

    def __init__(self, app: Any, uuid: str, arrive: str | None = None,
                 item: str | None = None, **_: Any) -> None:
        super().__init__(app)
        self.uuid = uuid
        self.arrive = bool(arrive)
        self.item = item  # raised from this failed item (its card's 提出整改): prefilled
        self.summary = app.ws.inspections.summary(uuid)
        if not self.summary.is_draft:
            raise ui.Redirect(f"/result/{uuid}")
        app.visit_kind = self.summary.kind

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        ws = app.ws
        s = self.summary
        outlet = s.outlet_name or s.outlet_code
        earlier = [a for a in ws.actions.open_actions(s.outlet_code)
                   if a.raised_in_uuid != self.uuid]
        here = ws.actions.raised_in(self.uuid)
        today = date.today()
        body: list[ft.Control] = [ui.muted(app, outlet)]

        # earlier visits' open actions: close or carry forward
        body.append(ui.heading(app, self.t("views.actions.open_earlier", n=len(earlier))))
        if not earlier:
            body.append(ui.empty_state(app, self.t("views.actions.none_open"),
                                       ft.Icons.TASK_ALT))
        for a in earlier:
            handled = a.closed_in_uuid == self.uuid or a.carried_in_uuid == self.uuid
            overdue = a.overdue(today)
            lines: list[ft.Control] = [
                ui.body_text(app, a.description, weight=ft.FontWeight.W_600),
                ui.muted(app, self.t("views.actions.meta", owner=a.owner,
                                     due=a.due_date.isoformat())),
            ]
            if overdue:
                lines.append(ui.tag(app, self.t("views.actions.overdue"), color=theme.FAIL,
                                    bgcolor=theme.VETO_BG))
            if a.carried_count:
                lines.append(ui.muted(app, self.t("views.actions.carried_times",
                                                  n=a.carried_count)))
            if handled:
                lines.append(ui.tag(app, self.t("views.actions.carried_here"),
                                    color=theme.OK, bgcolor="#E8F5E9"))
            lines.append(ft.Row([
                ft.Container(ui.secondary_button(app, self.t("views.actions.close"),
                                                 self._close(a), icon=ft.Icons.CHECK),
                             expand=True),
                ft.Container(ui.secondary_button(app, self.t("views.actions.carry"),
                                                 self._carry(a), icon=ft.Icons.EVENT_REPEAT),
                             expand=True),
            ], spacing=8))
            body.append(ft.Semantics(content=theme.card(ft.Column(lines, spacing=6),
                                                        mood=mood),
                                     identifier=f"action-{a.id}", container=True))

        # actions raised in this visit
        body.append(ui.heading(app, self.t("views.actions.raised_here", n=len(here))))
        for a in here:
            body.append(theme.card(ft.Column([
                ui.body_text(app, a.description, weight=ft.FontWeight.W_600),
                ui.muted(app, self.t("views.actions.meta", owner=a.owner,
                                     due=a.due_date.isoformat())),
            ], spacing=4), mood=mood))
        self.what = ft.TextField(label=self.t("views.actions.what"), multiline=True,
                                 min_lines=2, text_size=mood.fs(15),
                                 value=self._prefill(), autofocus=self.item is not None)
        self.owner = ft.TextField(label=self.t("views.actions.owner"),
                                  text_size=mood.fs(15))
        self.due = ft.TextField(label=self.t("views.actions.due"),
                                value=default_due(today).isoformat(),
                                helper=self.t("views.actions.due_help",
                                              example=default_due(today).isoformat()),
                                text_size=mood.fs(15), keyboard_type=ft.KeyboardType.DATETIME)
        body.append(ft.Semantics(content=theme.card(ft.Column([
            ui.heading(app, self.t("views.actions.new"), size=15),
            self.what, self.owner, self.due,
            ui.primary_button(app, self.t("views.actions.add"), self.add, icon=ft.Icons.ADD),
        ], spacing=10), mood=mood), identifier="new-action", container=True))

        proceed = ui.primary_button(
            app, self.t("views.actions.to_checklist" if self.arrive
                        else "views.actions.back_to_checklist"),
            lambda: app.go(f"/visit/{self.uuid}"), icon=ft.Icons.CHECKLIST)
        bar = ui.appbar(app, self.t("views.actions.title"), back=f"/visit/{self.uuid}")
        return ui.frame(app, f"/visit/{self.uuid}/actions", body, appbar=bar,
                        bottom=proceed, identifier="screen-actions")

    def _prefill(self) -> str:
        """What the failed item says, and the note written on it: the action's start."""
        if not self.item:
            return ""
        state = self.app.ws.inspections.state(self.uuid)
        item = state.checklist.items.get(self.item)
        if item is None:
            self.item = None
            return ""
        note = (state.notes.get(self.item) or "").strip()
        label = item.label.get(self.app.lang)
        return self.t("views.actions.prefill", label=label, note=note) if note else \
            self.t("views.actions.prefill_bare", label=label)

    def add(self) -> None:
        due = parse_due(self.due.value or "")
        self.app.ws.actions.raise_action(self.uuid, self.what.value or "",
                                         self.owner.value or "", due, item_id=self.item)
        self.app.notify(self.t("views.actions.added"))
        if self.item:  # back to the item it was raised from
            self.app.go(f"/visit/{self.uuid}?item={self.item}")
            return
        self.app.refresh()

    def _refresh_saying(self, key: str) -> Any:
        def then() -> None:
            self.app.refresh()
            self.app.notify(self.t(key))

        return then

    def _close(self, action: Any) -> Any:
        def close() -> None:
            note = ft.TextField(label=self.t("views.actions.closing_note"), multiline=True,
                                autofocus=True)

            def do() -> None:
                self.app.ws.actions.close_action(action.id, self.uuid, note.value or "")
                self.app.close_dialog(then=self._refresh_saying("views.actions.closed"))

            self.app.dialog(self.t("views.actions.close_title"),
                            ft.Column([ui.body_text(self.app, action.description), note],
                                      tight=True),
                            [ui.dialog_button(self.app, self.t("views.cancel"),
                                              self.app.close_dialog, filled=False),
                             ui.dialog_button(self.app, self.t("views.actions.close"), do)])

        return close

    def _carry(self, action: Any) -> Any:
        def carry() -> None:
            due = ft.TextField(label=self.t("views.actions.new_due"),
                               value=carried_due(action.due_date).isoformat(),
                               helper=self.t("views.actions.due_help",
                                             example=carried_due(action.due_date)
                                             .isoformat()), autofocus=True)

            def do() -> None:
                self.app.ws.actions.carry_forward(action.id, self.uuid,
                                                  parse_due(due.value or ""))
                self.app.close_dialog(then=self._refresh_saying("views.actions.carried"))

            self.app.dialog(self.t("views.actions.carry_title"),
                            ft.Column([ui.body_text(self.app, action.description), due],
                                      tight=True),
                            [ui.dialog_button(self.app, self.t("views.cancel"),
                                              self.app.close_dialog, filled=False),
                             ui.dialog_button(self.app, self.t("views.actions.carry"), do)])

        return carry
