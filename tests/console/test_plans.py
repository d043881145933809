"""The visit-plan page headless (tests/views/harness.py runs a real Flet session in-process)
on a real SQLite office: outlets and shoppers through the real importers, a manager
account, and a covert result from another device.

Checked: propose from the page (the visits and what could not be covered), a move that
breaks a rule refused inside the dialog with the reason, an allowed move kept, publishing
behind its confirm dialog (cancel keeps the draft; confirm makes the assignments), the
status table, English, and a viewer who may only read."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from central.plans.support import covert_result, load_master_data
from sqlmodel import select
from views.harness import App, text_of

from app.central import accounts
from app.central.context import ServerContext
from app.central.models import Assignment
from app.central.plans import store
from app.central.settings import ServerSettings
from app.console.files import ConsoleFiles
from app.console.shell import make_main
from app.i18n import t
from app.programme.months import YearMonth

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "a long passphrase"
DESKTOP = (1280.0, 900.0)
JUNE = YearMonth(2025, 6)


def zh(key: str, **params: object) -> str:
    return t(key, "zh", **params)


@pytest.fixture
def office(tmp_path: Path) -> Iterator[ServerContext]:
    ctx = ServerContext(ServerSettings(data_dir=tmp_path / "server",
                                       checklists_path=REPO / "checklists.yaml"))
    load_master_data(ctx, tmp_path / "master")
    covert_result(ctx, "ms1", "H1", datetime(2025, 4, 20, 10, 0))
    accounts.add_manager(ctx, "boss", "渠道 王", "manager", PASSWORD)
    accounts.add_manager(ctx, "look", "只读 李", "viewer", PASSWORD)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def console(office: ServerContext) -> Iterator[Callable[..., App]]:
    opened: list[App] = []
    files = ConsoleFiles(office)

    def open_console(route: str = "/plans/2025-06", username: str = "boss") -> App:
        app = App(make_main(office, files), size=DESKTOP, route=route)
        opened.append(app)
        app.fill(zh("console.login.username"), username)
        app.fill(zh("console.login.password"), PASSWORD)
        app.click(zh("console.login.submit"))
        return app

    yield open_console
    for app in opened:
        app.close()


def test_propose_move_and_publish_from_the_page(console, office: ServerContext) -> None:
    app = console()
    app.wait_for_text(zh("planning.console.title", month="2025-06"))
    assert app.sees(zh("planning.console.no_covert"))
    app.fill(zh("planning.console.seed"), "7")
    app.click(zh("planning.console.propose_covert"))
    app.wait_for_text(re.compile(re.escape(zh("planning.console.seed_line", seed=7))))
    stored = store.current_plan(office, "covert", JUNE)
    assert stored is not None and stored.seed == 7 and stored.state == "draft"
    visits = text_of(app.region("plan-visits"))
    for v in stored.covert.visits:
        assert v.id and str(v.window) in visits and v.outlet in visits
    if stored.covert.shortfall:  # what could not be covered is listed, never dropped
        shortfall = text_of(app.region("plan-shortfall"))
        assert all(s.outlet in shortfall for s in stored.covert.shortfall)
    # a move outside the opening hours: refused in the dialog, with the reason
    visit = next(v for v in stored.covert.visits if v.outlet == "H1")
    app.click(app.region(f"visit-{visit.id}").control)
    app.wait_for_text(zh("planning.console.move_title", visit=visit.id))
    app.fill(zh("planning.col.window"), "06:00-08:00")
    app.click(zh("planning.console.move_confirm"))
    app.wait_for_text(re.compile("06:00-08:00 不在网点 H1"))
    assert store.get_plan(office, stored.id).body == stored.body  # nothing changed
    app.click(zh("planning.console.cancel"))
    app.wait_for_no_text(zh("planning.console.move_title", visit=visit.id))
    # an allowed move: a window inside the hours
    app.click(app.region(f"visit-{visit.id}").control)
    app.wait_for_text(zh("planning.console.move_title", visit=visit.id))
    app.fill(zh("planning.col.window"), "19:00-21:00")
    app.click(zh("planning.console.move_confirm"))
    app.wait_for_snack(zh("planning.console.moved", visit=visit.id))
    moved = store.get_plan(office, stored.id).covert.visit(visit.id)
    assert moved is not None and str(moved.window) == "19:00-21:00"
    # publish: cancel keeps the draft, confirm publishes
    app.click(zh("planning.console.publish"))
    app.wait_for_text(zh("planning.console.publish_title", plan=stored.id))
    app.click(zh("planning.console.cancel"))
    app.wait_for_no_text(zh("planning.console.publish_title", plan=stored.id))
    assert store.get_plan(office, stored.id).state == "draft"
    app.click(zh("planning.console.publish"))
    app.wait_for_text(zh("planning.console.publish_title", plan=stored.id))
    app.click(zh("planning.console.publish_confirm"))
    app.wait_for_snack(zh("planning.cli.published", plan=stored.id,
                          count=len(stored.covert.visits)))
    assert store.get_plan(office, stored.id).state == "published"
    with office.session() as s:
        assert len(s.exec(select(Assignment)).all()) == len(stored.covert.visits)
    app.wait_for_text(re.compile(zh("planning.state.published")), timeout=5)
    assert not app.sees(zh("planning.console.publish"), exact=True)
    # the plan against what happened: June 2025 is over, nothing arrived
    status = text_of(app.region("plan-status"))
    assert zh("planning.status.missed") in status
    assert "ms1" in text_of(app.region("status-people"))


def test_a_coaching_plan_needs_a_closed_month(console) -> None:
    app = console()
    app.wait_for_text(zh("planning.console.title", month="2025-06"))
    app.click(zh("planning.console.propose_coaching"))
    app.wait_for_snack(zh("planning.store.no_closed_month", month="2025-06"))


def test_english_and_a_viewer_reads_only(console, office: ServerContext) -> None:
    store.propose_covert(office, JUNE, seed=3, by="boss")
    app = console(username="look")
    app.wait_for_text(zh("planning.console.title", month="2025-06"))
    assert not app.sees(zh("planning.console.propose_covert"))
    assert not app.sees(zh("planning.console.publish"))
    app.click(t("lang.en", "en"))
    app.wait_for_text("Visit plans 2025-06")
    assert app.sees(re.compile(t("planning.console.seed_line", "en", seed=3)))
