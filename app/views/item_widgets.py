"""One card per checklist item: the answer widget that fits the item type, note, photos.

The card holds no rules. It draws the item and the state the services computed
(`InspectionState`: answer, note, photos, visibility, what is missing) and forwards every
tap to the screen's callbacks, which call the services at once (autosave). Widgets:

- yes_no: large 是 / 否 (/ 不适用) buttons side by side; tapping the chosen one again takes
  the answer back;
- scale: one chip per point (0-5 usually) plus 不适用 where allowed;
- number: a numeric field with the unit, saved as you type (short pause) and on leaving;
- choice: a radio list;
- text: a multi-line field, saved like the number;
- photo: only the photo buttons.

Photos: "拍照" opens the camera view (app/views/camera.py: live preview, shutter); only a
picture taken there is stored as source "camera". "从相册选择" opens the device's picker
for existing images (`ft.PickFiles` runs inside the tap, which mobile browsers require)
and is stored as source "gallery"; it is not offered where the item needs fresh evidence
(photo_source: camera). A picked file is never recorded as "camera". When the camera
cannot be opened, the card says so in a plain sentence under the photo buttons: for other
items it points to the gallery; a camera-only item stays without a photo (missing).
The photo buttons come before everything a photo's intake changes on the card (hint,
"正在处理照片…", that sentence, thumbnails), so they never move under a resting mouse.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import flet as ft

from app.checklists import Item, ItemType
from app.views import camera, theme, ui

if TYPE_CHECKING:
    from app.views.shell import AppShell

log = logging.getLogger("hallcheck.views")

NA = "na"
# what is missing that an answer made due: shown on the card at once
EVIDENCE = frozenset({"photo_required", "camera_photo_required", "note_required",
                      "veto_evidence_required"})
TEXT_SAVE_DELAY = 0.7  # seconds of no typing before a text/number field is saved
THUMB = 72


class ItemCallbacks:
    """What a card asks of its screen (all wrapped by the screen in `guard`)."""

    def __init__(self, *, answer: Callable[[str, Any], None], clear: Callable[[str], None],
                 note: Callable[[str, str], None],
                 photo: Callable[[str, bytes, str, str], None],
                 remove_photo: Callable[[str, str], None],
                 raise_action: Callable[[str], None] | None = None) -> None:
        self.answer = answer
        self.clear = clear
        self.note = note
        self.photo = photo
        self.remove_photo = remove_photo
        # a coaching visit: raise a corrective action from a failed item (None: not offered)
        self.raise_action = raise_action


def _text_width(text: str, size: float) -> float:
    """Rough width of a one-line text in pixels (CJK ~1 em, Latin ~0.55 em)."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def _failed(item: Item, value: Any) -> bool:
    """Whether the current answer is a failure, for colouring only (the services decide
    what that means for the score and for what is missing)."""
    from app.checklists.scoring import item_failed

    return item_failed(item, value)  # (stored answers are validated: it cannot fail)


class ItemCard:
    """The card of one item; `update(state)` brings it in line with the services' state."""

    def __init__(self, app: AppShell, item: Item, callbacks: ItemCallbacks, *,
                 index: int, readonly: bool = False) -> None:
        self.app = app
        self.item = item
        self.cb = callbacks
        self.index = index
        self.readonly = readonly
        self.value: Any = None
        self.note_text: str = ""
        self.photos: list[Any] = []
        self.missing: list[str] = []
        self._note_open = False
        self._busy = False
        self._text_version = 0
        self._note_version = 0
        self.t = app.t
        mood = app.mood
        lang = app.lang

        self.title = ft.Text(
            f"{item.label.get(lang)}", size=mood.fs(16), weight=ft.FontWeight.W_600,
            expand=True,
        )
        badges: list[ft.Control] = []
        if item.veto is not None:
            badges.append(self._veto_badge())
        header = ft.Row([self.title], vertical_alignment=ft.CrossAxisAlignment.START)
        self.help = (ui.muted(app, item.help.get(lang), size=13) if item.help else None)
        self.answer_area = ft.Column(spacing=6, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)
        self.hint = ft.Text("", size=mood.fs(13), color=theme.FAIL, visible=False)
        self.note_field = ft.TextField(
            label=self.t("views.item.note"), multiline=True, min_lines=1, max_lines=5,
            text_size=mood.fs(15), on_change=app.guard(self._note_changed),
            on_blur=app.guard(self._note_blur), visible=False, read_only=readonly,
        )
        self.note_toggle = ft.TextButton(
            self.t("views.item.add_note"), icon=ft.Icons.EDIT_NOTE,
            on_click=app.guard(self._open_note), visible=not readonly,
            height=ui.TOUCH_MIN,
        )
        self.photo_row = ft.Row(wrap=True, spacing=8, run_spacing=8)
        self.photo_status = ft.Text("", size=mood.fs(13), color=theme.MUTED)
        # shown while a photo is taken in (normalised and stored) on a worker thread
        self.photo_progress = ft.Row(
            [ft.ProgressRing(width=16, height=16, stroke_width=2, color=mood.primary),
             self.photo_status], spacing=8, visible=False,
            vertical_alignment=ft.CrossAxisAlignment.CENTER)
        # why the camera did not open (stays until the next photo is taken in)
        self.camera_note = ft.Text("", size=mood.fs(13), color=theme.FAIL, visible=False)
        self.photo_buttons = ft.Row(wrap=True, spacing=8, run_spacing=8)
        self.action_button = ft.TextButton(
            self.t("views.item.raise_action"), icon=ft.Icons.ASSIGNMENT_LATE_OUTLINED,
            on_click=app.guard(self._raise_action), visible=False,
            style=self._button_style(), height=ui.TOUCH_MIN)
        self._build_answer_widget()
        self._build_photo_buttons()

        tools = ft.Row([self.note_toggle, self.photo_buttons, self.action_button], wrap=True,
                       spacing=4,
                       run_spacing=4, vertical_alignment=ft.CrossAxisAlignment.CENTER)
        parts: list[ft.Control] = [header]
        if badges:
            parts.append(ft.Row(badges, wrap=True, spacing=6, run_spacing=4))
        if self.help is not None:
            parts.append(self.help)
        # The buttons stay where the pointer left them: everything a photo's intake changes
        # (the "正在处理照片…" line, the new thumbnail, the camera sentence, the evidence hint)
        # is drawn below them. Above them, those lines pushed the buttons down while the
        # photo was taken in and again when its thumbnail appeared, so the next click on
        # "从相册选择" landed beside it and did nothing (issue 12).
        parts += [self.answer_area, self.note_field, tools, self.hint, self.photo_progress,
                  self.camera_note, self.photo_row]
        self.box = ft.Container(
            content=ft.Column(parts, spacing=8,
                              horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
            bgcolor=theme.CARD_BG,
            border_radius=ft.BorderRadius.all(12),
            border=ft.Border.all(1, "#E0E0E0"),
            padding=ft.Padding.all(14 if not mood.kiosk else 20),
        )
        self.control = ft.Semantics(
            content=self.box, identifier=f"item-{item.id}", container=True,
            key=ft.ScrollKey(f"item-{item.id}"),
        )

    # -- pieces ----------------------------------------------------------------------------

    def _veto_badge(self) -> ft.Control:
        item, lang, app = self.item, self.app.lang, self.app
        assert item.veto is not None
        scope = self.t(f"veto.scope.{item.veto.scope.value}")
        reason = item.veto.reason.get(lang)
        if app.mood.discreet:
            # a quiet star: the shopper knows its weight; neither a glance at the phone nor
            # its screen reader names the veto (no tooltip, no label saying 一票否决)
            return ui.tag(app, self.t("views.item.veto_discreet"), icon=ft.Icons.STAR,
                          color=theme.MUTED, bgcolor="#F1F1EC")
        return ui.tag(app, f"{self.t('veto')} · {scope}", icon=ft.Icons.GAVEL,
                      color=theme.FAIL, bgcolor=theme.VETO_BG, tooltip=reason)

    def _build_answer_widget(self) -> None:
        item = self.item
        kind = item.type
        self.buttons: dict[Any, ft.Control] = {}
        # what a screen reader hears as chosen (not only the colour): selected=True
        self.marks: dict[Any, ft.Semantics] = {}
        self.text_field: ft.TextField | None = None
        self.radio: ft.RadioGroup | None = None
        if kind is ItemType.YES_NO:
            options: list[tuple[Any, str]] = [(True, self.t("answer.yes")),
                                              (False, self.t("answer.no"))]
            if item.allow_na:
                options.append((NA, self.t("answer.na")))
            self.answer_area.controls = [self._button_row(options)]
        elif kind is ItemType.SCALE:
            lo, hi = item.min or 0, item.max or 5
            options = [(v, str(v)) for v in range(lo, hi + 1)]
            # up to 7 points share one row (0-5 fits a 360-px phone); more wrap
            row = self._button_row(options, wrap=len(options) > 7, square=len(options) > 7,
                                   spacing=4)
            self.answer_area.controls = [
                ft.Row([ui.muted(self.app, self.t("views.item.scale_low")),
                        ui.muted(self.app, self.t("views.item.scale_high"))],
                       alignment=ft.MainAxisAlignment.SPACE_BETWEEN),
                row,
            ]
            if item.allow_na:
                self.answer_area.controls.append(self._button_row([(NA, self.t("answer.na"))]))
        elif kind is ItemType.NUMBER:
            unit = item.unit.get(self.app.lang) if item.unit else None
            self.text_field = ft.TextField(
                label=self.t("views.item.number"), suffix=unit,
                keyboard_type=ft.KeyboardType.NUMBER, text_size=self.app.mood.fs(18),
                on_change=self.app.guard(self._text_changed),
                on_blur=self.app.guard(self._text_blur),
                on_submit=self.app.guard(self._text_blur),
                read_only=self.readonly, width=220,
            )
            self.answer_area.controls = [self.text_field]
            if item.allow_na:
                self.answer_area.controls.append(self._button_row([(NA, self.t("answer.na"))]))
        elif kind is ItemType.CHOICE:
            options = [(o.id, o.label.get(self.app.lang)) for o in item.options or []]
            if item.allow_na:
                options.append((NA, self.t("answer.na")))
            self.radio = ft.RadioGroup(
                content=ft.Column([self._radio(value, label) for value, label in options],
                                  spacing=0,
                                  horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                on_change=self.app.guard(self._radio_changed),
            )
            self.answer_area.controls = [self.radio]
        elif kind is ItemType.TEXT:
            self.text_field = ft.TextField(
                label=self.t("views.item.text"), multiline=True, min_lines=2, max_lines=8,
                text_size=self.app.mood.fs(15),
                on_change=self.app.guard(self._text_changed),
                on_blur=self.app.guard(self._text_blur), read_only=self.readonly,
            )
            self.answer_area.controls = [self.text_field]
            self.note_toggle.visible = False
        else:  # photo item: the photo buttons are the answer
            self.answer_area.visible = False
            self.note_toggle.visible = not self.readonly

    def _radio(self, value: str, label: str) -> ft.Control:
        """One option: a radio with its label; a label too long for a phone's width (a
        Radio's own label never wraps) is a wrapping text beside the radio, tappable too."""
        mood = self.app.mood
        if _text_width(label, mood.fs(15)) <= 230:
            return ft.Container(
                ft.Radio(value=value, label=label, disabled=self.readonly,
                         label_style=theme.text_style(size=mood.fs(15)),
                         height=mood.touch),
                height=mood.touch, alignment=ft.Alignment.CENTER_LEFT)
        return ft.Container(
            ft.Row([ft.Radio(value=value, disabled=self.readonly, height=mood.touch,
                             width=mood.touch),
                    ft.Text(label, size=mood.fs(15), expand=True)],
                   vertical_alignment=ft.CrossAxisAlignment.CENTER, spacing=0),
            on_click=None if self.readonly else self.app.guard(self._pick(value)),
            padding=ft.Padding.symmetric(vertical=4),
        )

    def _button_row(self, options: list[tuple[Any, str]], *, wrap: bool = False,
                    square: bool = False, spacing: int = 8) -> ft.Control:
        controls = []
        for value, label in options:
            button = ft.OutlinedButton(
                label, on_click=self.app.guard(self._choose(value)),
                height=self.app.mood.touch, disabled=self.readonly,
                style=theme.big_button_style(self.app.mood),
                width=self.app.mood.touch + 4 if square else None,
            )
            self.buttons[value] = button
            # MergeSemantics: one node, role=button named by its text, with the selected
            # state (Flutter web renders it as aria-current="true")
            mark = ft.Semantics(content=button, selected=False)
            self.marks[value] = mark
            named = ft.MergeSemantics(content=mark)
            controls.append(named if square else ft.Container(named, expand=True))
        if wrap:
            return ft.Row(controls, wrap=True, spacing=6, run_spacing=6)
        return ft.Row(controls, spacing=spacing)

    def _build_photo_buttons(self) -> None:
        item = self.item
        rule = item.photo.value
        wants_photo = item.type is ItemType.PHOTO or rule != "none"
        self.wants_photo = wants_photo
        self.camera_only = item.photo_source.value == "camera"
        if not wants_photo or self.readonly:
            self.photo_buttons.visible = False
            return
        self.photo_buttons.controls.append(self._camera_button())
        if not self.camera_only:
            self.photo_buttons.controls.append(self._gallery_button())

    def _button_style(self) -> ft.ButtonStyle:
        return ft.ButtonStyle(padding=ft.Padding.symmetric(horizontal=10, vertical=12))

    def _camera_button(self) -> ft.Control:
        """"拍照": the camera view, never a file picker (what it returns is fresh)."""
        return ft.TextButton(self.t("views.item.camera"), icon=ft.Icons.PHOTO_CAMERA,
                             on_click=self.app.guard(self._open_camera),
                             style=self._button_style(), height=ui.TOUCH_MIN)

    def _gallery_button(self) -> ft.Control:
        """"从相册选择": the device's picker for existing images (the page's one, see
        AppShell.gallery_picker), its pick stored on this item as "gallery"."""
        label = self.t("views.item.gallery")
        return ft.TextButton(
            label, icon=ft.Icons.PHOTO_LIBRARY,
            action=ft.PickFiles(self.app.gallery_picker(),
                                file_type=ft.FilePickerFileType.IMAGE, with_data=True,
                                allow_multiple=True, dialog_title=label),
            on_click=self.app.guard(self._aim_gallery),
            style=self._button_style(), height=ui.TOUCH_MIN,
        )

    def _aim_gallery(self) -> None:
        self.app.aim_gallery(self._gallery_picked)

    # -- events ----------------------------------------------------------------------------

    def _choose(self, value: Any) -> Callable[[], None]:
        def choose() -> None:
            if self.readonly:
                return
            if self.value == value and type(self.value) is type(value):
                self.cb.clear(self.item.id)
            else:
                self.cb.answer(self.item.id, value)

        return choose

    def _pick(self, value: str) -> Callable[[], None]:
        def pick() -> None:
            if value != self.value:
                self.cb.answer(self.item.id, value)

        return pick

    def _radio_changed(self, e: Any) -> None:
        value = e.control.value
        if value:
            self.cb.answer(self.item.id, value)

    def _text_changed(self, e: Any) -> None:
        self._text_version += 1
        version = self._text_version
        self._later(lambda: version == self._text_version, self._save_text)

    def _text_blur(self, e: Any = None) -> None:
        self._text_version += 1
        self._save_text()

    def _save_text(self) -> None:
        assert self.text_field is not None
        raw = (self.text_field.value or "").strip()
        item = self.item
        if item.type is ItemType.NUMBER:
            if raw == "":
                if self.value is not None and self.value != NA:
                    self.cb.clear(item.id)
                return
            try:
                number: float = float(raw.replace(",", "."))
            except ValueError:
                self.text_field.error = self.t("views.item.not_a_number")
                self.text_field.update()
                return
            if self.text_field.error:
                self.text_field.error = None
                self.text_field.update()
            if number.is_integer():
                number = int(number)
            if number != self.value:
                self.cb.answer(item.id, number)
        else:
            if raw == (self.value or ""):
                return
            if raw:
                self.cb.answer(item.id, raw)
            elif self.value is not None:
                self.cb.clear(item.id)

    def _open_note(self) -> None:
        self._note_open = True
        self.note_field.visible = True
        self.note_toggle.visible = False
        self.box.update()

    def _note_changed(self, e: Any) -> None:
        self._note_version += 1
        version = self._note_version
        self._later(lambda: version == self._note_version, self._save_note)

    def _note_blur(self, e: Any = None) -> None:
        self._note_version += 1
        self._save_note()

    def _save_note(self) -> None:
        text = (self.note_field.value or "").strip()
        if text != (self.note_text or ""):
            self.cb.note(self.item.id, text)

    def _later(self, still_current: Callable[[], bool], save: Callable[[], None]) -> None:
        """Save after a short pause in typing (a task on the page's loop)."""
        app = self.app

        async def wait_then_save() -> None:
            await asyncio.sleep(TEXT_SAVE_DELAY)
            if still_current():
                app.guard(save)()
                ui.redraw(app.page)

        app.page.run_task(wait_then_save)

    def _open_camera(self) -> None:
        if self.readonly:
            return
        # discreet mode: a full-screen title naming the item would be read across the
        # counter, so the view only says "拍照"
        title = self.t("views.item.camera") if self.app.mood.discreet else \
            self.t("views.camera.title", label=self.item.label.get(self.app.lang))
        camera.CaptureView(self.app, title=title, on_captured=self._captured,
                           on_unavailable=self._camera_unavailable).open()

    def _captured(self, data: bytes) -> None:
        """A picture from the camera view: the one way a photo is stored as "camera"."""
        self._show_camera_note("")
        self.cb.photo(self.item.id, data, "camera", "camera.jpg")

    def _camera_unavailable(self, reason: str) -> None:
        text = camera.unavailable_message(self.app, reason, camera_only=self.camera_only)
        self._show_camera_note(text)
        self.app.notify(text, error=True)

    def _show_camera_note(self, text: str) -> None:
        self.camera_note.value = text
        self.camera_note.visible = bool(text)
        ui.redraw(self.camera_note)

    def _gallery_picked(self, e: Any) -> None:
        files = [f for f in (getattr(e, "files", None) or []) if f is not None]
        for f in files:
            data = getattr(f, "bytes", None)
            if data is None and getattr(f, "path", None):
                data = Path(f.path).read_bytes()
            if data:
                self.cb.photo(self.item.id, bytes(data), "gallery", f.name or "")

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.photo_status.value = self.t("views.item.photo_working") if busy else ""
        self.photo_progress.visible = busy
        ui.redraw(self.photo_progress)
        if busy and self.camera_note.visible:
            self._show_camera_note("")

    # -- state -----------------------------------------------------------------------------

    def update(self, state: Any) -> None:
        """Bring the card in line with `state` (InspectionState). Does not call .update()."""
        item = self.item
        mood = self.app.mood
        self.value = state.answers.get(item.id)
        self.note_text = state.notes.get(item.id, "") or ""
        self.photos = list(state.photos.get(item.id, []))
        self.missing = [p.reason for p in state.problems if p.item_id == item.id]
        failed = _failed(item, self.value)

        for value, button in self.buttons.items():
            selected = self.value is not None and self.value == value and \
                type(self.value) is type(value)
            colour = None
            if selected and not mood.discreet and value != NA and item.can_fail:
                colour = theme.FAIL if failed else theme.OK
            button.style = theme.big_button_style(mood, selected=selected, colour=colour)
            button.tooltip = None
            self.marks[value].selected = selected
        if self.radio is not None:
            self.radio.value = self.value if isinstance(self.value, str) else None
        if self.text_field is not None:
            shown = "" if self.value in (None, NA) else str(self.value)
            if (self.text_field.value or "") != shown and not self._editing_same(shown):
                self.text_field.value = shown

        wants_note = (item.note_on_fail and failed) or bool(self.note_text) or self._note_open \
            or "note_required" in self.missing
        self.note_field.visible = wants_note and item.type is not ItemType.TEXT
        if (self.note_field.value or "") != self.note_text:
            self.note_field.value = self.note_text
        self.note_toggle.visible = (not self.readonly and not self.note_field.visible
                                    and item.type is not ItemType.TEXT)
        if item.note_on_fail and failed:
            self.note_field.label = self.t("views.item.note_required")
        else:
            self.note_field.label = self.t("views.item.note")

        self.action_button.visible = (self.cb.raise_action is not None and failed
                                      and not self.readonly)
        self._draw_photos()
        # Evidence an answer made due (a photo, a note) shows on the item the moment it
        # applies, while the person is still in the store; "not answered yet" only once
        # they are sent here from review's list (issue 12).
        shown = [r for r in self.missing
                 if r in EVIDENCE or getattr(self, "show_missing", False)]
        discreet = mood.discreet
        hints = [self.t(f"views.missing.{r}" + ("_discreet" if discreet and
                                                 r == "veto_evidence_required" else ""))
                 for r in shown]
        self.hint.value = " · ".join(hints)
        self.hint.visible = bool(hints)
        border = "#E0E0E0"
        if self.hint.visible or (failed and item.veto is not None and not mood.discreet):
            border = theme.FAIL
        self.box.border = ft.Border.all(2 if border != "#E0E0E0" else 1, border)
        self.control.visible = item.id in state.visible

    def _editing_same(self, shown: str) -> bool:
        """The field holds the same number in another spelling (e.g. '5.0' for 5)."""
        if self.text_field is None or self.item.type is not ItemType.NUMBER:
            return False
        try:
            return float((self.text_field.value or "").replace(",", ".")) == float(shown)
        except ValueError:
            return False

    def _draw_photos(self) -> None:
        controls: list[ft.Control] = []
        for n, photo in enumerate(self.photos, start=1):
            thumb = getattr(photo, "thumb_path", None) or getattr(photo, "path", None)
            try:
                data = Path(thumb).read_bytes() if thumb else None
            except OSError:
                data = None
            image: ft.Control
            if data:
                image = ft.Image(src=data, width=THUMB, height=THUMB, fit=ft.BoxFit.COVER,
                                 border_radius=ft.BorderRadius.all(8),
                                 semantics_label=self.t("views.item.photo_n", n=n))
            else:
                image = ft.Container(width=THUMB, height=THUMB, bgcolor="#EEEEEE",
                                     border_radius=ft.BorderRadius.all(8),
                                     content=ft.Icon(ft.Icons.IMAGE, color=theme.MUTED))
            parts: list[ft.Control] = [image]
            if not self.readonly:
                parts.append(ui.icon_button(self.app, ft.Icons.DELETE_OUTLINE,
                                            self.t("views.item.remove_photo", n=n),
                                            self._remove(photo.sha256), size=20))
            source = self.t("views.item.from_camera") if photo.source == "camera" else \
                self.t("views.item.from_gallery")
            controls.append(ft.Column([ft.Stack(parts[:1]), ui.muted(self.app, source,
                                                                      size=11),
                                       *parts[1:]],
                                      spacing=0, horizontal_alignment=ft.CrossAxisAlignment
                                      .CENTER))
        self.photo_row.controls = controls
        self.photo_row.visible = bool(controls)

    def _raise_action(self) -> None:
        if self.cb.raise_action is not None:
            self.cb.raise_action(self.item.id)

    def _remove(self, sha256: str) -> Callable[[], None]:
        def remove() -> None:
            self.cb.remove_photo(self.item.id, sha256)

        return remove
