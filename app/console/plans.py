"""Visit plans in the console (issue 10): the month's covert-visit proposal with what could
not be covered, the move/reassign dialog (the rules checked again, a refusal said in
words), publishing behind a confirm dialog, the coaching plan, and the plan against what
happened (planned, done, late, missed per outlet, person and area manager; missed coaching
visits to bottom outlets first).

Thin: every figure and every refusal comes from app.central.plans.store.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import flet as ft

from app.central.plans import store
from app.console import theme, ui
from app.console.shell import Page, Redirect
from app.errors import UserError
from app.programme.months import YearMonth
from app.programme.planning.model import CADENCE_KEYS, PRIORITY_KEYS
from app.programme.planning.timing import CHINA, Window, parse_month

MAX_ROWS = 300  # rows of a table shown at once (the CLI prints them all)


def may_plan(manager: Any) -> bool:
    """Proposing, moving and publishing are a manager's (渠道管理) acts; others read."""
    return bool(getattr(manager, "can_manage", False))


class PlansRoot(Page):
    """/plans: this month's plans (China time)."""

    nav = "plans"

    def build(self) -> list[ft.Control]:
        today = datetime.now(UTC).astimezone(CHINA).date()
        raise Redirect(f"/plans/{YearMonth.of(today)}")


class PlansPage(Page):
    nav = "plans"

    def __init__(self, console: Any, **params: str) -> None:
        super().__init__(console, **params)
        self.month = parse_month(params.get("month", ""))

    def title(self) -> str:
        return self.t("planning.console.title", month=str(self.month))

    # -- the page ---------------------------------------------------------------------------
    def build(self) -> list[ft.Control]:
        ctx = self.console.ctx
        covert = store.current_plan(ctx, "covert", self.month)
        coaching = store.current_plan(ctx, "coaching", self.month)
        prev, nxt = self.month.shift(-1), self.month.shift(1)
        head = ft.Row([
            ui.heading(self.t("planning.console.title", month=str(self.month)), 22),
            ft.Container(expand=True),
            ft.TextButton(self.t("planning.console.prev", month=str(prev)),
                          on_click=self.go(f"/plans/{prev}")),
            ft.TextButton(self.t("planning.console.next", month=str(nxt)),
                          on_click=self.go(f"/plans/{nxt}")),
        ])
        body: list[ft.Control] = [head]
        body.append(ui.region(self._covert(covert), "plan-covert"))
        body.append(ui.region(self._coaching(coaching), "plan-coaching"))
        if covert is not None or coaching is not None:
            body.append(ui.region(self._status(), "plan-status"))
        return body

    def _sep(self) -> str:
        return "; " if self.console.lang == "en" else "；"

    def _state_line(self, stored: store.StoredPlan) -> str:
        return self.t("planning.console.state_line", plan=stored.id,
                      state=self.t(store.STATE_KEYS[stored.state]),
                      by=stored.published_by or stored.created_by)

    # -- covert ---------------------------------------------------------------------------
    def _covert(self, stored: store.StoredPlan | None) -> ft.Control:
        can = may_plan(self.manager)
        parts: list[ft.Control] = [ui.heading(self.t("planning.kind.covert"), 18)]
        seed = ft.TextField(label=self.t("planning.console.seed"), width=220, dense=True,
                            keyboard_type=ft.KeyboardType.NUMBER)
        actions: list[ft.Control] = []
        if can and (stored is None or stored.state == "draft"):
            actions += [seed, ft.FilledButton(
                self.t("planning.console.propose_covert"), icon=ft.Icons.AUTO_AWESOME,
                on_click=self.on(lambda: self._propose_covert(seed.value or "")))]
        if can and stored is not None and stored.state == "draft":
            actions.append(ft.FilledButton(self.t("planning.console.publish"),
                                           icon=ft.Icons.SEND,
                                           on_click=self.on(lambda: self._confirm(stored))))
        if actions:
            parts.append(ft.Row(actions, wrap=True, spacing=12))
        if stored is None:
            parts.append(ui.muted(self.t("planning.console.no_covert")))
            return theme.card(ft.Column(parts, spacing=10))
        plan = stored.covert
        st = plan.stats
        parts.append(ui.muted(self._state_line(stored) + " · " + self.t(
            "planning.console.seed_line", seed=stored.seed)))
        parts.append(ft.Text(self.t("planning.cli.stats", planned=st.planned, wanted=st.wanted,
                                    covered=st.outlets_covered, due=st.outlets_due,
                                    important=st.important_covered,
                                    important_due=st.important_due), size=15))
        # what could not be covered comes first: never silently dropped
        if plan.shortfall:
            rows = [ft.Row([ui.cell(s.outlet, 110, weight=ft.FontWeight.W_600),
                            ui.cell(self.t(PRIORITY_KEYS[s.priority]), 130),
                            ui.cell(f"{s.missing}/{s.wanted}", 60),
                            ui.cell(self._sep().join(r.text(self.console.lang) for r in s.reasons),
                                    None, expand=1)], spacing=8)
                    for s in plan.shortfall[:MAX_ROWS]]
            parts.append(ui.region(theme.card(ft.Column([
                ui.heading(self.t("planning.console.shortfall",
                                  count=sum(s.missing for s in plan.shortfall)), 16,
                           colour=theme.FAIL), *rows], spacing=6)), "plan-shortfall"))
        else:
            parts.append(ui.muted(self.t("planning.cli.no_shortfall")))
        head = ft.Row([ui.cell(self.t(k), w, colour=theme.MUTED, size=13) for k, w in (
            ("planning.col.day", 100), ("planning.col.window", 110),
            ("planning.col.outlet", 110), ("planning.col.shopper", 100))]
            + [ui.cell(self.t("planning.col.why"), None, colour=theme.MUTED, size=13,
                       expand=1)], spacing=8)
        lines: list[ft.Control] = [head]
        movable = can and stored.state != "superseded"
        for v in plan.visits[:MAX_ROWS]:
            row = ft.Row([ui.cell(v.day.isoformat(), 100), ui.cell(str(v.window), 110),
                          ui.cell(v.outlet, 110, weight=ft.FontWeight.W_600),
                          ui.cell(v.shopper, 100),
                          ui.cell(self._sep().join(r.text(self.console.lang)
                                                   for r in v.reasons[:2]),
                                  None, expand=1, size=13)], spacing=8)
            if movable:
                lines.append(ui.tappable(row, self.on(lambda v=v: self._move_dialog(stored, v)),
                                         label=self.t("planning.console.move_visit",
                                                      visit=v.id),
                                         identifier=f"visit-{v.id}"))
            else:
                lines.append(ft.Container(row, padding=ft.Padding.symmetric(horizontal=12)))
        if len(plan.visits) > MAX_ROWS:
            lines.append(ui.muted(self.t("planning.console.more", shown=MAX_ROWS,
                                         total=len(plan.visits))))
        parts.append(ui.region(ft.Column(lines, spacing=4), "plan-visits"))
        return theme.card(ft.Column(parts, spacing=10))

    def _propose_covert(self, seed_text: str) -> None:
        text = seed_text.strip()
        if text and not text.isdigit():
            raise UserError("planning.console.bad_seed", value=text)
        stored = store.propose_covert(self.console.ctx, self.month,
                                      seed=int(text) if text else None,
                                      by=self.manager.username)
        self.console.refresh()
        self.console.notify(self.t("planning.console.proposed", plan=stored.id,
                                   count=len(stored.covert.visits)))

    def _move_dialog(self, stored: store.StoredPlan, visit: Any) -> None:
        c = self.console
        shopper = ft.TextField(label=self.t("planning.col.shopper"), value=visit.shopper,
                               width=200, dense=True)
        day = ft.TextField(label=self.t("planning.col.day"), value=visit.day.isoformat(),
                           width=200, dense=True)
        window = ft.TextField(label=self.t("planning.col.window"), value=str(visit.window),
                              width=200, dense=True)
        error = ft.Text("", color=theme.FAIL, size=14, visible=False)

        def ok() -> None:
            try:
                try:
                    new_day = date.fromisoformat(day.value.strip())
                except ValueError:
                    raise UserError("planning.cli.bad_day", value=day.value) from None
                store.move_visit(c.ctx, stored.id, visit.id, by=self.manager.username,
                                 shopper=shopper.value.strip() or None, day=new_day,
                                 window=Window.parse(window.value.strip()))
            except UserError as exc:  # the refusal, in words, inside the dialog
                error.value = exc.message(c.lang)
                error.visible = True
                c.page.update()
                return

            def done() -> None:
                c.refresh()
                c.notify(self.t("planning.console.moved", visit=visit.id))

            c.close_dialog(then=done)

        c.dialog(self.t("planning.console.move_title", visit=visit.id),
                 ft.Column([ui.muted(self.t("planning.console.move_help")), shopper, day,
                            window, error], tight=True, width=460, spacing=10),
                 [ft.TextButton(self.t("planning.console.cancel"),
                                on_click=c.guard(c.close_dialog)),
                  ft.FilledButton(self.t("planning.console.move_confirm"),
                                  on_click=c.guard(ok))])

    def _confirm(self, stored: store.StoredPlan) -> None:
        c = self.console
        count = len(stored.covert.visits if stored.kind == "covert"
                    else stored.coaching.visits)
        error = ft.Text("", color=theme.FAIL, size=14, visible=False)

        def ok() -> None:
            try:
                done = store.publish(c.ctx, stored.id, by=self.manager.username)
            except UserError as exc:
                error.value = exc.message(c.lang)
                error.visible = True
                c.page.update()
                return

            def after() -> None:
                c.refresh()
                c.notify(self.t("planning.cli.published", plan=stored.id, count=done.created))

            c.close_dialog(then=after)

        c.dialog(self.t("planning.console.publish_title", plan=stored.id),
                 ft.Column([ft.Text(self.t("planning.console.publish_text", count=count,
                                           month=str(self.month)), size=14), error],
                           tight=True, width=480, spacing=10),
                 [ft.TextButton(self.t("planning.console.cancel"),
                                on_click=c.guard(c.close_dialog)),
                  ft.FilledButton(self.t("planning.console.publish_confirm"),
                                  icon=ft.Icons.SEND, on_click=c.guard(ok))])

    # -- coaching ---------------------------------------------------------------------------
    def _coaching(self, stored: store.StoredPlan | None) -> ft.Control:
        can = may_plan(self.manager)
        parts: list[ft.Control] = [ui.heading(self.t("planning.kind.coaching"), 18)]
        actions: list[ft.Control] = []
        if can and (stored is None or stored.state == "draft"):
            actions.append(ft.FilledButton(
                self.t("planning.console.propose_coaching"), icon=ft.Icons.AUTO_AWESOME,
                on_click=self.on(self._propose_coaching)))
        if can and stored is not None and stored.state == "draft":
            actions.append(ft.FilledButton(self.t("planning.console.publish_coaching"),
                                           icon=ft.Icons.SEND,
                                           on_click=self.on(lambda: self._confirm(stored))))
        if actions:
            parts.append(ft.Row(actions, wrap=True, spacing=12))
        if stored is None:
            parts.append(ui.muted(self.t("planning.console.no_coaching")))
            return theme.card(ft.Column(parts, spacing=10))
        plan = stored.coaching
        parts.append(ui.muted(self._state_line(stored) + " · " + self.t(
            "planning.console.ranking", ranking=str(plan.ranking_month))))
        if plan.note is not None:
            parts.append(ft.Text(plan.note.text(self.console.lang), color=theme.WARN, size=14))
        if plan.shortfall:
            parts.append(ui.region(theme.card(ft.Column([
                ui.heading(self.t("planning.console.shortfall",
                                  count=sum(s.missing for s in plan.shortfall)), 16,
                           colour=theme.FAIL),
                *[ft.Row([ui.cell(s.outlet, 110, weight=ft.FontWeight.W_600),
                          ui.cell(s.manager, 110),
                          ui.cell(s.reason.text(self.console.lang), None, expand=1)],
                         spacing=8) for s in plan.shortfall[:MAX_ROWS]]], spacing=6)),
                "coaching-shortfall"))
        lines: list[ft.Control] = [ft.Row([
            ui.cell(v.day.isoformat(), 100), ui.cell(v.outlet, 110, weight=ft.FontWeight.W_600),
            ui.cell(v.manager, 110), ui.cell(self.t(CADENCE_KEYS[v.cadence]), None, expand=1)],
            spacing=8) for v in plan.visits[:MAX_ROWS]]
        if len(plan.visits) > MAX_ROWS:
            lines.append(ui.muted(self.t("planning.console.more", shown=MAX_ROWS,
                                         total=len(plan.visits))))
        parts.append(ft.Column(lines, spacing=4))
        return theme.card(ft.Column(parts, spacing=10))

    def _propose_coaching(self) -> None:
        stored = store.propose_coaching(self.console.ctx, self.month, by=self.manager.username)
        self.console.refresh()
        self.console.notify(self.t("planning.console.proposed", plan=stored.id,
                                   count=len(stored.coaching.visits)))

    # -- against what happened ---------------------------------------------------------------
    def _status(self) -> ft.Control:
        ms = store.month_status(self.console.ctx, self.month)
        s = ms.status
        parts: list[ft.Control] = [
            ui.heading(self.t("planning.console.status"), 18),
            ft.Text(self.t("planning.cli.status_head", month=str(self.month),
                           planned=s.totals.planned, done=s.totals.done, late=s.totals.late,
                           missed=s.totals.missed), size=15)]
        if s.attention:
            rows = []
            for v in s.attention[:MAX_ROWS]:
                flag = v.flagged and v.state == "missed"
                rows.append(ft.Row([
                    ft.Icon(ft.Icons.FLAG if flag else ft.Icons.SCHEDULE,
                            color=theme.FAIL if flag else theme.WARN, size=18),
                    ui.cell(v.day.isoformat(), 100), ui.cell(v.outlet, 110),
                    ui.cell(v.person, 110),
                    ui.cell(self.t("planning.console.flagged") if flag
                            else self.t(store.STATUS_KEYS[v.state]), None, expand=1)],
                    spacing=8))
            parts.append(ui.region(ft.Column([
                ui.heading(self.t("planning.cli.attention"), 15), *rows], spacing=4),
                "plan-attention"))
        for key, table, ident in (("planning.col.outlet", s.by_outlet, "status-outlets"),
                                  ("planning.col.person", s.by_person, "status-people"),
                                  ("planning.col.manager", s.by_manager, "status-managers")):
            if not table:
                continue
            head = ft.Row([ui.cell(self.t(key), 140, colour=theme.MUTED, size=13)]
                          + [ui.cell(self.t(store.STATUS_KEYS[st]), 90, colour=theme.MUTED,
                                     size=13) for st in ("planned", "done", "late", "missed")],
                          spacing=8)
            lines = [ft.Row([ui.cell(name, 140, weight=ft.FontWeight.W_600),
                             *[ui.cell(str(getattr(c, st)), 90) for st in
                               ("planned", "done", "late", "missed")]], spacing=8)
                     for name, c in list(table.items())[:MAX_ROWS]]
            parts.append(ui.region(ft.Column([head, *lines], spacing=2), ident))
        return theme.card(ft.Column(parts, spacing=10))
