"""Review and finalise a visit; and the result of a finished one.

Review (`/visit/<uuid>/review`): everything still missing at once, each line tappable to
jump to its item; the score breakdown with every veto (一票否决) spelt out (not in discreet
mode); corrective actions for a coaching visit; then check-out and finalise. Check-out
records the device's location when it gives one within a few seconds (optional, asked
off the UI path: app/views/location.py). A finalised visit joins the sync queue.

Result (`/result/<uuid>`): a finished visit as it was recorded (the score snapshot stored
at finalisation), its sync state, and amendments (a correction is a new record with who,
when and why; the original never changes).
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.checklists.rendering import format_score
from app.errors import UserError
from app.services import ScoreLines, results
from app.views import location, sync_indicator, theme, ui


def score_panel(app: Any, lines: ScoreLines) -> ft.Control:
    """The score breakdown: total, one line per section, every veto with its reason."""
    mood = app.mood
    vetoes = lines.vetoes
    rows: list[ft.Control] = [
        ft.Row([ui.heading(app, app.t("views.review.total")),
                ft.Text(format_score(lines.total), size=mood.fs(28), weight=ft.FontWeight.W_700,
                        color=theme.FAIL if vetoes else mood.primary)],
               alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
               vertical_alignment=ft.CrossAxisAlignment.CENTER),
    ]
    if lines.voided:
        rows.append(ui.body_text(app, app.t("views.review.voided"), color=theme.FAIL))
    if lines.complete is False:
        rows.append(ui.muted(app, app.t("views.review.incomplete")))
    for sec in lines.sections:
        line = ft.Row([
            ft.Text(sec.title, size=mood.fs(15), expand=True),
            ft.Text(format_score(sec.score) if sec.score is not None
                    else app.t("views.review.not_scored"),
                    size=mood.fs(15), weight=ft.FontWeight.W_600,
                    color=theme.FAIL if sec.vetoed else None),
        ])
        rows.append(line)
        if sec.vetoed:
            rows.append(ui.muted(app, app.t("views.review.section_vetoed",
                                            raw=format_score(sec.raw_score)), size=13))
    if vetoes:
        rows.append(ft.Divider(height=8))
        rows.append(ui.heading(app, app.t("views.review.vetoes", n=len(vetoes)),
                               color=theme.FAIL, size=15))
        for v in vetoes:
            scope = app.t(f"veto.scope.{v.scope}")
            rows.append(ft.Row([
                ft.Icon(ft.Icons.GAVEL, color=theme.FAIL, size=18),
                ft.Text(app.t("views.review.veto_line", label=v.label, reason=v.reason,
                              scope=scope),
                        size=mood.fs(14), expand=True),
            ], vertical_alignment=ft.CrossAxisAlignment.START))
    return ft.Semantics(content=theme.card(ft.Column(rows, spacing=6), mood=mood),
                        identifier="score-breakdown", container=True)


class ReviewScreen(ui.Screen):
    name = "review"

    def __init__(self, app: Any, uuid: str, **_: Any) -> None:
        super().__init__(app)
        self.uuid = uuid
        self.state = app.ws.inspections.state(uuid)
        if not self.state.is_draft:
            raise ui.Redirect(f"/result/{uuid}")
        app.visit_kind = self.state.summary.kind
        self.finishing = False

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        state = self.state
        summary = state.summary
        discreet = mood.discreet
        outlet = summary.outlet_name or summary.outlet_code
        body: list[ft.Control] = [
            ui.muted(app, self.t("views.review.discreet_subtitle", name=outlet) if discreet
                     else self.t("views.review.subtitle", name=outlet,
                                 kind=self.t(f"kind.{summary.kind}"))),
        ]
        # what is missing, all at once
        if state.problems:
            # discreet: a note to self, not a form's tally of missing items
            heading = (self.t("views.review.discreet_missing_heading") if discreet
                       else self.t("views.review.missing", n=len(state.problems)))
            rows: list[ft.Control] = [ui.heading(app, heading, color=theme.FAIL)]
            section_titles = {s.id: s.title.get(app.lang) for s in state.checklist.sections}
            for p in state.problems:
                text = self.t(f"views.review.discreet_missing.{p.reason}",
                              label=p.label.get(app.lang)) if discreet \
                    else p.message(app.lang)
                rows.append(ui.tappable(
                    app,
                    ft.Row([ft.Icon(ft.Icons.ERROR_OUTLINE, color=theme.FAIL, size=20),
                            ft.Column([ui.body_text(app, text, size=15),
                                       ui.muted(app, section_titles.get(p.section_id, ""),
                                                size=12)],
                                      spacing=0, expand=True),
                            ft.Icon(ft.Icons.CHEVRON_RIGHT, color=theme.MUTED)],
                           vertical_alignment=ft.CrossAxisAlignment.CENTER),
                    self._jump(p.item_id),
                    label=self.t("views.review.jump", what=text),
                ))
            body.append(ft.Semantics(content=ft.Column(
                rows, spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                                     identifier="missing-list", container=True))
        else:
            body.append(theme.card(ft.Row([
                ft.Icon(ft.Icons.CHECK_CIRCLE, color=theme.OK if not discreet else
                        theme.MUTED),
                ui.body_text(app, self.t("views.review.ready"))]), mood=mood))

        if not discreet:
            body.append(score_panel(app, results.live(state.score, app.lang)))
        elif state.score.vetoes:
            items = "、".join(v.label.get(app.lang) for v in state.score.vetoes)
            body.append(theme.card(ui.body_text(
                app, self.t("views.review.discreet_vetoes", items=items)), mood=mood))

        if summary.kind == "open_inspection":
            actions = app.ws.actions.raised_in(self.uuid)
            body.append(theme.card(ft.Column([
                ui.heading(app, self.t("views.actions.raised_here", n=len(actions))),
                *[ui.body_text(app, self.t("views.actions.line", what=a.description,
                                           owner=a.owner, due=a.due_date.isoformat()),
                               size=14) for a in actions],
                ui.secondary_button(app, self.t("views.run.actions"),
                                    lambda: app.go(f"/visit/{self.uuid}/actions"),
                                    icon=ft.Icons.ASSIGNMENT_OUTLINED),
            ], spacing=6), mood=mood))

        body.append(ui.secondary_button(app, self.t("views.review.back_to_items"),
                                        lambda: app.go(f"/visit/{self.uuid}"),
                                        icon=ft.Icons.EDIT))
        if app.kiosk_outlet is None:
            body.append(ft.TextButton(self.t("views.review.delete"),
                                      icon=ft.Icons.DELETE_OUTLINE,
                                      on_click=self.on(self.delete),
                                      style=ft.ButtonStyle(color=theme.FAIL),
                                      height=ui.TOUCH_MIN))
        finalise = ui.primary_button(
            app, self.t("views.review.finalise_discreet" if discreet
                        else "views.review.finalise"),
            self.finalise, icon=ft.Icons.LOGOUT, disabled=bool(state.problems))
        self.finalise_button = finalise
        self.locating = ft.Row(
            [ft.ProgressRing(width=16, height=16, stroke_width=2, color=mood.primary),
             ui.muted(app, self.t("views.location.checkout"), size=13)],
            spacing=8, visible=False, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        self.bottom = ft.Column([
            ui.muted(app, self.t("views.review.finalise_hint_discreet" if discreet
                                 else "views.review.finalise_hint"), size=12),
            self.locating, finalise], spacing=4, tight=True)
        self.badge = sync_indicator.SyncBadge(app, compact=True)
        bar = ui.appbar(app, self.t("views.review.title_discreet" if discreet
                                    else "views.review.title"),
                        back=f"/visit/{self.uuid}", actions=[self.badge.control])
        return ui.frame(app, f"/visit/{self.uuid}/review", body, appbar=bar,
                        bottom=self.bottom,
                        identifier="screen-review")

    def _jump(self, item_id: str) -> Any:
        return lambda: self.app.go(f"/visit/{self.uuid}?item={item_id}")

    def finalise(self) -> None:
        app = self.app
        discreet = app.mood.discreet
        if self.finishing:  # already checking out (waiting for the location)
            return

        def do() -> None:
            location.locate_then(app, "check-out", finish, busy=self._busy)

        def finish(found: Any) -> None:
            try:
                app.ws.inspections.finalise(self.uuid, checkout_location=found)
            except UserError:
                app.refresh()  # show what is missing now
                raise
            app.sync.wake()  # send it now if the central server is reachable
            app.session.save_place(None)
            if app.kiosk_outlet is not None:
                app.go("/kiosk/done")
                return
            app.notify(self.t("views.review.finalised_discreet" if discreet
                              else "views.review.finalised"))
            app.go(app.home_route())

        app.confirm(self.t("views.review.confirm_title"),
                    self.t("views.review.confirm_body"),
                    self.t("views.review.confirm_ok"), do)

    def _busy(self, busy: bool) -> None:
        """While the check-out location is asked for: the button waits; outside discreet
        mode a line says what is happening."""
        self.finishing = busy
        self.finalise_button.disabled = busy  # (the button itself stays as it was)
        self.locating.visible = busy and not self.app.mood.discreet
        ui.redraw(self.bottom)

    def delete(self) -> None:
        app = self.app

        def do() -> None:
            app.ws.inspections.delete_draft(self.uuid)
            app.notify(self.t("views.review.deleted"))
            app.go(app.home_route())

        app.confirm(self.t("views.review.delete_title"), self.t("views.review.delete_body"),
                    self.t("views.review.delete_ok"), do, danger=True)

    def refresh_sync(self) -> None:
        self.badge.refresh()


class ResultScreen(ui.Screen):
    """A finished visit, as recorded."""

    name = "result"

    def __init__(self, app: Any, uuid: str, show: str | None = None, **_: Any) -> None:
        super().__init__(app)
        self.uuid = uuid
        self.show = show == "1"  # discreet mode: the score only on request, never at a glance
        self.summary = app.ws.inspections.summary(uuid)
        if self.summary.is_draft:
            raise ui.Redirect(f"/visit/{uuid}")
        app.visit_kind = self.summary.kind

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        s = self.summary
        discreet = mood.discreet
        outlet = s.outlet_name or s.outlet_code
        body: list[ft.Control] = [
            theme.card(ft.Column([
                ui.heading(app, outlet),
                ui.muted(app, self.t("views.result.meta_discreet",
                                     when=ui.when(s.finished_at or s.started_at, app.lang))
                         if discreet else
                         self.t("views.result.meta", kind=self.t(f"kind.{s.kind}"),
                                when=ui.when(s.finished_at or s.started_at, app.lang),
                                who=s.inspector_id)),
                ui.muted(app, self.t("views.result.sync",
                                     state=self.t(f"views.sync.state.{s.sync_state}"))),
            ], spacing=4), mood=mood),
        ]
        if s.is_amendment:
            body.append(theme.card(ui.body_text(app, self.t(
                "views.result.amendment", who=s.amended_by or "",
                when=ui.when(s.amended_at, app.lang), why=s.amend_reason or "")),
                mood=mood))
        if discreet and not self.show:
            body.append(ui.secondary_button(
                app, self.t("views.result.show_details"),
                lambda: app.go(f"/result/{self.uuid}?show=1"), icon=ft.Icons.VISIBILITY))
        else:
            body.append(score_panel(app, app.ws.inspections.recorded_score(self.uuid,
                                                                           app.lang)))
        for a in app.ws.inspections.amendments_of(self.uuid):
            body.append(ui.tappable(app, ui.body_text(app, self.t(
                "views.result.amended_by", who=a.amended_by or "",
                when=ui.when(a.amended_at, app.lang), why=a.amend_reason or "")),
                lambda a=a: app.go(f"/result/{a.uuid}"),
                label=self.t("views.result.open_amendment")))
        if app.kiosk_outlet is None and not s.is_draft:
            body.append(ui.secondary_button(app, self.t("views.result.amend"), self.amend,
                                            icon=ft.Icons.EDIT_NOTE))
        body.append(ui.secondary_button(app, self.t("views.result.history"),
                                        lambda: app.go(f"/history/{s.outlet_code}"),
                                        icon=ft.Icons.HISTORY))
        bar = ui.appbar(app, self.t("views.result.title_discreet" if discreet
                                    else "views.result.title"), back=app.home_route())
        return ui.frame(app, f"/result/{self.uuid}", body, appbar=bar,
                        identifier="screen-result")

    def amend(self) -> None:
        app = self.app
        reason = ft.TextField(label=self.t("views.result.amend_reason"), multiline=True,
                              min_lines=2, autofocus=True)

        def do() -> None:
            new_uuid = app.ws.inspections.amend(self.uuid, by=app.ws.settings.inspector_id
                                                or "", reason=reason.value or "")
            app.close_dialog(then=lambda: app.go(f"/visit/{new_uuid}"))

        app.dialog(self.t("views.result.amend_title"),
                   ft.Column([ui.body_text(app, self.t("views.result.amend_body")), reason],
                             tight=True),
                   [ui.dialog_button(app, self.t("views.cancel"), app.close_dialog,
                                     filled=False),
                    ui.dialog_button(app, self.t("views.result.amend_ok"), do)])
