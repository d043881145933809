"""The manager console on `hallcheck server --workers 2` in a real browser: a worker is
killed (SIGKILL) while a reviewer is signed in, the tab's websocket reconnects to another
worker, and the reviewer is still signed in and can go on working (app/console/resume.py).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
from central.test_workers import workers_ready
from console.office import PASSWORD, REVIEWER, Office
from playwright.sync_api import expect
from sync.helpers import wait_until

from .hallcheck import STEP_TIMEOUT, L
from .test_console import DESKTOP, console_url, log_in, see

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    o = Office(tmp_path_factory.mktemp("console-workers"),
               server_env={"HALLCHECK_SERVER_WORKERS": "2"}).start()
    try:
        yield o
    finally:
        o.close()


def test_a_signed_in_reviewer_stays_signed_in_when_workers_are_killed(
        office: Office, open_page) -> None:
    server = office.server
    first = wait_until(lambda: workers_ready(server, 2), timeout=60, what="2 workers")
    ui = open_page(console_url(office), viewport=DESKTOP)
    page = ui.page
    log_in(ui, REVIEWER, PASSWORD)
    signed_in = L("console.signed_in", name="李审核", role=L("accounts.role.manager"))
    see(ui, signed_in)
    ui.tap(L("console.nav.outlets"))
    expect(page.get_by_role("button", name=L("console.nav.queue"))).to_be_visible(
        timeout=STEP_TIMEOUT)
    # One of the two workers holds the tab's websocket: kill each in turn (the supervisor
    # starts a new one in between), so the tab's own worker surely dies once.
    for victim in first:
        os.kill(victim, signal.SIGKILL)
        wait_until(lambda v=victim: (w := workers_ready(server, 2)) and v not in w,
                   timeout=60, what="the supervisor to start a new worker")
        ui.settle()
        # still signed in, on the page it was on, and it answers a click
        see(ui, signed_in, timeout=60_000)
        expect(page.get_by_role("button", name=L("console.login.submit"), exact=True)
                ).to_have_count(0)
        ui.tap(L("console.nav.inspectors"))
        see(ui, signed_in)
        ui.tap(L("console.nav.outlets"))
        see(ui, signed_in)
    assert "Traceback" not in server.log_text()
