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

import contextlib
from typing import Any

import flet as ft

from app.checklists.rendering import format_score
from app.views import location, sync_indicator, theme, ui


def score_panel(app: Any, *, total: float | None, sections: list[dict[str, Any]],
                vetoes: list[dict[str, Any]], complete: bool | None = True) -> ft.Control:
    """The score breakdown: total, one line per section, every veto with its reason."""
    mood = app.mood
    voided = any(v.get("scope") == "visit" for v in vetoes)
    rows: list[ft.Control] = [
        ft.Row([ui.heading(app, app.t("views.review.total")),
                ft.Text(format_score(total), size=mood.fs(28), weight=ft.FontWeight.W_700,
                        color=theme.FAIL if vetoes else mood.primary)],
               alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
               vertical_alignment=ft.CrossAxisAlignment.CENTER),
    ]
    if voided:
        rows.append(ui.body_text(app, app.t("views.review.voided"), color=theme.FAIL))
    if complete is False:
        rows.append(ui.muted(app, app.t("views.review.incomplete")))
    for sec in sections:
        score = sec.get("score")
        line = ft.Row([
            ft.Text(sec.get("title", ""), size=mood.fs(15), expand=True),
            ft.Text(format_score(score) if score is not None else app.t("views.review.not_scored"),
                    size=mood.fs(15), weight=ft.FontWeight.W_600,
                    color=theme.FAIL if sec.get("vetoed") else None),
        ])
        rows.append(line)
        if sec.get("vetoed"):
            raw = sec.get("raw_score")
            rows.append(ui.muted(app, app.t("views.review.section_vetoed",
                                            raw=format_score(raw)), size=13))
    if vetoes:
        rows.append(ft.Divider(height=8))
        rows.append(ui.heading(app, app.t("views.review.vetoes", n=len(vetoes)),
                               color=theme.FAIL, size=15))
        for v in vetoes:
            scope = app.t(f"veto.scope.{v.get('scope', 'section')}")
            rows.append(ft.Row([
                ft.Icon(ft.Icons.GAVEL, color=theme.FAIL, size=18),
                ft.Text(app.t("views.review.veto_line", label=v.get("label", ""),
                              reason=v.get("reason", ""), scope=scope),
                        size=mood.fs(14), expand=True),
            ], vertical_alignment=ft.CrossAxisAlignment.START))
    return ft.Semantics(content=theme.card(ft.Column(rows, spacing=6), mood=mood),
                        identifier="score-breakdown", container=True)


def live_score_dicts(app: Any, score: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    lang = app.lang
    sections = [{"title": s.title.get(lang), "score": s.score, "raw_score": s.raw_score,
                 "vetoed": s.vetoed} for s in score.sections]
    vetoes = [{"label": v.label.get(lang), "reason": v.reason.get(lang),
               "scope": v.scope.value} for v in score.vetoes]
    return sections, vetoes


class ReviewScreen(ui.Screen):
    name = "review"

    def __init__(self, app: Any, uuid: str, **_: Any) -> None:
        super().__init__(app)
        self.uuid = uuid
        self.state = app.ws.inspections.state(uuid)
        if not self.state.is_draft:
            raise ui.Redirect(f"/result/{uuid}")
        app.visit_kind = self.state.summary.kind
        if app.kiosk_locked and self.state.summary.outlet_code != app.kiosk_outlet:
            raise ui.Redirect("/kiosk")
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
            rows: list[ft.Control] = [ui.heading(app, self.t("views.review.missing",
                                                             n=len(state.problems)),
                                                 color=theme.FAIL)]
            section_titles = {s.id: s.title.get(app.lang) for s in state.checklist.sections}
            for p in state.problems:
                text = p.message(app.lang)
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
            sections, vetoes = live_score_dicts(app, state.score)
            body.append(score_panel(app, total=state.score.total, sections=sections,
                                    vetoes=vetoes, complete=state.score.complete))
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
                                      style=ft.ButtonStyle(color=theme.FAIL)))
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
            ui.muted(app, self.t("views.review.finalise_hint"), size=12),
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
            except Exception:
                app.refresh()  # show what is missing now
                raise
            sync_indicator.wake(app)  # send it now if the central server is reachable
            with contextlib.suppress(Exception):
                app.ws.settings.set("ui_resume_route", None)
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
        with contextlib.suppress(Exception):
            self.bottom.update()

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
                ui.muted(app, self.t("views.result.meta", kind=self.t(f"kind.{s.kind}"),
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
        snapshot = app.ws.inspections.score_snapshot(self.uuid) or {}
        if discreet and not self.show:
            body.append(ui.secondary_button(
                app, self.t("views.result.show_details"),
                lambda: app.go(f"/result/{self.uuid}?show=1"), icon=ft.Icons.VISIBILITY))
        else:
            body.append(score_panel(
                app, total=snapshot.get("total", s.total_score),
                sections=[{**sec, "title": sec.get("title", "")} for sec in
                          self._localised(snapshot).get("sections", [])],
                vetoes=self._localised(snapshot).get("vetoes", []),
                complete=snapshot.get("complete", s.complete)))
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

    def _localised(self, snapshot: dict[str, Any]) -> dict[str, Any]:
        """The stored snapshot's words are in one language: re-derive titles when we can."""
        if not snapshot:
            return {}
        try:
            checklist = self.app.ws.inspections.checklist(self.uuid)
        except Exception:
            return snapshot
        lang = self.app.lang
        titles = {sec.id: sec.title.get(lang) for sec in checklist.sections}
        items = checklist.items
        out = dict(snapshot)
        out["sections"] = [{**sec, "title": titles.get(sec.get("id"), sec.get("title", ""))}
                           for sec in snapshot.get("sections", [])]
        vetoes = []
        for v in snapshot.get("vetoes", []):
            item = items.get(v.get("item"))
            if item is not None and item.veto is not None:
                v = {**v, "label": item.label.get(lang), "reason": item.veto.reason.get(lang)}
            vetoes.append(v)
        out["vetoes"] = vetoes
        return out

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
                   [ft.TextButton(self.t("views.cancel"), on_click=self.on(app.close_dialog)),
                    ft.FilledButton(self.t("views.result.amend_ok"), on_click=self.on(do))])
