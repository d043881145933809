"""Real-browser plumbing shared by tests/e2e and benchmarks/bench_ui.py.

* :class:`Served` runs a command (the hallcheck web UI, the central server, a trivial Flet
  app) in its own process group, waits for its port and kills the whole group on stop.
* :func:`launch_chromium` starts Debian's Chromium through Playwright (never a downloaded
  browser) with the flags measured in /work/shared/flet-notes.md.
* :class:`OutsideGuard` aborts every request that is not to 127.0.0.1 (ws:, data:, blob:
  allowed) and records what was attempted, so a test can assert the app never needed the
  internet.
* :class:`FletPage` drives a Flet web page through its accessibility tree: wait for the
  semantics placeholder, switch semantics on, then find things by role and name.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}

# Flet's web client asks for this Rive runtime at start-up even when no Rive control is
# used (flet-notes.md: "the only other outside request seen ... unused"). It is aborted
# like everything else; tests treat any *other* outside request as a failure.
KNOWN_UNUSED_OUTSIDE = (re.compile(r"^https://cdn\.jsdelivr\.net/npm/@rive-app/"),)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close()
        return True
    except OSError:
        return False


class Served:
    """A subprocess in its own process group, listening on ``port``."""

    def __init__(
        self,
        argv: Sequence[str],
        port: int,
        log_path: Path,
        env: dict[str, str] | None = None,
        cwd: Path = REPO,
    ) -> None:
        self.argv = list(argv)
        self.port = port
        self.log_path = log_path
        self.env = env
        self.cwd = cwd
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60.0) -> Served:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 (owned by the process)
        log.write(f"\n==== start {' '.join(self.argv)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=self.cwd,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() kills children too
        )
        log.close()
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.argv} exited with {self.proc.returncode} before listening on "
                    f"{self.port}:\n{self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.argv} not listening on {self.port}:\n{self.log_tail()}")
            time.sleep(0.1)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout)
        # children that outlived the leader (flet may spawn helpers)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while port_open(self.port) and time.monotonic() < deadline:
            time.sleep(0.05)
        self.proc = None

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "(no log)"


def web_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for a Flet web-mode child: no CDN, loopback only, no display."""
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.update(
        FLET_WEB_NO_CDN="1",
        FLET_SERVER_IP="127.0.0.1",
        PYTHONUNBUFFERED="1",
        NO_PROXY="127.0.0.1,localhost",
        no_proxy="127.0.0.1,localhost",
    )
    env.update(extra or {})
    return env


def hallcheck_app(data_dir: Path, port: int, log_path: Path,
                  extra_env: dict[str, str] | None = None) -> Served:
    """`hallcheck app --port P --data-dir D` exactly as a user starts it."""
    env = web_env({"FLET_SERVER_PORT": str(port), "HALLCHECK_DATA_DIR": str(data_dir),
                   **(extra_env or {})})
    argv = [sys.executable, "-m", "app", "app", "--port", str(port), "--data-dir", str(data_dir)]
    return Served(argv, port, log_path, env)


def hallcheck_server(data_dir: Path, port: int, log_path: Path,
                     extra_env: dict[str, str] | None = None) -> Served:
    """`hallcheck server --port P --data-dir D`: the central sync endpoint."""
    env = web_env(extra_env)
    argv = [sys.executable, "-m", "app", "server", "--port", str(port), "--data-dir",
            str(data_dir)]
    return Served(argv, port, log_path, env)


def trivial_app(port: int, log_path: Path) -> Served:
    env = web_env({"FLET_SERVER_PORT": str(port)})
    return Served([sys.executable, str(REPO / "tests" / "e2e" / "trivial_app.py")], port,
                  log_path, env)


def launch_chromium(playwright: Any, headless: bool = True) -> Any:
    exe = shutil.which("chromium")
    if exe is None:
        raise RuntimeError("Debian's chromium is not installed (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=exe, headless=headless, args=CHROMIUM_ARGS)


class OutsideGuard:
    """Route handler: loopback passes, everything else is aborted and recorded."""

    ALLOWED = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")

    def __init__(self) -> None:
        self.aborted: list[str] = []

    def __call__(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.ALLOWED):
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort()

    def unexpected(self) -> list[str]:
        return [u for u in self.aborted if not any(p.search(u) for p in KNOWN_UNUSED_OUTSIDE)]


class FletPage:
    """A Flet web page driven through its accessibility (semantics) tree."""

    def __init__(self, page: Any, shots_dir: Path | None = None) -> None:
        self.page = page
        self.shots_dir = shots_dir
        self._shot_n = 0
        self.console: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))

    def open(self, url: str, timeout: float = 60.0) -> FletPage:
        self.page.goto(url)
        return self.enable_semantics(timeout)

    def enable_semantics(self, timeout: float = 60.0) -> FletPage:
        """After any page load (goto, reload, back/forward to another document): wait for
        Flutter, switch its accessibility tree on, wait for the app's font."""
        ph = self.page.locator("flt-semantics-placeholder")
        ph.wait_for(state="attached", timeout=timeout * 1000)
        # Turn the semantics tree on; until the first frame is up the click can be lost,
        # so repeat until some semantics node shows up.
        deadline = time.monotonic() + timeout
        while True:
            if ph.count():
                with contextlib.suppress(Exception):
                    ph.dispatch_event("click")
            try:
                self.page.locator("flt-semantics").first.wait_for(state="attached",
                                                                  timeout=1000)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
        # the app's font (CJK) and images arrive after the first frame: until then
        # screenshots show empty boxes for Chinese text
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state("networkidle", timeout=15000)
        return self

    # -- finding
    def button(self, name: str | re.Pattern[str], exact: bool = True) -> Any:
        return self.page.get_by_role("button", name=name, exact=exact)

    def text(self, text: str | re.Pattern[str], exact: bool = False) -> Any:
        return self.page.get_by_text(text, exact=exact)

    def textbox(self, label: str | re.Pattern[str]) -> Any:
        return self.page.get_by_role("textbox", name=label)

    # -- acting
    def tap(self, name: str | re.Pattern[str], role: str = "button", exact: bool = True,
            timeout: float = 15.0) -> None:
        loc = self.page.get_by_role(role, name=name, exact=exact)
        loc.first.click(timeout=timeout * 1000)

    def type_into(self, label: str | re.Pattern[str], text: str, timeout: float = 15.0) -> None:
        """Focus the field labelled ``label``, clear it and type like a user."""
        self.type_in(self.textbox(label), text, timeout)

    def type_in(self, box: Any, text: str, timeout: float = 15.0) -> None:
        """Type into a text box locator. Flutter only notices real keys (Playwright's
        fill() on the semantics <input> is not reliably seen), and only once its editing
        element has focus - keys sent before that are lost."""
        value: object = None
        for _attempt in range(3):
            self.settle()
            box.click(timeout=timeout * 1000)
            self.page.wait_for_function(
                "() => { const e = document.activeElement;"
                " return !!e && (e.tagName === 'INPUT' || e.tagName === 'TEXTAREA'); }",
                timeout=timeout * 1000)
            # Flutter hooks its key listeners onto the editing element a frame after it
            # takes focus: keys sent at once are lost (a first character, a Ctrl+A)
            self.page.wait_for_timeout(150)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.press("Delete")
            if text:
                self.page.keyboard.type(text)
            self.settle()
            value = self.page.evaluate(
                "() => { const e = document.activeElement;"
                " return e && 'value' in e ? e.value : null; }")
            if value is None or value == text:  # focus moved on (a submit): nothing to read
                return
        raise AssertionError(f"typed {text!r}, the field holds {value!r}")

    def settle(self, quiet_ms: int = 250, timeout_ms: int = 5000) -> None:
        """Wait until the accessibility tree has not changed for ``quiet_ms`` (a frame that
        moves things - a counter appearing under a field, a SnackBar - has landed), so a
        tap goes where the element now is."""
        with contextlib.suppress(Exception):
            self.page.evaluate(
                """([quiet, limit]) => new Promise(resolve => {
                    let timer = setTimeout(done, quiet);
                    const obs = new MutationObserver(() => {
                        clearTimeout(timer); timer = setTimeout(done, quiet); });
                    const cap = setTimeout(done, limit);
                    function done() { obs.disconnect(); clearTimeout(cap); resolve(); }
                    obs.observe(document.body, {subtree: true, childList: true,
                                                attributes: true, characterData: true});
                })""", [quiet_ms, timeout_ms])

    # -- seeing
    def stable_screenshot(self, path: Path, timeout: float = 5.0) -> Path:
        """Screenshot once the canvas stops changing: the semantics tree can be ahead of
        the painted frame, and animations (ripples, transitions) take a moment."""
        path.parent.mkdir(parents=True, exist_ok=True)
        prev = self.page.screenshot()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.15)
            cur = self.page.screenshot()
            if cur == prev:
                break
            prev = cur
        path.write_bytes(prev)
        return path

    def shot(self, step: str) -> Path | None:
        if self.shots_dir is None:
            return None
        self._shot_n += 1
        safe = re.sub(r"[^\w.-]+", "_", step)[:60]
        return self.stable_screenshot(self.shots_dir / f"{self._shot_n:02d}-{safe}.png")

    def aria(self) -> str:
        """The accessibility snapshot (what a screen reader and the tests see)."""
        try:
            return self.page.locator("body").aria_snapshot()
        except Exception as exc:  # pragma: no cover - diagnostics only
            return f"(no aria snapshot: {exc})"


def close_pages(opened: list[tuple[Any, FletPage, OutsideGuard]], artifacts: Path,
                failed: bool) -> list[str]:
    """Close each test page (keeping a screenshot, the accessibility tree and the console
    of a failed test); return every request that tried to leave 127.0.0.1."""
    unexpected: list[str] = []
    for i, (ctx, fp, guard) in enumerate(opened):
        if failed:
            with contextlib.suppress(Exception):
                fp.page.screenshot(path=str(artifacts / f"zz-failure-{i}.png"))
                (artifacts / f"zz-failure-{i}.aria.txt").write_text(fp.aria())
                (artifacts / f"zz-failure-{i}.console.txt").write_text("\n".join(fp.console))
        unexpected += guard.unexpected()
        ctx.close()
    return unexpected
