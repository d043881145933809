"""The visit-plan page in a real browser (Chromium, desktop 1280x800, outside requests
blocked), served by `python -m app server` at /console/.

The office is real: outlets and the shopper pool imported from CSV through the real
importers into the server's database. A manager logs in, opens 走访计划, proposes this
month's covert visits with a seed, opens a visit, tries a window outside the opening hours
(refused in the dialog, with the reason), cancels, publishes behind the confirm dialog, and
the server holds one assignment per planned visit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from central.plans.support import load_master_data
from playwright.sync_api import expect
from sqlmodel import select
from sync.helpers import ServerProcess

from app.programme.months import YearMonth
from app.programme.planning.timing import CHINA

from .browser import TABLET
from .hallcheck import STEP_TIMEOUT, L
from .test_console import fill, log_in, region, says, see

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long passphrase"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    from app.central import accounts

    root = tmp_path_factory.mktemp("plans-office")
    proc = ServerProcess(root / "server", checklists=REPO / "checklists.yaml")
    try:
        proc.start()
        load_master_data(proc.ctx, root / "master")
        accounts.add_manager(proc.ctx, "plan.boss", "计划 王", "manager", PASSWORD)
        yield proc
    finally:
        proc.close()


def test_propose_refuse_a_move_and_publish_in_the_browser(server: ServerProcess, open_page,
                                                          artifacts: Path) -> None:
    from app.central.models import Assignment
    from app.central.plans import store

    month = YearMonth.of(datetime.now(UTC).astimezone(CHINA).date())
    ui = open_page(f"{server.url}/console/", viewport=TABLET)
    log_in(ui, "plan.boss", PASSWORD)
    ui.tap(L("planning.console.nav"))
    see(ui, L("planning.console.title", month=str(month)))
    see(ui, L("planning.console.no_covert"))
    fill(ui, L("planning.console.seed"), "5")
    ui.tap(L("planning.console.propose_covert"))
    see(ui, re.compile(re.escape(L("planning.console.seed_line", seed=5))))
    stored = store.current_plan(server.ctx, "covert", month)
    assert stored is not None and stored.seed == 5 and stored.covert.visits
    visit = next(v for v in stored.covert.visits if v.outlet == "H1")
    row = region(ui, f"visit-{visit.id}")
    expect(row).to_be_visible(timeout=STEP_TIMEOUT)
    says(row, str(visit.window))
    ui.settle()
    ui.stable_screenshot(artifacts / "plan.png")
    # a window outside the opening hours: refused, said in the dialog, nothing changed
    row.click()
    see(ui, L("planning.console.move_title", visit=visit.id))
    fill(ui, L("planning.col.window"), "06:00-08:00")
    ui.tap(L("planning.console.move_confirm"))
    see(ui, re.compile("06:00-08:00 不在网点 H1"))
    ui.stable_screenshot(artifacts / "move-refused.png")
    assert store.get_plan(server.ctx, stored.id).body == stored.body
    ui.tap(L("planning.console.cancel"))
    # publish behind the confirm dialog
    ui.tap(L("planning.console.publish"))
    see(ui, L("planning.console.publish_title", plan=stored.id))
    ui.tap(L("planning.console.publish_confirm"))
    see(ui, L("planning.cli.published", plan=stored.id, count=len(stored.covert.visits)))
    assert store.get_plan(server.ctx, stored.id).state == "published"
    with server.ctx.session() as s:
        got = sorted((a.inspector_id, a.outlet_code, a.due_by)
                     for a in s.exec(select(Assignment)).all())
    assert got == sorted((v.shopper, v.outlet, v.day) for v in stored.covert.visits)
    expect(region(ui, "plan-status")).to_be_attached(timeout=STEP_TIMEOUT)
    ui.stable_screenshot(artifacts / "plan-published.png")
