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


class Indicator:
    """Samples the sync indicator's sentence."""

    def __init__(self, hc: Hallcheck) -> None:
        self.hc = hc
        self.seen: list[tuple[float, str]] = []

    def now(self) -> str:
        label = self.hc.sync_indicator().get_attribute("aria-label", timeout=STEP_TIMEOUT)
        text = " ".join((label or "").split())
        if not self.seen or self.seen[-1][1] != text:
            self.seen.append((time.monotonic(), text))
        return text

    def wait(self, pattern: re.Pattern[str], timeout: float = 60.0,
             never: re.Pattern[str] | None = None) -> str:
        deadline = time.monotonic() + timeout
        while True:
            text = self.now()
            if never is not None and never.search(text):
                raise AssertionError(f"the indicator said {text!r}; history {self.seen}")
            if pattern.search(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"indicator never matched {pattern.pattern!r}; "
                                     f"history {self.seen}")
            time.sleep(0.1)


def _finish(hc: Hallcheck, data_dir: Path, name: str) -> str:
    from views.flows import fill_passing

    from app.services import Workspace

    hc.start_visit(name, OUTLET, discreet=False)
    [(uuid,)] = wait_db(data_dir, "select uuid from inspection where status='draft'")
    with Workspace.open(data_dir) as ws:
        fill_passing(ws, uuid)
        sections = ws.inspections.checklist(uuid).sections
    hc.section(len(sections), sections[-1].title.zh)
    hc.tap(L("views.run.review"))
    hc.see(L("views.review.ready"))
    hc.tap(L("views.review.finalise"))
    hc.tap(L("views.review.confirm_ok"))
    hc.see(L("views.review.finalised"))
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
    hc.by_tooltip(L("views.settings.title")).click()
    hc.see(L("views.settings.not_enrolled"))
    ui.type_into(L("views.setup.endpoint"), f"http://127.0.0.1:{port}")
    ui.type_into(L("views.setup.enrol_code"), code)
    hc.tap(L("views.settings.enrol"))
    hc.see(L("views.settings.enrolled"), timeout=60_000)
    assert db(device_dir, "select value is not null from setting where key='device_token'") \
        == [(1,)]
    ui.shot("enrolled")
    hc.by_tooltip(L("views.back")).click()
    indicator = Indicator(hc)
    synced = re.compile(re.escape(_prefix("views.sync.synced", when="x")))
    offline = re.compile(re.escape(L("views.sync.offline", n=1)))

    # -- online: a finished visit goes out
    first = _finish(hc, device_dir, name)
    indicator.wait(synced, never=offline)
    wait_db(device_dir, "select sync_state from inspection where uuid=?", first,
            expect_rows=[("sent",)])
    ui.shot("online-synced")

    # -- the central endpoint goes away
    central.stop()
    second = _finish(hc, device_dir, name)
    indicator.wait(offline, never=synced)
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
    indicator.wait(synced, timeout=90)
    wait_db(device_dir, "select sync_state from inspection where uuid=?", second,
            expect_rows=[("sent",)])
    ui.shot("back-online-synced")
    states = [text for _, text in indicator.seen]
    syncing = _prefix("views.sync.syncing", n="x")
    print("indicator history:", states)
    # the order told the truth: offline before synced, and syncing (if caught) between
    last_offline = max(i for i, s in enumerate(states) if offline.search(s))
    first_synced_after = next(i for i, s in enumerate(states) if i > last_offline
                              and synced.search(s))
    assert all(syncing in s or offline.search(s)
               for s in states[last_offline + 1:first_synced_after]), states
