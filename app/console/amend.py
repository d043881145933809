"""A manager's correction of a returned result (e.g. after an overturned dispute).

The page lists the result's items section by section with their current answers and notes,
each in a control fit for its type (是/否, a scale's points, a choice's options, a number, a
text); photos are shown as they are (only the inspector can add photos). The manager
changes what needs changing and says why (required); only what differs from the current
result is sent to `review.amend_by_manager`, which re-scores it with the same scoring code
against the same issued definition and stores it as a new result, received, that someone
else must review. The console then opens that new result.
"""

from __future__ import annotations

from typing import Any

import flet as ft

from app.central import review
from app.central.accounts import BadInput
from app.central.exports import Labels
from app.central.exports.labels import text_of
from app.checklists import ItemType
from app.checklists.scoring import NA
from app.console import theme, ui
from app.console.shell import Page, Redirect

NONE = "__none__"  # the dropdown key of "no answer"
YES, NO = "yes", "no"


def number_text(value: Any) -> str:
    """A number answer as typed (8, 12.5; no trailing .0)."""
    if value is None or value == NA:
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() else str(value)


class AmendPage(Page):
    nav = "queue"

    def __init__(self, console: Any, uuid: str, **params: str) -> None:
        super().__init__(console, **params)
        self.uuid = uuid.lower()
        self.labels = Labels.for_ctx(console.ctx, console.lang)
        self.fields: dict[str, tuple[Any, ft.TextField, Any, str | None]] = {}

    def title(self) -> str:
        v = getattr(self, "view", None)
        if v is None:
            return self.t("console.amend.title")
        return self.t("console.amend.page_title", outlet=v.outlet.name)

    # -- building ---------------------------------------------------------------------------
    def build(self) -> list[ft.Control]:
        c = self.console
        self.view = v = review.result_view(c.ctx, self.manager, self.uuid, c.lang)
        definition = review.definition_of(c.ctx, self.manager, self.uuid) \
            if "amend" in v.allowed_actions else None
        if definition is None:
            c.notify(self.t("console.amend.not_allowed"), error=True)
            raise Redirect(f"/result/{self.uuid}")
        self.items = definition.items
        self.reason = ft.TextField(label=self.t("console.amend.reason"), multiline=True,
                                   min_lines=2, max_lines=5, max_length=2000, width=720)
        self.error = ft.Text("", color=theme.FAIL, size=14, visible=False)
        lb = self.labels
        head = ft.Column([
            ui.heading(self.t("console.amend.title"), 22),
            ft.Text(f"{v.outlet.name}（{v.outlet.code}） · {lb.kind(v.kind)}"
                    if c.lang == "zh" else
                    f"{v.outlet.name} ({v.outlet.code}) · {lb.kind(v.kind)}", size=15),
            ui.muted(self.t("console.amend.current_score", score=lb.score(v.score_total))),
            *([ui.muted(self.t("console.result.audit_reason", reason=v.review_reason))]
              if v.review_reason else []),
            ft.Text(self.t("console.amend.intro"), size=14),
        ], spacing=6, tight=True)
        return [
            ft.Row([ft.TextButton(self.t("console.amend.back"), icon=ft.Icons.ARROW_BACK,
                                  on_click=self.go(f"/result/{self.uuid}"))]),
            ui.region(theme.card(head), "amend-header"),
            *[self._section(s) for s in v.sections],
            ui.region(theme.card(ft.Column([
                ui.heading(self.t("console.amend.reason_head"), 16), self.reason, self.error,
                ft.Row([
                    ft.TextButton(self.t("console.action.cancel"),
                                  on_click=self.go(f"/result/{self.uuid}")),
                    ft.FilledButton(self.t("console.amend.submit"), icon=ft.Icons.SEND,
                                    on_click=self.on(self._submit)),
                ], alignment=ft.MainAxisAlignment.END, spacing=10),
            ], spacing=10)), "amend-submit"),
        ]

    def _section(self, s: review.SectionView) -> ft.Control:
        lb = self.labels
        rows: list[ft.Control] = [ft.Text(
            self.t("console.result.section_head", label=text_of(s.label, lb.lang),
                   score=lb.score(s.score), weight=lb.score(s.weight)),
            size=15, weight=ft.FontWeight.W_600, color=theme.PRIMARY)]
        for item in s.items:
            rows.append(self._item(item))
        return ui.region(theme.card(ft.Column(rows, spacing=10)), f"amend-section-{s.id}")

    def _item(self, iv: review.ItemView) -> ft.Control:
        lb = self.labels
        label = text_of(iv.label, lb.lang)
        item = self.items.get(iv.id)
        was = self.t("console.amend.was", value=iv.value_text or self.t("console.amend.none"))
        marks: list[ft.Control] = []
        if iv.failed:
            marks.append(theme.chip(self.t("console.export.col.failed"), theme.FAIL))
        if iv.veto:
            marks.append(theme.chip(self.t("console.flag.veto"), theme.FAIL))
        if iv.status == "hidden":
            marks.append(ui.muted(self.t("console.amend.hidden"), 12))
        title = ft.Row([ft.Text(label, size=14, weight=ft.FontWeight.W_600), *marks],
                       spacing=6, wrap=True)
        if item is None or item.type is ItemType.PHOTO:
            return ft.Column([title, ui.muted(self.t("console.amend.photo_item",
                                                      n=len(iv.photos)))], spacing=2)
        control, box = self._input(item, iv, label)
        note = ft.TextField(label=self.t("console.amend.note", item=label), value=iv.note or "",
                            dense=True, max_length=2000, expand=True)
        self.fields[iv.id] = (box, note, iv.value, iv.note)
        return ui.region(ft.Column([title, ui.muted(was, 12),
                                    ft.Row([control, note], spacing=12,
                                           vertical_alignment=ft.CrossAxisAlignment.START)],
                                   spacing=4), f"amend-item-{iv.id}")

    def _input(self, item: Any, iv: review.ItemView, label: str) -> tuple[ft.Control, Any]:
        """(the control to show, the one holding the value) for an item's type."""
        lang = self.labels.lang
        none = (NONE, self.t("console.amend.none"))
        na = [(NA, self.t("answer.na"))] if item.allow_na else []
        current = iv.value
        if item.type is ItemType.TEXT:
            box = ft.TextField(label=label, value=current if isinstance(current, str) else "",
                               multiline=True, min_lines=1, max_lines=4, width=320,
                               max_length=4000)
            return box, box
        if item.type is ItemType.NUMBER:
            unit = text_of(item.unit, lang) if item.unit is not None else ""
            box = ft.TextField(label=label, value=number_text(current), width=200,
                               suffix=unit or None,
                               keyboard_type=ft.KeyboardType.NUMBER)
            if na:  # a number that may be "not applicable": a dropdown beside the field
                pick = ui.dropdown(self.t("console.amend.na_for", item=label),
                                   NA if current == NA else NONE,
                                   [(NONE, self.t("console.amend.number_given")), *na],
                                   width=160)
                return ft.Row([box, pick], spacing=8), (box, pick.content)
            return box, box
        if item.type is ItemType.YES_NO:
            options = [(YES, self.t("answer.yes")), (NO, self.t("answer.no")), *na, none]
            key = NONE if current is None else (NA if current == NA else
                                                 (YES if current is True else NO))
        elif item.type is ItemType.SCALE:
            options = [(str(k), f"{k} / {item.max}") for k in range(item.min, item.max + 1)]
            options += [*na, none]
            key = NONE if current is None else str(current)
        else:  # choice
            options = [(o.id, text_of(o.label, lang)) for o in item.options or []]
            options += [*na, none]
            key = NONE if current is None else str(current)
        pick = ui.dropdown(label, key, options, width=240, identifier=f"answer-{iv.id}")
        return pick, pick.content

    # -- reading the form -------------------------------------------------------------------
    def _value(self, item_id: str) -> Any:
        """The answer the form now holds for an item (raises BadInput for a bad number)."""
        box = self.fields[item_id][0]
        item = self.items[item_id]
        if isinstance(box, tuple):  # number with N/A
            field, na = box
            if na.value == NA:
                return NA
            box = field
        if isinstance(box, ft.TextField):
            text = (box.value or "").strip()
            if item.type is ItemType.TEXT:
                return text or None
            if not text:
                return None
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                raise BadInput("console.amend.bad_number",
                                      item=text_of(item.label, self.labels.lang),
                                      value=text[:20]) from None
            return int(number) if number.is_integer() else number
        key = box.value
        if key in (None, NONE):
            return None
        if key == NA:
            return NA
        if item.type is ItemType.YES_NO:
            return key == YES
        if item.type is ItemType.SCALE:
            return int(key)
        return key

    def changes(self) -> tuple[dict[str, Any], dict[str, str | None]]:
        """(answers that differ from the result's, notes that differ)."""
        answers: dict[str, Any] = {}
        notes: dict[str, str | None] = {}
        for item_id, (_box, note, old_value, old_note) in self.fields.items():
            value = self._value(item_id)
            if value != old_value:
                answers[item_id] = value
            text = (note.value or "").strip() or None
            if text != (old_note or None):
                notes[item_id] = text
        return answers, notes

    def _submit(self) -> None:
        c = self.console
        try:
            answers, notes = self.changes()
            new_uuid = review.amend_by_manager(c.ctx, self.manager, self.uuid, answers,
                                               self.reason.value or "", notes)
        except BadInput as exc:  # the form stays, with what was typed
            self.error.value = exc.message(c.lang)
            self.error.visible = True
            c.last_message = self.error.value
            c.page.update()
            return
        c.go(f"/result/{new_uuid}")
        c.notify(self.t("console.amend.done"))
