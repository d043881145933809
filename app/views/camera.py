"""The camera view behind "拍照": a live preview, a big shutter, cancel, switch camera.

Fresh evidence must really come from the camera. So "拍照" never opens a file picker:
it opens this view (a full-screen dialog holding a `flet_camera.Camera`), and only bytes
returned by the camera's `take_picture()` are handed on, to be stored with
`source="camera"`. Picking an existing photo is the separate "从相册选择" button
(app/views/item_widgets.py), recorded as `source="gallery"`.

When the camera cannot be opened (no device, permission refused, the camera busy, the
client lacking the camera extension, no answer in time) the view closes and
`on_unavailable(reason)` says why (`"none"`, `"denied"` or `"failed"`); the card turns
that into a plain sentence (`unavailable_message`). Nothing is recorded then.

flet-camera 1.0.5 API used: `Camera(preview_enabled=True)` placed on the page,
`await get_available_cameras()`, `await initialize(description, resolution_preset,
enable_audio=False)`, `await take_picture() -> bytes`, `await set_description(...)`.
Every call waits for the client, so it runs in a task on the page's loop (the UI stays
responsive) with a time limit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import flet as ft

from app.views import theme, ui

if TYPE_CHECKING:
    from app.views.shell import AppShell

log = logging.getLogger("hallcheck.views.camera")

# seconds; opening may wait for the person to answer the permission prompt
OPEN_TIMEOUT = 60.0
SHOT_TIMEOUT = 20.0
SHUTTER = 76
PREVIEW_BG = "#000000"
BAR_BG = "#121212"

_DENIED = ("permission", "notallowed", "accessdenied", "denied", "securityerror")
_NONE = ("notfound", "cameranotfound", "no camera", "devicesnotfound", "overconstrained")


class CameraUnavailable(Exception):
    """The camera could not be opened; `reason` is "none", "denied" or "failed"."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def classify(exc: BaseException) -> str:
    """Why the camera did not open, from what the client reported."""
    if isinstance(exc, CameraUnavailable):
        return exc.reason
    text = str(exc).lower().replace(" ", "")
    if any(k.replace(" ", "") in text for k in _DENIED):
        return "denied"
    if any(k.replace(" ", "") in text for k in _NONE):
        return "none"
    return "failed"


def unavailable_message(app: AppShell, reason: str, *, camera_only: bool) -> str:
    """The sentence a person reads when the camera did not open: what happened, what to
    do, and whether the gallery is a way out (never for an item that needs the camera)."""
    first = {
        "none": app.t("views.camera.no_camera"),
        "denied": app.t("views.camera.denied"),
    }.get(reason) or app.t("views.camera.failed")
    then = app.t("views.camera.camera_only") if camera_only else \
        app.t("views.camera.use_gallery")
    return f"{first}{'' if app.lang == 'zh' else ' '}{then}"


def _lens_order(description: Any) -> int:
    direction = getattr(getattr(description, "lens_direction", None), "value", "")
    return {"back": 0, "external": 1, "front": 2}.get(direction, 1)


class CaptureView:
    """One opening of the camera. `open()` shows it; the outcome arrives through
    `on_captured(bytes)` (a picture was taken) or `on_unavailable(reason)`; cancelling
    calls neither."""

    def __init__(self, app: AppShell, *, title: str,
                 on_captured: Callable[[bytes], Any],
                 on_unavailable: Callable[[str], Any]) -> None:
        self.app = app
        self.title = title
        self.on_captured = on_captured
        self.on_unavailable = on_unavailable
        self.cameras: list[Any] = []
        self.current = 0
        self.ready = False
        self.busy = False
        self.closed = False
        self.dialog: ft.AlertDialog | None = None

    # -- building --------------------------------------------------------------------------

    def _build(self) -> ft.AlertDialog:
        import flet_camera as fc

        app = self.app
        t = app.t
        width, height = _screen(app)
        self.camera = fc.Camera(preview_enabled=True, expand=True,
                                on_state_change=self._state_changed)
        self.status = ft.Text(t("views.camera.opening"), color=ft.Colors.WHITE,
                              size=app.mood.fs(15), text_align=ft.TextAlign.CENTER)
        self.ring = ft.ProgressRing(width=28, height=28, stroke_width=3,
                                    color=ft.Colors.WHITE)
        self.overlay = ft.Container(
            content=ft.Column([self.ring, self.status], tight=True, spacing=12,
                              horizontal_alignment=ft.CrossAxisAlignment.CENTER),
            alignment=ft.Alignment.CENTER,
            bgcolor=ft.Colors.with_opacity(0.6, ft.Colors.BLACK),
            padding=ft.Padding.all(24), expand=True,
        )
        preview = ft.Semantics(
            content=ft.Container(
                content=ft.Stack([self.camera, self.overlay], expand=True,
                                 fit=ft.StackFit.EXPAND),
                bgcolor=PREVIEW_BG, expand=True, clip_behavior=ft.ClipBehavior.HARD_EDGE,
            ),
            identifier="camera-preview", label=t("views.camera.label"), container=True,
            expand=True,
        )
        self.shutter_face = ft.Container(
            width=SHUTTER, height=SHUTTER, shape=ft.BoxShape.CIRCLE,
            bgcolor=ft.Colors.WHITE, border=ft.Border.all(5, "#9E9E9E"),
            on_click=self.app.guard(self._shoot), ink=True, opacity=0.4,
        )
        self.shutter = ft.Semantics(content=self.shutter_face, button=True,
                                    label=t("views.camera.shutter"), disabled=True)
        self.cancel = ft.TextButton(
            t("views.cancel"), on_click=self.app.guard(self.close),
            style=ft.ButtonStyle(color=ft.Colors.WHITE,
                                 text_style=theme.text_style(size=app.mood.fs(16)),
                                 padding=ft.Padding.symmetric(horizontal=14, vertical=14)),
            height=ui.TOUCH_MIN,
        )
        self.switch = ft.MergeSemantics(  # one button named by its tooltip (ui.icon_button)
            content=ft.IconButton(icon=ft.Icons.CAMERASWITCH_OUTLINED,
                                  tooltip=t("views.camera.switch"),
                                  icon_color=ft.Colors.WHITE, icon_size=30,
                                  on_click=self.app.guard(self._switch)),
            visible=False,
        )
        bar = ft.Container(
            content=ft.Row([
                ft.Container(self.cancel, width=110, alignment=ft.Alignment.CENTER_LEFT),
                self.shutter,
                ft.Container(self.switch, width=110, alignment=ft.Alignment.CENTER_RIGHT),
            ], alignment=ft.MainAxisAlignment.SPACE_BETWEEN,
                vertical_alignment=ft.CrossAxisAlignment.CENTER),
            bgcolor=BAR_BG, padding=ft.Padding.symmetric(horizontal=12, vertical=18),
        )
        top = ft.Container(
            content=ft.Text(self.title, color=ft.Colors.WHITE, size=app.mood.fs(16),
                            weight=ft.FontWeight.W_600, max_lines=2,
                            overflow=ft.TextOverflow.ELLIPSIS),
            bgcolor=BAR_BG, padding=ft.Padding.symmetric(horizontal=16, vertical=14),
        )
        body = ft.Semantics(
            content=ft.Container(
                content=ft.Column([top, preview, bar], spacing=0, expand=True,
                                  horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                width=width, height=height, bgcolor=BAR_BG,
            ),
            identifier="camera-view", container=True,
        )
        return ft.AlertDialog(
            modal=True, content=body, content_padding=0, inset_padding=0,
            shape=ft.RoundedRectangleBorder(radius=0), bgcolor=BAR_BG,
            barrier_color=PREVIEW_BG, semantics_label=self.title,
            on_dismiss=self._dismissed,
        )

    # -- opening ---------------------------------------------------------------------------

    def open(self) -> None:
        try:
            self.dialog = self._build()
        except ImportError as exc:  # a build without flet-camera
            log.warning("camera view could not be built: %r", exc)
            self.on_unavailable(classify(exc))
            return
        self.app.page.show_dialog(self.dialog)
        # guarded: anything unexpected is logged and said (error.unexpected), not lost
        self.app.page.run_task(self.app.guard(self._start))

    async def _start(self) -> None:
        try:
            cameras = await asyncio.wait_for(self.camera.get_available_cameras(),
                                             OPEN_TIMEOUT)
            if self.closed:
                return
            if not cameras:
                raise CameraUnavailable("none", "no camera listed")
            self.cameras = sorted(cameras, key=_lens_order)
            self.current = 0
            await self._initialize(self.cameras[0])
        except (RuntimeError, TimeoutError, CameraUnavailable) as exc:  # what clients say
            if self.closed:
                return
            self._give_up(exc)
            return
        except BaseException:
            self.close()  # not left waiting on a camera that will never open
            raise
        if self.closed:
            return
        self.switch.visible = len(self.cameras) > 1
        self._set_ready(True)
        self._refresh()

    async def _initialize(self, description: Any) -> None:
        import flet_camera as fc

        log.info("opening camera %s (%s)", getattr(description, "name", "?"),
                 getattr(getattr(description, "lens_direction", None), "value", "?"))
        await asyncio.wait_for(
            self.camera.initialize(description, fc.ResolutionPreset.HIGH, enable_audio=False,
                                   image_format_group=fc.ImageFormatGroup.JPEG),
            OPEN_TIMEOUT)

    def _give_up(self, exc: BaseException) -> None:
        reason = classify(exc)
        # an expected situation (no camera, permission refused): noted, not an error
        log.warning("camera not available (%s): %r", reason, exc)
        self.close()
        self.app.guard(lambda: self.on_unavailable(reason))()

    # -- acting ----------------------------------------------------------------------------

    async def _shoot(self) -> None:
        if not self.ready or self.busy or self.closed:
            return
        self.busy = True
        self._set_ready(False, status=self.app.t("views.camera.taking"))
        self._refresh()
        try:
            data = await asyncio.wait_for(self.camera.take_picture(), SHOT_TIMEOUT)
        except (RuntimeError, TimeoutError) as exc:  # the client's error, or no answer
            log.warning("taking the picture failed: %r", exc)
            data = None
        self.busy = False
        if self.closed:
            return
        if not data:
            self._set_ready(True)
            self._refresh()
            self.app.notify(self.app.t("views.camera.shot_failed"), error=True)
            return
        self.close()
        self.on_captured(bytes(data))

    async def _switch(self) -> None:
        if len(self.cameras) < 2 or self.busy or self.closed:
            return
        self.busy = True
        self._set_ready(False, status=self.app.t("views.camera.opening"))
        self._refresh()
        self.current = (self.current + 1) % len(self.cameras)
        try:
            await asyncio.wait_for(self.camera.set_description(self.cameras[self.current]),
                                   OPEN_TIMEOUT)
        except (RuntimeError, TimeoutError) as exc:  # the client's error, or no answer
            self.busy = False
            if not self.closed:
                self._give_up(exc)
            return
        self.busy = False
        if not self.closed:
            self._set_ready(True)
            self._refresh()

    def close(self) -> None:
        """Close the view (the camera is released when its control leaves the page)."""
        if self.closed:
            return
        self.closed = True
        dlg = self.dialog
        if dlg is not None and dlg.open:
            dlg.open = False
            ui.redraw(dlg)

    def _dismissed(self, _e: Any = None) -> None:
        self.closed = True

    def _state_changed(self, e: Any) -> None:
        if getattr(e, "has_error", False) and not self.closed:
            log.warning("camera reports an error: %s", getattr(e, "error_description", ""))

    # -- drawing ---------------------------------------------------------------------------

    def _set_ready(self, ready: bool, status: str = "") -> None:
        self.ready = ready
        self.shutter.disabled = not ready
        self.shutter_face.opacity = 1.0 if ready else 0.4
        self.overlay.visible = not ready
        self.status.value = status

    def _refresh(self) -> None:
        if self.dialog is not None and not self.closed:
            ui.redraw(self.dialog)


def _screen(app: AppShell) -> tuple[float, float]:
    try:
        width = float(app.page.width or 0) or 390.0
        height = float(app.page.height or 0) or 844.0
    except (TypeError, ValueError):
        width, height = 390.0, 844.0
    return width, height
