"""Journey: an area manager's coaching visit raises a corrective action; the next visit to
the same outlet closes it. Real browser, phone size, one app for the module."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .hallcheck import STEP_TIMEOUT, Hallcheck, L, db, wait_db

pytestmark = pytest.mark.e2e

OUTLET = "DEMO-LEVEL2-01"


def _finish_visit(hc: Hallcheck, data_dir, uuid: str) -> None:
    """The checklist answered through the services (on the same data directory), then
    reviewed and finalised on screen."""
    hc.fill_rest_and_review(data_dir, uuid)
    hc.finalise(L("views.review.finalised"))
    wait_db(data_dir, "select status from inspection where uuid=?", uuid,
            expect_rows=[("finalized",)])


def test_raise_an_action_then_close_it_at_the_next_visit(app_server, app_data_dir,
                                                         open_page, phone) -> None:
    from app.services import Workspace

    base = f"http://127.0.0.1:{app_server.port}/"
    ui = open_page(base, viewport=phone)
    hc = Hallcheck(ui)
    hc.first_run("area_manager", inspector="M-007", demo=True)
    with Workspace.open(app_data_dir) as ws:
        outlet = ws.outlets.get(OUTLET)

    # -- first visit: raise an action
    hc.start_visit(outlet.name, OUTLET, discreet=False)
    hc.see(L("views.run.subtitle", kind=L("kind.open_inspection"), tier="二级厅"))
    [(first,)] = wait_db(app_data_dir, "select uuid from inspection where status='draft'")
    hc.tap(L("views.run.actions"))
    hc.see(L("views.actions.none_open"))
    ui.type_into(L("views.actions.what"), "叫号屏不显示窗口号，需报修")
    ui.type_into(L("views.actions.owner"), "刘店长")
    due = (date.today() + timedelta(days=10)).isoformat()
    ui.type_into(L("views.actions.due"), due)
    hc.tap(L("views.actions.add"))
    hc.see(L("views.actions.added"))
    hc.see(L("views.actions.meta", owner="刘店长", due=due))
    ui.shot("action-raised")
    assert wait_db(app_data_dir, "select description, owner, due_date, status, "
                                 "raised_in_uuid from corrective_action") == [
        ("叫号屏不显示窗口号，需报修", "刘店长", due, "open", first)]

    # back to the checklist, then finish the visit
    hc.tap(L("views.actions.back_to_checklist"))
    hc.see(re.compile(r"第 1/\d+ 部分"))
    _finish_visit(hc, app_data_dir, first)

    # -- next visit: the open action comes first; close it
    expect(hc.button(L("views.home.start"))).to_be_visible(timeout=STEP_TIMEOUT)
    hc.start_visit(outlet.name, OUTLET, discreet=False)
    hc.see(L("views.actions.open_earlier", n=1))
    [(second,)] = wait_db(app_data_dir, "select uuid from inspection where status='draft'")
    assert second != first
    [(action_id,)] = db(app_data_dir, "select id from corrective_action")
    card = hc.region(f"action-{action_id}")
    expect(card).to_have_attribute("aria-label", re.compile("叫号屏不显示窗口号"),
                                   timeout=STEP_TIMEOUT)
    card.get_by_role("button", name=L("views.actions.close"), exact=True).click()
    hc.see(L("views.actions.close_title"))
    ui.type_into(L("views.actions.closing_note"), "已更换叫号屏主板")
    ui.shot("closing")
    dialog = hc.page.get_by_role("alertdialog")
    dialog.get_by_role("button", name=L("views.actions.close"), exact=True).click()
    assert wait_db(app_data_dir, "select status, closed_in_uuid, closing_note from "
                                 "corrective_action where id=?", action_id,
                   expect_rows=[("closed", second, "已更换叫号屏主板")])
    # the dialog goes away and the list says nothing is open any more
    # (NEEDS.md #1: in Chromium this dialog can stay on screen after closing)
    expect(dialog).to_have_count(0, timeout=STEP_TIMEOUT)
    hc.see(L("views.actions.none_open"))
    ui.shot("action-closed")
