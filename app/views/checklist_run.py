"""Run a checklist: one section at a time, every change saved the moment it is made.

Top: where you are (section n of m, its progress, the overall count; the live score for
managers). Middle: the section's item cards (app/views/item_widgets.py). Bottom, in the
thumb's reach: previous / next section, and on the last one "review and submit".

Mystery shop (discreet mode): the title says "Notes", no score anywhere, muted colours,
and a quick-hide button that covers the screen with a blank note until tapped.

The route is `/visit/<uuid>?s=<section>&item=<item>`; the shell stores it, so leaving the
app (or the app being killed) comes back to the same section. Photos are taken in on a
worker thread (`app.run_background`) so the screen never freezes; the card shows a
progress ring meanwhile. A photo's source is what the card says: "camera" only for a
picture from the camera view (app/views/camera.py), "gallery" for a picked file.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import flet as ft

from app.checklists.rendering import format_score
from app.navigation import make_route
from app.views import sync_indicator, theme, ui
from app.views.item_widgets import ItemCallbacks, ItemCard

log = logging.getLogger("hallcheck.views")

FIRST_CARDS = 12  # item cards drawn with a section (the longest real section has 11)
MORE_CARDS = 25  # then this many per frame
LAZY_PAUSE = 0.03  # seconds between those frames


class ChecklistScreen(ui.Screen):
    name = "checklist_run"

    def __init__(self, app: Any, uuid: str, s: str | None = None, item: str | None = None,
                 **_: Any) -> None:
        super().__init__(app)
        self.uuid = uuid
        self.state = app.ws.inspections.state(uuid)
        if not self.state.is_draft:
            # a finished visit is a record: show its result instead
            raise ui.Redirect(f"/result/{uuid}")
        self.checklist = self.state.checklist
        self.summary = self.state.summary
        app.visit_kind = self.summary.kind
        sections = [sec.id for sec in self.checklist.sections]
        if item and item in self.checklist.section_of:
            s = self.checklist.section_of[item]
        self.section_id = s if s in sections else self._first_open_section(sections)
        self.focus_item = item
        self.cards: dict[str, ItemCard] = {}
        self.hidden = False
        self._generation = 0  # a section drawn again stops the lazy build of the last one
        self._pending: list[tuple[int, Any]] = []
        self._callbacks: ItemCallbacks | None = None

    def _first_open_section(self, sections: list[str]) -> str:
        for sid in sections:
            p = self.state.progress.get(sid)
            if p is not None and p.visible > 0 and not p.done:
                return sid
        return sections[0]

    # -- build -----------------------------------------------------------------------------

    def build(self) -> ft.View:
        app = self.app
        mood = app.mood
        discreet = mood.discreet
        outlet = app.ws.outlets.get(self.summary.outlet_code)
        self.outlet_name = outlet.name if outlet else self.summary.outlet_code
        title = self.t("views.discreet.title") if discreet else self.outlet_name

        self.badge = sync_indicator.SyncBadge(app, compact=True)
        actions: list[ft.Control] = [self.badge.control]
        if not discreet:
            self.score_chip = ft.Text("", size=mood.fs(14), weight=ft.FontWeight.W_600,
                                      color=mood.primary)
            actions.insert(0, ft.Container(self.score_chip,
                                           padding=ft.Padding.only(right=6)))
        if app.kiosk_outlet is not None:
            leading = ui.icon_button(app, ft.Icons.HOME_OUTLINED,
                                     self.t("views.kiosk.back_to_start"), self.leave_kiosk)
            bar = ui.appbar(app, title, leading=leading, actions=actions)
        else:
            bar = ui.appbar(app, title, back=app.home_route(), actions=actions)

        # where you are
        self.section_title = ui.heading(app, "", size=18)
        self.section_count = ui.muted(app, "")
        self.section_bar = ft.ProgressBar(value=0, color=mood.primary, bgcolor="#E0E0E0",
                                          bar_height=6, border_radius=ft.BorderRadius.all(3))
        self.overall = ui.muted(app, "")
        self.section_desc = ui.muted(app, "", size=13)
        # chips wrap onto more lines rather than run off the edge cut mid-word
        self.chips = ft.Row(wrap=True, spacing=6, run_spacing=6)
        subtitle = self.t("views.run.discreet_subtitle", name=self.outlet_name) if discreet \
            else self.t("views.run.subtitle", kind=self.t(f"kind.{self.summary.kind}"),
                        tier=self._tier_label())
        header = theme.card(ft.Column([
            # the outlet's full name (the phone's title bar may have to shorten it)
            *([] if discreet else [ui.body_text(app, self.outlet_name, size=15,
                                                weight=ft.FontWeight.W_600)]),
            ui.muted(app, subtitle, size=13),
            ft.Row([self.section_title, self.section_count],
                   alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                   vertical_alignment=ft.CrossAxisAlignment.CENTER),
            self.section_bar, self.section_desc, self.overall,
            ft.Semantics(content=self.chips, identifier="section-chips", container=True),
        ], spacing=6), mood=mood)

        self.items_column = ft.Column(spacing=12,
                                      horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.prev_button = ui.secondary_button(app, self.t("views.run.prev"), self.prev)
        self.next_button = ui.primary_button(app, self.t("views.run.next"), self.next,
                                             icon=ft.Icons.CHEVRON_RIGHT)
        self.review_button = ui.primary_button(
            app, self.t("views.run.review_discreet" if discreet else "views.run.review"),
            self.review, icon=ft.Icons.FACT_CHECK_OUTLINED)
        self.nav = ft.Row(spacing=8)
        self.column = ft.Column()
        body: list[ft.Control] = [header, self.items_column]
        if self.summary.kind == "open_inspection":
            body.append(ui.secondary_button(app, self.t("views.run.actions"),
                                            lambda: app.go(f"/visit/{self.uuid}/actions"),
                                            icon=ft.Icons.ASSIGNMENT_OUTLINED))
        body.append(ft.Container(height=8))
        view = ui.frame(app, self.route(), body, appbar=bar, bottom=self.nav,
                        identifier="screen-checklist", column=self.column)
        self.cover = self._cover()
        self.view = view
        self.draw_section()
        return view

    def _tier_label(self) -> str:
        tiers = self.app.ws.catalog.tiers
        tier = tiers.get(self.summary.tier)
        return tier.label.get(self.app.lang) if tier else self.summary.tier

    def route(self) -> str:
        return make_route(f"/visit/{self.uuid}", s=self.section_id)

    def _cover(self) -> ft.Control:
        return ft.Container()

    # -- drawing ---------------------------------------------------------------------------

    def draw_section(self) -> None:
        app = self.app
        section = next(sec for sec in self.checklist.sections if sec.id == self.section_id)
        callbacks = ItemCallbacks(
            answer=self.answer, clear=self.clear, note=self.note, photo=self.photo,
            remove_photo=self.remove_photo,
            raise_action=self.raise_action if self.summary.kind == "open_inspection"
            else None)
        self.cards = {}
        self._callbacks = callbacks
        # A long section is built lazily: the first cards with the section (every real
        # section fits), the rest a batch per frame once the screen is up (bench:
        # benchmarks/bench_section_open.py). A focused item is always in the first part.
        items = list(section.items)
        upto = FIRST_CARDS
        if self.focus_item in self.checklist.section_of:
            ids = [it.id for it in items]
            if self.focus_item in ids:
                upto = max(upto, ids.index(self.focus_item) + 3)
        controls: list[ft.Control] = []
        for n, item in enumerate(items[:upto]):
            card = ItemCard(app, item, callbacks, index=n)
            self.cards[item.id] = card
            controls.append(card.control)
        self.items_column.controls = controls
        self._generation += 1
        self._pending = [(n, it) for n, it in enumerate(items) if n >= upto]
        if self._pending:
            app.page.run_task(self._draw_rest, self._generation)
        self.section_desc.value = section.description.get(app.lang) \
            if section.description else ""
        self.section_desc.visible = bool(self.section_desc.value)
        self.apply_state(self.state, update=False)

    async def _draw_rest(self, generation: int) -> None:
        """The rest of a long section's cards, MORE_CARDS per frame, while it is shown."""
        callbacks = self._callbacks
        assert callbacks is not None
        while self._pending and generation == self._generation:
            await asyncio.sleep(LAZY_PAUSE)  # let the frame before go out (and taps in)
            if generation != self._generation or self.app.screen is not self:
                return
            batch, self._pending = self._pending[:MORE_CARDS], self._pending[MORE_CARDS:]
            for n, item in batch:
                card = ItemCard(self.app, item, callbacks, index=n)
                card.update(self.state)
                self.cards[item.id] = card
                self.items_column.controls.append(card.control)
            ui.redraw(self.items_column)

    def apply_state(self, state: Any, *, update: bool = True) -> None:
        """Redraw everything that depends on the answers (no control is rebuilt)."""
        self.state = state
        app = self.app
        mood = app.mood
        sections = self.checklist.sections
        index = next(i for i, sec in enumerate(sections) if sec.id == self.section_id)
        section = sections[index]
        progress = state.progress.get(section.id)
        self.section_title.value = section.title.get(app.lang)
        # what the section still needs: its required items and any evidence now due
        answered = progress.complete if progress else 0
        visible = progress.needed if progress else 0
        # discreet: no "第 1/8 部分 · 全部 0/46" (a form's counters); the thin bar stays
        self.section_count.value = "" if mood.discreet else self.t(
            "views.run.section_of", n=index + 1, total=len(sections))
        self.section_bar.value = (answered / visible) if visible else 1.0
        self.overall.value = "" if mood.discreet else self.t(
            "views.run.progress", answered=state.complete_count, total=state.needed_count,
            section_answered=answered, section_total=visible)
        self.overall.visible = not mood.discreet
        for card in self.cards.values():
            card.update(state)
        # section chips: title and a tick when done
        chips: list[ft.Control] = []
        for i, sec in enumerate(sections):
            p = state.progress.get(sec.id)
            if p is not None and p.visible == 0:
                continue
            done = p is not None and p.done
            label = sec.title.get(app.lang) if mood.discreet else \
                f"{i + 1}. {sec.title.get(app.lang)}"
            if p is not None and not mood.discreet:
                label += f" {p.complete}/{p.needed}"
            current = sec.id == self.section_id
            tick = [ft.Icon(ft.Icons.CHECK_CIRCLE, size=16,
                            color=theme.OK if not mood.discreet else theme.MUTED)] if done else []
            chip = ft.Container(
                content=ft.Row([*tick, ft.Text(label, size=mood.fs(13), no_wrap=True,
                                               weight=ft.FontWeight.W_600 if current
                                               else None)],
                               spacing=4, tight=True),
                # >= 48 px high (a 13-px line and 15 px above and below)
                padding=ft.Padding.symmetric(horizontal=12, vertical=15),
                border_radius=ft.BorderRadius.all(8),
                border=ft.Border.all(1, mood.primary if current else "#CFD8DC"),
                bgcolor="#E0F2F1" if current and not mood.discreet else
                ("#ECEFF1" if current else ft.Colors.WHITE),
                on_click=self.on(self._goto_section(sec.id)),
                ink=True,
            )
            # announced like a selectable chip ("n. title a/b", checked when current), with
            # what a tap does as the hint
            # (its own label only, said once: the chip's text would repeat it; the node
            # takes the tap itself, the chip's own gesture being left out with its text)
            chips.append(ft.Semantics(
                content=chip, checked=current, label=label, exclude_semantics=True,
                on_tap=self.on(self._goto_section(sec.id)),
                hint_text=self.t("views.run.goto_section", title=sec.title.get(app.lang))))
        self.chips.controls = chips
        # score for managers only
        if not mood.discreet and hasattr(self, "score_chip"):
            total = getattr(state.score, "total", None)
            vetoes = len(getattr(state.score, "vetoes", []) or [])
            started = state.answered_count > 0
            text = self.t("views.run.score", score=format_score(total)) \
                if total is not None and started else ""
            if vetoes:
                text += " · " + self.t("views.run.vetoes", n=vetoes)
            self.score_chip.value = text
            self.score_chip.color = theme.FAIL if vetoes else mood.primary
        # bottom bar
        last = index == len([s for s in sections]) - 1 or all(
            (state.progress.get(s.id) is not None and state.progress[s.id].visible == 0)
            for s in sections[index + 1:])
        first = index == 0
        nav: list[ft.Control] = []
        if not first:
            nav.append(ft.Container(self.prev_button, expand=2))
        nav.append(ft.Container(self.review_button if last else self.next_button, expand=3))
        self.nav.controls = nav
        if update:
            ui.redraw(self.view)

    def reload(self) -> None:
        self.apply_state(self.app.ws.inspections.state(self.uuid))

    # -- events ----------------------------------------------------------------------------

    def answer(self, item_id: str, value: Any) -> None:
        try:
            self.app.ws.inspections.answer(self.uuid, item_id, value)
        finally:
            self.reload()

    def clear(self, item_id: str) -> None:
        try:
            self.app.ws.inspections.clear_answer(self.uuid, item_id)
        finally:
            self.reload()

    def note(self, item_id: str, text: str) -> None:
        self.app.ws.inspections.note(self.uuid, item_id, text)
        self.reload()

    def photo(self, item_id: str, data: bytes, source: str, name: str) -> None:
        if source not in ("camera", "gallery"):
            raise ValueError(f"unknown photo source {source!r}")
        card = self.cards.get(item_id)
        if card is not None:
            card.set_busy(True)
        app = self.app

        def work() -> Any:
            return app.ws.inspections.attach_photo(self.uuid, item_id, data, source=source)

        def done(_info: Any) -> None:
            if card is not None:
                card.set_busy(False)
            self.reload()
            app.notify(self.t("views.item.photo_saved"))

        def failed_too() -> None:
            if card is not None:
                card.set_busy(False)

        def guarded_work() -> Any:
            try:
                return work()
            finally:
                failed_too()

        app.run_background(guarded_work, done)

    def raise_action(self, item_id: str) -> None:
        """A corrective action from this failed item: the actions screen, prefilled."""
        self.app.go(make_route(f"/visit/{self.uuid}/actions", item=item_id))

    def remove_photo(self, item_id: str, sha256: str) -> None:
        def remove() -> None:
            self.app.ws.inspections.remove_photo(self.uuid, item_id, sha256)
            self.reload()

        self.app.confirm(self.t("views.item.remove_photo_title"),
                         self.t("views.item.remove_photo_body"),
                         self.t("views.item.remove_photo_ok"), remove, danger=True)

    def _goto_section(self, section_id: str) -> Any:
        def goto() -> None:
            self.show_section(section_id)

        return goto

    def show_section(self, section_id: str) -> None:
        self.section_id = section_id
        self.focus_item = None
        self.draw_section()
        self.app.route = self.route()
        self.app.session.save_place(self.app.route)
        self.view.update()
        self._scroll_top()
        self.app._push_browser_route(self.app.route)

    def _visible_sections(self) -> list[str]:
        return [s.id for s in self.checklist.sections
                if (p := self.state.progress.get(s.id)) is None or p.visible > 0]

    def prev(self) -> None:
        ids = self._visible_sections()
        if self.section_id in ids and ids.index(self.section_id) > 0:
            self.show_section(ids[ids.index(self.section_id) - 1])

    def next(self) -> None:
        ids = self._visible_sections()
        if self.section_id in ids and ids.index(self.section_id) < len(ids) - 1:
            self.show_section(ids[ids.index(self.section_id) + 1])
        else:
            self.review()

    def review(self) -> None:
        self.app.go(f"/visit/{self.uuid}/review")

    def leave_kiosk(self) -> None:
        self.app.confirm(self.t("views.kiosk.leave_title"), self.t("views.kiosk.leave_body"),
                         self.t("views.kiosk.leave_ok"), lambda: self.app.go("/kiosk"))

    def toggle_hide(self) -> None:
        hide_screen(self.app)

    def after_show(self) -> None:
        if self.focus_item:
            self._scroll_to(self.focus_item)

    def _scroll_top(self) -> None:
        self.app.page.run_task(self._scroll, {"offset": 0, "duration": 0})

    def _scroll_to(self, item_id: str) -> None:
        card = self.cards.get(item_id)
        if card is not None:
            card.show_missing = True
            card.update(self.state)
        self.app.page.run_task(self._scroll, {"scroll_key": f"item-{item_id}",
                                              "duration": 300})

    async def _scroll(self, where: dict[str, Any]) -> None:
        """Scroll the items (a task: the client answers when done). Not scrolled - the
        screen left, no answer in time - is only a convenience lost."""
        try:
            await self._scroller().scroll_to(**where)
        except (RuntimeError, TimeoutError) as exc:
            log.debug("not scrolled: %r", exc)

    def _scroller(self) -> ft.Column:
        body = self.view.controls[0]
        if isinstance(body, ft.Semantics):
            body = body.content
        return body.controls[0]  # type: ignore[union-attr]

    def refresh_sync(self) -> None:
        self.badge.refresh()


hide_screen = ui.hide_screen  # (where other screens found it first)
