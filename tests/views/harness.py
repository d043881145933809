"""Headless harness for hallcheck's Flet screens: the ONE place that touches flet internals.

A test gets an :class:`App` that runs a real ``main(page)`` in-process, against a stand-in
for the Flutter client:

* the page is created exactly as the web server does it (``Session`` + the REGISTER_CLIENT
  page snapshot a real Chromium sent, see ``REGISTER_PAGE``), and every outgoing message is
  msgpack-encoded like the real transport does (that encoding snapshots the controls so
  later ``update()`` calls produce diffs and register new controls);
* user input is fed back the way the Flutter client does it: a property patch
  (``session.apply_patch``) followed by an event (``session.dispatch_event``), and only for
  events whose handler is set (the client only sends those);
* method calls the app makes on the client (SharedPreferences, FilePicker, Connectivity,
  StoragePaths, Clipboard, push_route, ...) are answered by :class:`FakeClient`;
* a session crash (an exception in a handler or in ``main``) fails the test at once.

The asyncio loop belongs to the harness and only runs inside harness calls
(``click``/``fill``/``wait_until``/...), so tests are plain synchronous functions and
background work (timers, sync loops) advances only while a test waits for something.

Pinned to flet 1.0.5: the private pieces used here (``Session``, ``Connection``,
``configure_encode_object_for_msgpack``, page/dialog internals) change between releases.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import inspect
import logging
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import flet
import msgpack

FLET_VERSION = "1.0.5"
assert flet.__version__ == FLET_VERSION, (
    f"tests/views/harness.py is pinned to flet {FLET_VERSION} (it uses flet internals); "
    f"installed: {flet.__version__}. Re-check the harness against the new release."
)

import flet as ft  # noqa: E402
from flet.components.public_utils import unwrap_component  # noqa: E402
from flet.controls.base_control import BaseControl  # noqa: E402
from flet.controls.context import _context_page, context  # noqa: E402
from flet.messaging.connection import Connection  # noqa: E402
from flet.messaging.protocol import (  # noqa: E402
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session  # noqa: E402
from flet.pubsub.pubsub_hub import PubSubHub  # noqa: E402

log = logging.getLogger("tests.views.harness")

# What Chromium's Flet client sent in REGISTER_CLIENT (captured with the flet_transport
# logger against flet-web 1.0.5), with the size set per test.
REGISTER_PAGE: dict[str, Any] = {
    "route": "/",
    "pwa": False,
    "web": True,
    "debug": False,
    "wasm": True,
    "test": False,
    "multi_view": False,
    "pyodide": False,
    "platform_brightness": "light",
    "platform": "linux",
    "window": {},
    "media": {
        "padding": {"top": 0.0, "right": 0.0, "bottom": 0.0, "left": 0.0},
        "view_padding": {"top": 0.0, "right": 0.0, "bottom": 0.0, "left": 0.0},
        "view_insets": {"top": 0.0, "right": 0.0, "bottom": 0.0, "left": 0.0},
        "device_pixel_ratio": 1.0,
        "orientation": "portrait",
        "always_use_24_hour_format": False,
    },
}
PHONE = (390.0, 844.0)
TABLET = (1280.0, 800.0)

# Props that hold words a user (or a screen reader) sees on a control.
_TEXT_PROPS = (
    "value",  # Text only, see _own_texts
    "label",
    "text",
    "content",
    "title",
    "subtitle",
    "hint_text",
    "helper",
    "error",
    "semantics_label",
    "tooltip",
    "message",
    "prefix",
    "suffix",
)
_CLICK_EVENTS = ("click", "tap", "select", "change", "long_press")
# Dialog types that do not block the page under them.
_NON_MODAL_DIALOGS = ("SnackBar", "Banner")


class HarnessError(AssertionError):
    """A user action could not be performed, or an expectation was not met."""


class AppCrashed(AssertionError):
    """The app reported a session crash (an unhandled exception in a handler or main), or
    logged an ERROR (apps that catch every exception still log the unexpected ones)."""


class _ErrorLogTrap(logging.Handler):
    """Collects ERROR records logged while the app runs: an unexpected exception that a
    screen turned into a polite message is still a bug the test must see."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.ERROR)
        self.sink = sink
        self.allowed: list[re.Pattern[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if any(p.search(text) for p in self.allowed):
            return
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.sink.append(f"ERROR logged by {record.name}: {text}")


# --------------------------------------------------------------------------- client side


@dataclasses.dataclass
class PickedFile:
    """A file the fake client hands to FilePicker.pick_files / a PickFiles action."""

    name: str
    data: bytes
    path: str | None = None  # web mode never has a path

    def as_client_dict(self, file_id: int, with_data: bool) -> dict[str, Any]:
        return {
            "id": file_id,
            "name": self.name,
            "size": len(self.data),
            "path": self.path,
            "bytes": self.data if with_data else None,
        }


class FakeClient:
    """Answers the method calls the app makes on the Flutter client.

    Tests arrange what the "device" returns: ``prefs`` (SharedPreferences),
    ``next_files`` (what the user picks in the next file dialog), ``connectivity``,
    ``storage_dir``. Every call is recorded in ``calls`` as (control type, method, args).
    Extra behaviour: ``handlers[(control_type, method)] = fn(args) -> result``.
    """

    def __init__(self, storage_dir: Path | None = None) -> None:
        self.prefs: dict[str, Any] = {}
        self.next_files: list[PickedFile] = []
        self.connectivity: list[str] = ["wifi"]
        self.clipboard: str | None = None
        self.storage_dir = storage_dir
        self.calls: list[tuple[str, str, Any]] = []
        self.launched_urls: list[str] = []
        self.handlers: dict[tuple[str, str], Callable[[Any], Any]] = {}
        # the device's cameras (flet-camera); [] = none; camera_error = what opening
        # one reports (e.g. "NotAllowedError: Permission denied")
        self.cameras: list[dict[str, Any]] = [
            {"name": "back camera", "lens_direction": "back", "sensor_orientation": 90},
            {"name": "front camera", "lens_direction": "front", "sensor_orientation": 270},
        ]
        self.camera_error: str | None = None
        self.picture: bytes | None = None  # what the next take_picture returns

    def pick(self, *files: PickedFile) -> None:
        """The next file dialog returns these files (empty = the user cancels)."""
        self.next_files = list(files)

    def _take_files(self, args: dict[str, Any]) -> list[dict[str, Any]]:
        files, self.next_files = self.next_files, []
        with_data = bool((args or {}).get("with_data"))
        return [f.as_client_dict(i, with_data) for i, f in enumerate(files)]

    def _camera(self, method: str, args: dict[str, Any]) -> Any:
        if method == "get_available_cameras":
            return [dict(c) for c in self.cameras]
        if method in ("initialize", "set_description") and self.camera_error:
            raise RuntimeError(self.camera_error)
        if method == "take_picture":
            if self.picture is None:
                self.picture = _camera_jpeg()
            return self.picture
        return None

    def answer(self, ctype: str, method: str, args: Any) -> Any:
        self.calls.append((ctype, method, args))
        if (ctype, method) in self.handlers:
            return self.handlers[(ctype, method)](args)
        a = args or {}
        if ctype == "SharedPreferences":
            if method == "set":
                self.prefs[a["key"]] = a["value"]
                return True
            if method == "get":
                return self.prefs.get(a["key"])
            if method == "contains_key":
                return a["key"] in self.prefs
            if method == "remove":
                return self.prefs.pop(a["key"], None) is not None
            if method == "get_keys":
                return [k for k in self.prefs if k.startswith(a.get("key_prefix", ""))]
            if method == "clear":
                self.prefs.clear()
                return True
        if ctype == "FilePicker" and method == "pick_files":
            return self._take_files(a)
        if ctype == "Camera":
            return self._camera(method, a)
        if ctype == "Connectivity" and method == "get_connectivity":
            return list(self.connectivity)
        if ctype == "StoragePaths" and self.storage_dir is not None:
            return str(self.storage_dir)
        if ctype == "Clipboard":
            if method.startswith("set"):
                self.clipboard = a.get("data") if isinstance(a, dict) else a
                return None
            if method.startswith("get"):
                return self.clipboard
        if ctype == "UrlLauncher" and method == "launch_url":
            self.launched_urls.append(a.get("url"))
            return None
        return None


def _camera_jpeg() -> bytes:
    """A 640x480 JPEG like a phone camera's, made on demand (Pillow)."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 480), (30, 120, 60))
    ImageDraw.Draw(img).ellipse((200, 120, 440, 360), fill=(230, 230, 40))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


class _TrackingExecutor(ThreadPoolExecutor):
    """The session's thread pool (``page.run_thread``), counting work in flight so
    ``settle()`` can wait for it like it waits for tasks."""

    def __init__(self) -> None:
        super().__init__(max_workers=4, thread_name_prefix="flet-harness")
        self._lock = threading.Lock()
        self.in_flight = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.in_flight += 1
        fut = super().submit(fn, *args, **kwargs)

        def _done(_f: Any) -> None:
            with self._lock:
                self.in_flight -= 1

        fut.add_done_callback(_done)
        return fut


class _HeadlessConnection(Connection):
    """Stands in for the web socket: encodes like the real one and answers method calls."""

    def __init__(self, app: App) -> None:
        super().__init__()
        self._app = app
        self.loop = app.loop
        self.executor = app.executor
        self.pubsubhub = PubSubHub(loop=app.loop, executor=app.executor)
        self.page_url = "http://127.0.0.1/"
        self._encode = configure_encode_object_for_msgpack(BaseControl)
        self.sent = 0

    def send_message(self, message: Message) -> None:
        # Encoding is not optional: it records the snapshots the next diff is made from.
        msgpack.packb([message.action, message.body], default=self._encode)
        self.sent += 1
        if message.action == MessageAction.SESSION_CRASHED:
            self._app.crashes.append(str(getattr(message.body, "message", message.body)))
        elif message.action == MessageAction.INVOKE_METHOD:
            self._app._on_invoke(message.body)

    def get_upload_url(self, file_name: str, expires: int) -> str:
        return f"http://127.0.0.1/upload/{file_name}"

    def oauth_authorize(self, attrs: dict[str, Any]) -> None:  # pragma: no cover
        raise NotImplementedError


# --------------------------------------------------------------------------- the app


@dataclasses.dataclass
class Found:
    """A control on screen and the chain of controls above it (outermost first)."""

    control: Any
    ancestors: tuple[Any, ...]
    in_dialog: Any = None  # the open dialog it sits in, if any

    @property
    def texts(self) -> list[str]:
        return _own_texts(self.control)

    def __repr__(self) -> str:
        return f"<{type(self.control).__name__} {self.texts!r} key={self.control.key!r}>"


class App:
    """A running ``main(page)`` in-process. Use as a context manager or call ``close()``."""

    def __init__(
        self,
        main: Callable[[ft.Page], Any],
        *,
        size: tuple[float, float] = PHONE,
        route: str = "/",
        client: FakeClient | None = None,
        settle_timeout: float = 0.5,
    ) -> None:
        self.main = main
        self.client = client or FakeClient()
        self.crashes: list[str] = []
        self.settle_timeout = settle_timeout
        self.loop = asyncio.new_event_loop()
        self.executor = _TrackingExecutor()
        self._closed = False
        self._dismissed: set[int] = set()
        self._error_trap = _ErrorLogTrap(self.crashes)
        logging.getLogger().addHandler(self._error_trap)
        asyncio.set_event_loop(self.loop)
        try:
            self.conn = _HeadlessConnection(self)
            self.session = self._run(self._start(size, route))
        except BaseException:
            self.close()
            raise
        self.settle()
        self._check_crash()

    # ---- lifecycle

    async def _make_session(self) -> Session:
        return Session(self.conn)

    async def _start(self, size: tuple[float, float], route: str) -> Session:
        session = await self._make_session()
        self.session = session
        page_snapshot = dict(REGISTER_PAGE, route=route, width=size[0], height=size[1])
        page_snapshot["media"] = dict(page_snapshot["media"])
        page_snapshot["media"]["orientation"] = "portrait" if size[0] < size[1] else "landscape"
        session.apply_page_patch(page_snapshot)
        self.conn.send_message(
            Message(
                MessageAction.REGISTER_CLIENT,
                RegisterClientResponseBody(
                    session_id=session.id, page_patch=session.get_page_patch(), error=""
                ),
            )
        )
        # what flet.app's on_session_created does
        _context_page.set(session.page)
        context.reset_auto_update()
        try:
            if inspect.iscoroutinefunction(self.main):
                await self.main(session.page)
            elif inspect.isasyncgenfunction(self.main):
                async for _ in self.main(session.page):
                    await session.after_event(session.page)
            elif inspect.isgeneratorfunction(self.main):
                for _ in self.main(session.page):
                    await session.after_event(session.page)
            else:
                self.main(session.page)
            await session.after_event(session.page)
        except Exception as exc:
            self.crashes.append(f"{exc}\n{traceback.format_exc()}")
        return session

    def close(self) -> None:
        """Close the session the way the server does when the browser tab goes away."""
        if self._closed:
            return
        self._closed = True
        try:
            if getattr(self, "session", None) is not None:
                with contextlib.suppress(Exception):
                    self.loop.run_until_complete(self._shutdown())
            pending = [t for t in asyncio.all_tasks(self.loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                with contextlib.suppress(Exception):
                    self.loop.run_until_complete(
                        asyncio.gather(*pending, return_exceptions=True)
                    )
            with contextlib.suppress(Exception):
                self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        finally:
            logging.getLogger().removeHandler(self._error_trap)
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.loop.close()
            asyncio.set_event_loop(None)

    async def _shutdown(self) -> None:
        # the tab goes away: work the client had queued never arrives
        me = asyncio.current_task()
        pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        await self.session.disconnect(0)
        self.session.close()
        await asyncio.sleep(0.05)

    def __enter__(self) -> App:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def page(self) -> ft.Page:
        return self.session.page

    @property
    def view_route(self) -> str:
        """The route of the view on top (what is on screen), e.g. '/visit/<uuid>?s=env'."""
        views = [unwrap_component(v) for v in unwrap_component(self.page.views)]
        return views[-1].route if views else ""

    # ---- loop plumbing

    def _run(self, coro: Any) -> Any:
        if self._closed and not self.loop.is_running() and self.loop.is_closed():
            raise HarnessError("the app is closed")
        return self.loop.run_until_complete(coro)

    @contextlib.contextmanager
    def allow_error_logs(self, pattern: str) -> Iterator[None]:
        """Within this block, ERROR records matching ``pattern`` do not fail the test."""
        p = re.compile(pattern)
        self._error_trap.allowed.append(p)
        try:
            yield
        finally:
            self._error_trap.allowed.remove(p)

    def _check_crash(self) -> None:
        if self.crashes:
            crash = self.crashes[0]
            self.crashes.clear()
            raise AppCrashed(f"the app crashed:\n{crash}")

    async def _settle(self, timeout: float) -> None:
        """Let the work an action started finish (bounded: background loops never do)."""
        me = asyncio.current_task()
        deadline = time.monotonic() + timeout
        for _ in range(3):
            await asyncio.sleep(0)
        while True:
            self._emulate_dialog_dismiss()
            pending = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
            short = [t for t in pending if not _is_background(t)]
            remaining = deadline - time.monotonic()
            busy = self.executor.in_flight > 0
            if (not short and not busy) or remaining <= 0:
                break
            if short:
                await asyncio.wait(short, timeout=min(remaining, 0.02))
            else:
                await asyncio.sleep(0.005)
        for _ in range(3):
            await asyncio.sleep(0)
        self._emulate_dialog_dismiss()

    def settle(self, timeout: float | None = None) -> None:
        self._run(self._settle(self.settle_timeout if timeout is None else timeout))
        self._check_crash()

    def advance(self, seconds: float) -> None:
        """Let real time pass with the loop running (for timers such as idle resets)."""
        self._run(asyncio.sleep(seconds))
        self.settle()

    def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 5.0, message: str = ""
    ) -> Any:
        """Run the app until ``predicate()`` is truthy; return its value."""
        deadline = time.monotonic() + timeout

        async def poll() -> Any:
            while True:
                self._emulate_dialog_dismiss()
                self._check_crash()
                value = predicate()
                if value:
                    return value
                if time.monotonic() > deadline:
                    return value
                await asyncio.sleep(0.02)

        value = self._run(poll())
        self._check_crash()
        if not value:
            raise HarnessError(
                f"timed out after {timeout}s waiting for {message or predicate!r}\n"
                f"screen:\n{self.dump()}"
            )
        return value

    def wait_for_text(self, text: str | re.Pattern[str], timeout: float = 5.0) -> Found:
        return self.wait_until(
            lambda: next(iter(self.find_all(text=text)), None),
            timeout,
            f"text {text!r} on screen",
        )

    def wait_for_no_text(self, text: str | re.Pattern[str], timeout: float = 5.0) -> None:
        self.wait_until(lambda: not self.find_all(text=text), timeout, f"{text!r} to go away")

    def run(self, coro_fn: Callable[[], Any]) -> Any:
        """Run an async callable on the app's loop (e.g. a service call the UI would make)."""
        result = self._run(coro_fn())
        self.settle()
        return result

    # ---- the fake client: method calls and navigation

    def _on_invoke(self, body: Any) -> None:
        control = self.session.index.get(body.control_id)
        ctype = type(control).__name__ if control is not None else "?"
        method, args = body.name, body.args
        if isinstance(control, ft.Page) or ctype == "Page":
            result = self._page_method(method, args)
        else:
            try:
                result = self.client.answer(ctype, method, args)
            except Exception as exc:  # report like the client does
                self.loop.call_soon(
                    self.session.handle_invoke_method_results,
                    body.control_id, body.call_id, None, str(exc),
                )
                return
        self.loop.call_soon(
            self.session.handle_invoke_method_results,
            body.control_id, body.call_id, result, None,
        )

    def _page_method(self, method: str, args: Any) -> Any:
        self.client.calls.append(("Page", method, args))
        if method == "push_route":
            route = (args or {}).get("route", "/")
            self.loop.call_soon(self._client_route_change, route)
        elif method == "launch_url":
            self.client.launched_urls.append((args or {}).get("url"))
        return None

    def _client_route_change(self, route: str) -> None:
        self.session.apply_page_patch({"route": route})
        self.loop.create_task(
            self.session.dispatch_event(self.page._i, "route_change", {"route": route})
        )

    def go(self, route: str) -> None:
        """The user opens a URL / deep link: the client changes route."""
        self._client_route_change(route)
        self.settle()

    def back(self) -> None:
        """System back: pop the top dialog if one is open, else pop the top view."""
        dialogs = self._open_dialogs()
        if dialogs:
            dlg = dialogs[-1]
            self._dismiss(dlg)
            self.settle()
            return
        views = [unwrap_component(v) for v in unwrap_component(self.page.views)]
        if len(views) < 2:
            raise HarnessError("back: only one view on the stack (nothing to go back to)")
        if self.page.on_view_pop is None:
            raise HarnessError("back: the app does not handle view_pop")
        self._dispatch(self.page, "view_pop", {"route": views[-1].route})

    def resize(self, width: float, height: float) -> None:
        self.session.apply_page_patch({"width": width, "height": height})
        self._run(
            self.session.dispatch_event(
                self.page._i, "resize", {"width": width, "height": height}
            )
        )
        self.settle()

    # ---- dialogs

    def _open_dialogs(self) -> list[Any]:
        return [d for d in self.page._dialogs.controls if getattr(d, "open", False)]

    def _emulate_dialog_dismiss(self) -> None:
        # A new SnackBar replaces the one on screen (the client dismisses the old one).
        bars = [d for d in self.page._dialogs.controls
                if type(d).__name__ == "SnackBar" and getattr(d, "open", False)]
        for old in bars[:-1]:
            self.session.apply_patch(old._i, {"open": False})
        # The Flutter client reports "dismiss" once a dialog it showed has closed.
        for dlg in list(self.page._dialogs.controls):
            if not getattr(dlg, "open", False) and id(dlg) not in self._dismissed:
                self._dismissed.add(id(dlg))
                if dlg.on_dismiss is not None:
                    self.loop.create_task(self.session.dispatch_event(dlg._i, "dismiss", None))

    def _dismiss(self, dlg: Any) -> None:
        if getattr(dlg, "modal", False):
            raise HarnessError(f"{type(dlg).__name__} is modal: it cannot be dismissed")
        self.session.apply_patch(dlg._i, {"open": False})
        self._dismissed.add(id(dlg))
        if dlg.on_dismiss is not None:
            self._run(self.session.dispatch_event(dlg._i, "dismiss", None))

    def snack(self) -> str | None:
        """The words of the SnackBar on screen now, if any."""
        bars = [d for d in self._open_dialogs() if type(d).__name__ == "SnackBar"]
        return text_of(bars[-1].content) if bars else None

    def wait_for_snack(self, text: str | re.Pattern[str], timeout: float = 5.0) -> str:
        def match() -> str | None:
            current = self.snack()
            if current is None:
                return None
            ok = text.search(current) if isinstance(text, re.Pattern) else text in current
            return current if ok else None

        return self.wait_until(match, timeout, f"a message {text!r}")

    # ---- reading the screen

    def _roots(self) -> list[tuple[Any, Any]]:
        """(root, dialog) pairs a user can see: the top view, the overlay, open dialogs."""
        views = [unwrap_component(v) for v in unwrap_component(self.page.views)]
        roots: list[tuple[Any, Any]] = [(views[-1], None)] if views else []
        roots += [(c, None) for c in self.page.overlay]
        roots += [(d, d) for d in self._open_dialogs()]
        return roots

    def iter_visible(self) -> Iterator[Found]:
        seen: set[int] = set()
        for root, dialog in self._roots():
            yield from _walk(root, (), seen, dialog)

    def find_all(
        self,
        text: str | re.Pattern[str] | None = None,
        *,
        key: str | None = None,
        type: type | str | None = None,
        exact: bool = True,
        enabled_only: bool = False,
        within: str | None = None,
        in_dialog: bool | None = None,
    ) -> list[Found]:
        """Controls on screen matching all given criteria.

        ``text`` matches a control's own words: a Text's value, a button's content, a
        field's label/hint/value, a tooltip or semantics label. ``exact=False`` (or a
        compiled regex) matches a substring / pattern. ``within`` keeps only controls
        inside a region marked with that Semantics ``identifier`` (or control ``key``);
        ``in_dialog=True`` only what is in an open dialog (False: only what is not).
        """
        out = []
        for f in self.iter_visible():
            c = f.control
            if within is not None and not any(_region_id(a) == within for a in f.ancestors):
                continue
            if in_dialog is not None and (f.in_dialog is not None) != in_dialog:
                continue
            if key is not None and c.key != key and getattr(c.key, "value", None) != key:
                continue
            if type is not None:
                tname = type if isinstance(type, str) else type.__name__
                if not any(k.__name__ == tname for k in builtins_type(c).__mro__):
                    continue
            if text is not None and not _matches(f.texts, text, exact):
                continue
            if enabled_only and _disabled(f):
                continue
            out.append(f)
        return out

    def find(self, text: str | re.Pattern[str] | None = None, **kw: Any) -> Found:
        """Exactly one control on screen matching; a readable error otherwise."""
        found = self.find_all(text, **kw)
        if len(found) == 1:
            return found[0]
        what = ", ".join(f"{k}={v!r}" for k, v in ({"text": text} | kw).items() if v is not None)
        if not found:
            raise HarnessError(f"nothing on screen matches {what}\nscreen:\n{self.dump()}")
        raise HarnessError(f"{len(found)} controls match {what}: {found}")

    def region(self, identifier: str) -> Found:
        """The control that marks a region (Semantics ``identifier`` or control ``key``)."""
        found = [f for f in self.iter_visible() if _region_id(f.control) == identifier]
        if len(found) != 1:
            raise HarnessError(f"{len(found)} regions {identifier!r} on screen\n{self.dump()}")
        return found[0]

    def sees(self, text: str | re.Pattern[str], exact: bool = False) -> bool:
        return bool(self.find_all(text, exact=exact))

    def texts(self) -> list[str]:
        """Every visible word-bearing string, in screen order."""
        return [t for f in self.iter_visible() for t in f.texts]

    def dump(self) -> str:
        lines = []
        for f in self.iter_visible():
            if f.texts or f.control.key is not None:
                depth = len(f.ancestors)
                flags = " [disabled]" if _disabled(f) else ""
                flags += " [dialog]" if f.in_dialog is not None else ""
                key = f" key={f.control.key!r}" if f.control.key is not None else ""
                lines.append(
                    f"{'  ' * min(depth, 12)}{type(f.control).__name__}{key} {f.texts}{flags}"
                )
        return "\n".join(lines) or "(nothing)"

    # ---- acting like a user

    def _resolve(self, target: Any, kw: dict[str, Any]) -> Found:
        if isinstance(target, Found):
            return target
        if isinstance(target, BaseControl):
            for f in self.iter_visible():
                if f.control is target:
                    return f
            raise HarnessError(f"{target} is not visible on screen")
        return self.find(target, **kw)

    def _check_reachable(self, f: Found, action: str) -> None:
        if _disabled(f):
            raise HarnessError(f"cannot {action} {f}: it is disabled")
        dialogs = self._open_dialogs()
        modal = [d for d in dialogs if type(d).__name__ not in _NON_MODAL_DIALOGS]
        if modal and f.in_dialog is None:
            raise HarnessError(f"cannot {action} {f}: a dialog is open over it: {modal[-1]}")

    def _dispatch(self, control: Any, event: str, data: Any = None) -> None:
        self._run(self.session.dispatch_event(control._i, event, data))
        self.settle()

    def _has(self, control: Any, event: str) -> bool:
        return getattr(control, f"on_{event}", None) is not None

    def click(self, target: Any = None, **kw: Any) -> Found:
        """Tap what shows ``target`` (text, a control, or find() criteria in kw).

        A tap lands on the nearest tappable thing under the finger: the control itself or
        the closest ancestor that handles taps (a Text inside a Button taps the Button).
        Disabled controls and controls under an open dialog cannot be tapped.
        """
        f = self._resolve(target, kw)
        self._check_reachable(f, "tap")
        # A label on a wrapper (Semantics(label=..., content=Container(on_click=...)))
        # names the region its content fills: a tap there lands on the content.
        inner = f.control
        wrapped: list[Any] = []
        while type(inner).__name__ in ("Semantics", "Container", "Tooltip", "Card",
                                       "SafeArea", "Padding") and not self._handles_tap(inner):
            inner = getattr(inner, "content", None)
            if not isinstance(inner, BaseControl) or getattr(inner, "visible", True) is False:
                break
            wrapped.append(inner)
            if self._handles_tap(inner):
                if _disabled(Found(inner, (*f.ancestors, f.control, *wrapped[:-1]))):
                    raise HarnessError(f"cannot tap {f}: it is disabled")
                self._tap(inner, (*f.ancestors, f.control, *wrapped[:-1]))
                return f
        chain = (*f.ancestors, f.control)
        for i in range(len(chain) - 1, -1, -1):
            c = chain[i]
            parent_chain = chain[:i]
            if self._tap(c, parent_chain):
                return f
        raise HarnessError(f"nothing tappable at {f} (no on_click/on_tap up the tree)")

    def _handles_tap(self, c: Any) -> bool:
        return (getattr(c, "action", None) is not None
                or any(self._has(c, e) for e in ("click", "tap")))

    def _tap(self, c: Any, parents: tuple[Any, ...]) -> bool:
        name = type(c).__name__
        parent = parents[-1] if parents else None
        if name in ("Checkbox", "Switch", "CupertinoCheckbox", "CupertinoSwitch"):
            new = not bool(c.value)
            if name.endswith("Checkbox") and getattr(c, "tristate", False) and c.value is True:
                new = None
            self.session.apply_patch(c._i, {"value": new})
            if self._has(c, "change"):
                self._dispatch(c, "change", new)
            else:
                self.settle()
            return True
        if name in ("Radio", "CupertinoRadio"):
            group = next((p for p in reversed(parents) if type(p).__name__ == "RadioGroup"), None)
            if group is None:
                raise HarnessError(f"{c} is not inside a RadioGroup")
            self.session.apply_patch(group._i, {"value": c.value})
            if self._has(group, "change"):
                self._dispatch(group, "change", c.value)
            else:
                self.settle()
            return True
        if name == "Segment":
            seg = next(p for p in reversed(parents) if type(p).__name__ == "SegmentedButton")
            if seg.allow_multiple_selection:
                sel = list(seg.selected or [])
                sel = [v for v in sel if v != c.value] if c.value in sel else [*sel, c.value]
            else:
                sel = [c.value]
            self.session.apply_patch(seg._i, {"selected": sel})
            if self._has(seg, "change"):
                self._dispatch(seg, "change", sel)
            else:
                self.settle()
            return True
        if name == "NavigationBarDestination" or name == "NavigationRailDestination":
            bar = parent
            idx = next(i for i, d in enumerate(bar.destinations) if d is c)
            self.session.apply_patch(bar._i, {"selected_index": idx})
            if self._has(bar, "change"):
                self._dispatch(bar, "change", idx)
            else:
                self.settle()
            return True
        if name == "Tab":
            tabbar = next(p for p in reversed(parents) if type(p).__name__ == "TabBar")
            tabs = next(p for p in reversed(parents) if type(p).__name__ == "Tabs")
            idx = next(i for i, t in enumerate(tabbar.tabs) if t is c)
            self.session.apply_patch(tabs._i, {"selected_index": idx})
            if self._has(tabs, "change"):
                self._dispatch(tabs, "change", idx)
            else:
                self.settle()
            return True
        if name == "Chip" and self._has(c, "select") and not self._has(c, "click"):
            new = not bool(c.selected)
            self.session.apply_patch(c._i, {"selected": new})
            self._dispatch(c, "select", new)
            return True
        action = getattr(c, "action", None)
        # as in the browser: the client starts the control's actions, then sends its click;
        # what an action brings back (a picked file) comes after that click
        results = self._client_action(action) if action is not None else []
        clicked = False
        for event in ("click", "tap"):
            if self._has(c, event):
                data = None
                if event == "tap" and name == "GestureDetector":
                    data = {"local_x": 1.0, "local_y": 1.0, "global_x": 1.0, "global_y": 1.0}
                self._dispatch(c, event, data)
                clicked = True
                break
        for picker, files in results:
            self._dispatch(picker, "result", {"files": files})
        return clicked or action is not None

    def _client_action(self, action: Any) -> list[tuple[Any, Any]]:
        """Run a control's client actions; -> the pickers' results, to send after the
        control's own click (a person picks the file after tapping)."""
        actions = action if isinstance(action, list | tuple) else [action]
        results = []
        for a in actions:
            aname = type(a).__name__
            if aname == "PickFiles":
                picker = a.file_picker
                files = self.client._take_files({"with_data": a.with_data})
                self.client.calls.append(("FilePicker", "pick_files(action)", None))
                if picker.on_result is not None:
                    results.append((picker, files))
            else:
                self.client.calls.append((aname, "action", dataclasses.asdict(a)))
        return results

    def long_press(self, target: Any = None, **kw: Any) -> Found:
        f = self._resolve(target, kw)
        self._check_reachable(f, "long-press")
        for c in (f.control, *reversed(f.ancestors)):
            if self._has(c, "long_press"):
                self._dispatch(c, "long_press")
                return f
        raise HarnessError(f"nothing long-pressable at {f}")

    def fill(
        self, target: Any = None, text: str = "", *, per_char: bool = True, submit: bool = False,
        **kw: Any,
    ) -> Found:
        """Type ``text`` into the field labelled ``target`` (replacing what was there).

        Like the client: focus, then one value patch + ``change`` per keystroke (or a single
        one with per_char=False, like a paste), then blur (or submit with submit=True).
        """
        if isinstance(target, str) and "type" not in kw:
            fields = [
                f for f in self.find_all(target, **kw)
                if any(t in type(f.control).__name__ for t in ("TextField", "SearchBar"))
            ]
            if len(fields) != 1:
                raise HarnessError(
                    f"{len(fields)} text fields labelled {target!r}\nscreen:\n{self.dump()}"
                )
            f = fields[0]
        else:
            f = self._resolve(target, kw)
        c = f.control
        self._check_reachable(f, "type into")
        if getattr(c, "read_only", False):
            raise HarnessError(f"{f} is read-only")
        if self._has(c, "focus"):
            self._dispatch(c, "focus")
        steps = [text[: i + 1] for i in range(len(text))] if per_char and text else [text]
        if per_char and text and (c.value or ""):
            steps = ["", *steps]  # select-all + delete, then type
        for value in steps:
            self.session.apply_patch(c._i, {"value": value})
            if self._has(c, "change"):
                self._run(self.session.dispatch_event(c._i, "change", value))
        self.settle()
        if submit and self._has(c, "submit"):
            self._dispatch(c, "submit", text)
        if self._has(c, "blur"):
            self._dispatch(c, "blur")
        return f

    def select(self, target: Any = None, option: str = "", **kw: Any) -> Found:
        """Pick ``option`` (its text or key) in the Dropdown labelled ``target``."""
        if isinstance(target, str):
            f = self.find(target, type="Dropdown", **kw)
        else:
            f = self._resolve(target, kw)
        c = f.control
        self._check_reachable(f, "choose in")
        opts = list(c.options or [])
        match = [o for o in opts if option in (o.key, o.text)] or [
            o for o in opts if o.content is not None and option in _deep_texts(o.content)
        ]
        if len(match) != 1:
            raise HarnessError(
                f"option {option!r} not in {[(o.key, o.text) for o in opts]} of {f}"
            )
        o = match[0]
        if getattr(o, "disabled", False):
            raise HarnessError(f"option {option!r} is disabled")
        value = o.key if o.key is not None else o.text
        self.session.apply_patch(c._i, {"value": value})
        if self._has(c, "select"):
            self._dispatch(c, "select", value)
        else:
            self.settle()
        return f

    def set_value(self, target: Any, value: Any, event: str = "change", **kw: Any) -> Found:
        """Generic input: patch ``value`` and fire ``event`` (sliders, custom controls)."""
        f = self._resolve(target, kw)
        self._check_reachable(f, "change")
        c = f.control
        self.session.apply_patch(c._i, {"value": value})
        if self._has(c, event):
            self._dispatch(c, event, value)
        if type(c).__name__ == "Slider" and self._has(c, "change_end"):
            self._dispatch(c, "change_end", value)
        self.settle()
        return f

    def dismiss_dialog(self) -> None:
        """Tap outside the top dialog (only non-modal dialogs close that way)."""
        dialogs = self._open_dialogs()
        if not dialogs:
            raise HarnessError("no dialog is open")
        self._dismiss(dialogs[-1])
        self.settle()

    def fire(self, target: Any, event: str, data: Any = None, **kw: Any) -> None:
        """Escape hatch: deliver a raw client event to the control showing ``target``."""
        f = self._resolve(target, kw)
        self._dispatch(f.control, event, data)


# --------------------------------------------------------------------------- tree helpers


def builtins_type(obj: Any) -> type:
    return obj.__class__


_PARKED = ("sleep", "Event.wait", "Condition.wait", "Queue.get", "Semaphore.acquire")


def _is_background(task: asyncio.Task) -> bool:
    """A task parked in a sleep or waiting for a signal (a loop, a timer) is not work in
    progress; a task waiting for a method call, a thread or I/O is."""
    names = []
    inner: Any = task.get_coro()
    for _ in range(100):
        if inner is None:
            break
        names.append(getattr(inner, "__qualname__", type(inner).__name__))
        inner = getattr(inner, "cr_await", None) or getattr(inner, "gi_yieldfrom", None)
    if any("invoke_method" in n for n in names):
        return False
    return any(n.endswith(_PARKED) for n in names)


def _field_values(c: Any) -> Iterable[Any]:
    for f in dataclasses.fields(c):
        if f.name in ("_parent", "_parent_component") or f.metadata.get("skip", False):
            continue
        if f.name.startswith("on_") or f.name in ("data", "key"):
            continue
        yield getattr(c, f.name, None)


def _children(value: Any) -> Iterator[Any]:
    """Controls directly reachable from a value (through lists/dicts/plain dataclasses)."""
    if isinstance(value, BaseControl):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _children(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _children(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for v in _field_values(value):
            yield from _children(v)


def _walk(c: Any, ancestors: tuple[Any, ...], seen: set[int], dialog: Any) -> Iterator[Found]:
    if id(c) in seen:
        return
    seen.add(id(c))
    if getattr(c, "visible", True) is False:
        return
    if type(c).__name__ in ("NavigationDrawer",) and not getattr(c, "open", True):
        return
    yield Found(c, ancestors, dialog)
    for v in _field_values(c):
        for child in _children(v):
            yield from _walk(child, (*ancestors, c), seen, dialog)


def _own_texts(c: Any) -> list[str]:
    out: list[str] = []
    name = type(c).__name__
    for prop in _TEXT_PROPS:
        if prop == "value" and name not in ("Text", "TextField", "CupertinoTextField"):
            continue
        v = getattr(c, prop, None)
        if isinstance(v, str) and v:
            out.append(v)
        elif prop == "tooltip" and v is not None and isinstance(getattr(v, "message", None), str):
            out.append(v.message)
    if name == "Text" and getattr(c, "spans", None):
        out.append("".join(getattr(s, "text", "") or "" for s in c.spans))
    return out


def _deep_texts(c: Any) -> list[str]:
    seen: set[int] = set()
    return [t for f in _walk(c, (), seen, None) for t in f.texts]


def _matches(texts: list[str], want: str | re.Pattern[str], exact: bool) -> bool:
    if isinstance(want, re.Pattern):
        return any(want.search(t) for t in texts)
    if exact:
        return any(t.strip() == want for t in texts)
    return any(want in t for t in texts)


def _region_id(c: Any) -> Any:
    ident = getattr(c, "identifier", None) if type(c).__name__ == "Semantics" else None
    if ident is not None:
        return ident
    key = getattr(c, "key", None)
    return getattr(key, "value", key)


def _disabled(f: Found) -> bool:
    return any(getattr(c, "disabled", False) for c in (*f.ancestors, f.control))


def text_of(found_or_control: Any) -> str:
    """All words inside a control (its own and its descendants'), joined by spaces."""
    c = found_or_control.control if isinstance(found_or_control, Found) else found_or_control
    return " ".join(_deep_texts(c))
