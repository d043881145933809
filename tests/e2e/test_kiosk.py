"""Journey: the outlet's shared tablet in kiosk mode. Set up from Settings, then a
self-check; no way to Settings (or other outlets) without the manager PIN - not by the
address bar, not by the back button, not by a wrong PIN. Tablet size."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .hallcheck import STEP_TIMEOUT, Hallcheck, L, db, wait_db

pytestmark = pytest.mark.e2e

OUTLET = "DEMO-AGENT-01"
PIN = "7391"


def test_kiosk_self_check_cannot_escape_without_the_pin(app_server, app_data_dir, open_page,
                                                        tablet) -> None:
    from app.services import Workspace

    base = f"http://127.0.0.1:{app_server.port}"
    ui = open_page(base + "/", viewport=tablet)
    hc = Hallcheck(ui)
    hc.first_run("area_manager", inspector="M-100", demo=True)
    with Workspace.open(app_data_dir) as ws:
        outlet = ws.outlets.get(OUTLET)

    # -- the manager turns the tablet into a kiosk for one outlet
    hc.open_settings(L("views.settings.kiosk_help"))
    ui.type_into(L("views.settings.kiosk_outlet"), OUTLET)
    ui.type_into(L("views.settings.pin"), PIN)
    hc.tap(L("views.settings.kiosk_on"))
    hc.see(L("views.kiosk.subtitle"))
    hc.see(outlet.name)
    ui.shot("kiosk-start")
    assert dict(db(app_data_dir, "select key, value from setting where key in "
                                 "('kiosk_outlet', 'role')")) == {
        "kiosk_outlet": OUTLET, "role": "outlet_agent"}

    # -- escape attempts
    # the address bar: a new page load lands on the kiosk again, which asks for the PIN
    ui.open(base + "/settings")
    hc.see(L("views.kiosk.pin_locked"))
    expect(hc.text(L("views.settings.kiosk_help"))).to_have_count(0)
    ui.shot("settings-refused")
    _cancel_pin(hc)
    hc.see(L("views.kiosk.subtitle"))
    expect(hc.text(L("views.settings.kiosk_help"))).to_have_count(0)
    # the browser's back button: the kiosk put its own address over the refused one, so
    # back is the refused address again (same page, no new document): refused again
    assert ui.page.go_back() is None
    hc.see(L("views.kiosk.pin_locked"))
    _cancel_pin(hc)
    hc.see(L("views.kiosk.subtitle"))
    expect(hc.text(L("views.settings.kiosk_help"))).to_have_count(0)
    # a wrong PIN
    hc.tap(L("views.kiosk.manage"))
    hc.see(L("views.kiosk.pin_title"))
    ui.type_into(L("views.kiosk.pin"), "0000")
    hc.tap(L("views.kiosk.unlock"))
    hc.see(L("views.kiosk.pin_wrong"))
    ui.shot("wrong-pin")
    _cancel_pin(hc)
    hc.see(L("views.kiosk.subtitle"))
    expect(hc.text(L("views.settings.kiosk_help"))).to_have_count(0)

    # -- a self-check from start to finish
    hc.tap(L("views.kiosk.start"))
    hc.see(re.compile(r"第 1/\d+ 部分"))
    [(uuid, kind)] = wait_db(app_data_dir, "select uuid, kind from inspection where "
                                           "status='draft' and outlet_code=?", OUTLET)
    assert kind == "self_check"
    hc.fill_rest_and_review(app_data_dir, uuid)
    expect(hc.button(L("views.review.delete"))).to_have_count(0)
    hc.finalise(L("views.kiosk.thanks"))
    ui.shot("thanks")
    wait_db(app_data_dir, "select status from inspection where uuid=?", uuid,
            expect_rows=[("finalized",)])
    hc.tap(L("views.kiosk.new"))
    hc.see(L("views.kiosk.subtitle"))

    # -- only the right PIN opens Settings (and the PIN dialog goes away)
    hc.tap(L("views.kiosk.manage"))
    ui.type_into(L("views.kiosk.pin"), PIN)
    hc.tap(L("views.kiosk.unlock"))
    hc.see(L("views.settings.kiosk_help"))
    expect(hc.page.get_by_role("alertdialog")).to_have_count(0, timeout=STEP_TIMEOUT)
    ui.shot("settings-unlocked")


def _cancel_pin(hc: Hallcheck) -> None:
    """Cancel the PIN dialog and wait until it is gone."""
    hc.page.get_by_role("alertdialog").get_by_role(
        "button", name=L("views.cancel"), exact=True).click()
    expect(hc.page.get_by_role("alertdialog")).to_have_count(0, timeout=STEP_TIMEOUT)
