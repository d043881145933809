"""Journey: offline and back, with the sync indicator telling the truth at each step.

"Offline" for hallcheck means the central endpoint cannot be reached (the browser tab
itself stays connected to the local app). A real central server runs as a subprocess
(`python -m app server`); the device enrols against it from Settings with a one-time code
made by `python -m app admin enrol-code create`. Then:

  online:  a finished visit is sent            -> indicator: synced, record 'sent'
  server stopped: another visit is finished    -> indicator: offline, 1 waiting
  server started again                         -> (syncing) -> synced, record 'sent'

The indicator is read from its accessible label (the full sentence behind the short
text) and sampled while waiting, so a false "synced" while the server is down fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .browser import REPO, free_port, web_env
from .hallcheck import STEP_TIMEOUT, Hallcheck, L, db, wait_db

pytestmark = pytest.mark.e2e

OUTLET = "DEMO-LEVEL3-01"


def admin(server_dir: Path, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "app", "--lang", "en", "admin", *args, "--data-dir",
         str(server_dir)],
        cwd=REPO, env=web_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


def _prefix(key: str, **params: str) -> str:
    """The part of a message before its first placeholder."""
    return L(key, **{k: "\x00" for k in params}).split("\x00")[0]


GRACE = 3.5  # s: the shell refreshes the indicator every 3 s


class Indicator:
    """Samples the sync indicator's sentence together with what is really waiting.

    The invariant: the indicator never says "all uploaded" while a finished visit waits
    in the outbox (beyond GRACE seconds after the visit was finished)."""

    def __init__(self, hc: Hallcheck, data_dir: Path, synced: re.Pattern[str]) -> None:
        self.hc = hc
        self.data_dir = data_dir
        self.synced = synced
        self.seen: list[tuple[float, str, int]] = []
        self.finished_at = 0.0
        self.lies: list[tuple[float, str, int]] = []

    def now(self) -> str:
        label = self.hc.sync_indicator().get_attribute("aria-label", timeout=STEP_TIMEOUT)
        queued = db(self.data_dir, "select count(*) from inspection where "
                                   "sync_state='queued'")[0][0]
        text = " ".join((label or "").split())
        t = time.monotonic()
        if not self.seen or self.seen[-1][1:] != (text, queued):
            self.seen.append((t, text, queued))
        if self.synced.search(text) and queued:
            self.lies.append((t - self.finished_at, text, queued))
            if t - self.finished_at > GRACE:
                raise AssertionError(
                    f"the indicator says {text!r} while {queued} visit(s) wait, "
                    f"{t - self.finished_at:.1f} s after finishing; history {self.seen}")
        return text

    def wait(self, pattern: re.Pattern[str], timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.now()
            if pattern.search(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"indicator never matched {pattern.pattern!r}; "
                                     f"history {self.seen}")
            time.sleep(0.1)


def _finish(hc: Hallcheck, data_dir: Path, name: str) -> str:
    """A coaching visit started on screen, answered, reviewed and finalised."""
    hc.start_visit(name, OUTLET, discreet=False)
    [(uuid,)] = wait_db(data_dir, "select uuid from inspection where status='draft'")
    hc.fill_rest_and_review(data_dir, uuid)
    hc.finalise(L("views.review.finalised"))
    return uuid


def test_offline_and_back_with_a_truthful_indicator(servers, tmp_path: Path, open_page,
                                                    phone) -> None:
    central_dir = tmp_path / "central"
    central_dir.mkdir()
    port = free_port()
    admin(central_dir, "inspectors", "add", "M-9", "王经理", "--role", "area_manager")
    code = re.search(r"Enrolment code: (\S+)",
                     admin(central_dir, "enrol-code", "create", "--inspector", "M-9")).group(1)
    central = servers.central(central_dir, port)

    device_dir = tmp_path / "device"
    app = servers.app(device_dir)
    ui = open_page(f"http://127.0.0.1:{app.port}/", viewport=phone)
    hc = Hallcheck(ui)
    hc.first_run("area_manager", inspector="M-9", demo=True)
    from app.services import Workspace

    with Workspace.open(device_dir) as ws:
        name = ws.outlets.get(OUTLET).name

    # -- enrol from Settings
    hc.open_settings(L("views.settings.not_enrolled"))
    ui.type_into(L("views.setup.endpoint"), f"http://127.0.0.1:{port}")
    ui.type_into(L("views.setup.enrol_code"), code)
    hc.tap(L("views.settings.enrol"))
    hc.see(L("views.settings.enrolled"), timeout=60_000)
    assert db(device_dir, "select value is not null from setting where key='device_token'") \
        == [(1,)]
    ui.shot("enrolled")
    hc.by_tooltip(L("views.back")).click()
    synced = re.compile(re.escape(_prefix("views.sync.synced", when="x")))
    offline = re.compile(re.escape(L("views.sync.offline", n=1)))
    indicator = Indicator(hc, device_dir, synced)
    indicator.wait(synced)  # enrolled, nothing to send yet

    # -- online: a finished visit goes out
    first = _finish(hc, device_dir, name)
    indicator.finished_at = time.monotonic()
    wait_db(device_dir, "select sync_state from inspection where uuid=?", first,
            expect_rows=[("sent",)], timeout=60)
    indicator.wait(synced)
    ui.shot("online-synced")

    # -- the central endpoint goes away
    central.stop()
    second = _finish(hc, device_dir, name)
    indicator.finished_at = time.monotonic()
    indicator.wait(offline)
    assert db(device_dir, "select sync_state from inspection where uuid=?", second) == [
        ("queued",)]
    ui.shot("offline-1-waiting")
    # it stays honest while the server is down
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert offline.search(indicator.now()), indicator.seen
        time.sleep(0.25)

    # -- back online: it catches up by itself
    servers.central(central_dir, port)
    wait_db(device_dir, "select sync_state from inspection where uuid=?", second,
            expect_rows=[("sent",)], timeout=90)
    indicator.wait(synced, timeout=30)
    ui.shot("back-online-synced")
    states = [text for _, text, _ in indicator.seen]
    print("indicator history:", *indicator.seen, sep="\n  ")
    print("stale 'all uploaded' after finishing (s):", [round(d, 1) for d, *_ in
                                                       indicator.lies])
    # the order told the truth: offline before synced, and only syncing in between
    syncing = _prefix("views.sync.syncing", n="x")
    last_offline = max(i for i, s in enumerate(states) if offline.search(s))
    first_synced_after = next(i for i, s in enumerate(states) if i > last_offline
                              and synced.search(s))
    assert all(syncing in s or offline.search(s)
               for s in states[last_offline + 1:first_synced_after]), states
