"""Kiosk: the outlet's shared tablet is locked to one outlet; settings need the manager PIN;
after a submission, and after minutes without a touch, it returns to a fresh start."""

from __future__ import annotations

import re
import time as real_time
import types

import pytest

from .flows import (
    AGENT,
    FLAGSHIP,
    current_uuid,
    db_rows,
    fill_passing,
    seed_device,
    starts_like,
)
from .harness import HarnessError

PIN = "2468"


@pytest.fixture
def kiosk(ws):
    """A tablet set up for the agent outlet (what Settings > kiosk on stores)."""
    seed_device(ws, "area_manager", "M-001")
    ws.settings.set_manager_pin(PIN)
    ws.settings.set_kiosk_outlet(AGENT)
    ws.settings.set_role("outlet_agent")
    return ws


class FakeClock:
    """time.monotonic for the shell and kiosk modules only (asyncio keeps the real one)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return real_time.monotonic() + self.offset


@pytest.fixture
def clock(monkeypatch):
    from app.views import kiosk as kiosk_mod
    from app.views import shell

    c = FakeClock()
    fake_time = types.SimpleNamespace(monotonic=c.monotonic, time=real_time.time,
                                      sleep=real_time.sleep)
    monkeypatch.setattr(shell, "time", fake_time)
    monkeypatch.setattr(kiosk_mod, "time", fake_time)
    monkeypatch.setattr(shell, "TICK_SECONDS", 0.05)  # the shell's timer ticks fast
    return c


def test_turning_the_kiosk_on_from_settings(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    app.click(L("views.settings.title"))
    app.wait_until(lambda: app.view_route == "/settings")
    app.fill(L("views.settings.kiosk_outlet"), AGENT)
    app.click(L("views.settings.kiosk_on"))  # no PIN yet: refused
    assert app.wait_for_snack(L("services.settings.pin_missing"))
    app.fill(L("views.settings.pin"), PIN)
    app.click(L("views.settings.kiosk_on"))
    app.wait_until(lambda: app.view_route == "/kiosk")
    assert app.sees(ws.outlets.get(AGENT).name)
    assert app.find(L("views.kiosk.start"))
    rows = dict(db_rows(data_dir, "select key, value from setting where key in "
                                  "('kiosk_outlet', 'role', 'manager_pin_hash')"))
    assert rows["kiosk_outlet"] == AGENT and rows["role"] == "outlet_agent"
    assert rows["manager_pin_hash"] and PIN not in rows["manager_pin_hash"]


def _lock(ws) -> None:
    """Turn this (already set up) device into the agent outlet's locked kiosk."""
    ws.settings.set_manager_pin(PIN)
    ws.settings.set_kiosk_outlet(AGENT)
    ws.settings.set_role("outlet_agent")


def _refused_with_pin(app, L) -> None:
    """The kiosk stayed on its start screen and asks for the manager PIN."""
    app.wait_until(lambda: app.find_all(L("views.kiosk.pin_locked"), in_dialog=True),
                   message="the PIN to be asked")
    assert app.view_route == "/kiosk"
    assert app.region("screen-kiosk")
    assert app.find_all(L("views.kiosk.pin"), in_dialog=True)


SCREENS = {"/settings": "screen-settings", "/outlets": "screen-outlets",
           "/history": "screen-history", f"/history/{AGENT}": "screen-history",
           "/sync": "screen-sync", "/setup": "screen-setup"}


@pytest.mark.parametrize("route", list(SCREENS))
def test_a_locked_kiosk_refuses_other_screens_until_the_pin(start_app, L, ws,
                                                           route) -> None:
    # the normal path: on a manager's device the same navigation shows the screen
    seed_device(ws, "area_manager", "M-001")
    app = start_app()
    assert app.view_route == "/"
    app.go(route)
    app.wait_until(lambda: app.view_route == route, message=f"{route} to open")
    assert app.region(SCREENS[route])
    # the rule: locked to one outlet, the tablet refuses it and asks for the PIN ...
    _lock(ws)
    app = start_app()
    assert app.view_route == "/kiosk"
    app.go(route)
    _refused_with_pin(app, L)
    assert not app.find_all(within=SCREENS[route])
    # ... and only the PIN opens it
    app.fill(app.find(L("views.kiosk.pin"), in_dialog=True), PIN, submit=True)
    app.wait_until(lambda: app.view_route == route, message=f"{route} after the PIN")
    assert app.region(SCREENS[route])


def test_home_on_a_locked_kiosk_is_its_start_screen(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = start_app(route="/settings")
    app.go("/")
    app.wait_until(lambda: app.view_route == "/", message="home to open")
    assert app.region("screen-home")
    _lock(ws)
    own = ws.inspections.start("self_check", AGENT, "kiosk")
    app = start_app(route=f"/visit/{own}")
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{own}"))
    app.go("/")
    app.wait_until(lambda: app.view_route == "/kiosk", message="the kiosk's start")
    assert not app.find_all(within="screen-home")
    assert not app.find_all(L("views.kiosk.pin_locked"), in_dialog=True)  # nothing to unlock


def test_another_outlets_visit_is_out_of_reach(start_app, L, ws) -> None:
    seed_device(ws, "area_manager", "M-001")
    other = ws.inspections.start("self_check", FLAGSHIP, "M-001")
    own = ws.inspections.start("self_check", AGENT, "M-001")
    app = start_app()
    for route in (f"/visit/{other}", f"/visit/{other}/review"):
        app.go(route)  # unlocked, any outlet's visit opens
        app.wait_until(lambda route=route: app.view_route.startswith(route))
    _lock(ws)
    app = start_app()
    for route in (f"/visit/{other}", f"/visit/{other}/review"):
        app.go(route)
        _refused_with_pin(app, L)
        assert not app.find_all(within="screen-checklist")
        assert not app.find_all(within="screen-review")
        app.click(app.find(L("views.cancel"), in_dialog=True))
        app.wait_until(lambda: not app.find_all(L("views.kiosk.pin_locked"), in_dialog=True))
    app.go(f"/visit/{own}")  # the kiosk's own outlet: no PIN needed
    app.wait_until(lambda: app.view_route.startswith(f"/visit/{own}"))
    assert app.region("screen-checklist")


def test_settings_only_with_the_manager_pin(start_app, L, kiosk) -> None:
    app = start_app()
    app.click(L("views.kiosk.manage"))
    assert app.sees(L("views.kiosk.pin_title"))
    app.fill(L("views.kiosk.pin"), "1111")
    app.click(L("views.kiosk.unlock"))
    assert app.sees(L("views.kiosk.pin_wrong"))
    assert app.view_route == "/kiosk"
    # the dialog cannot simply be dismissed to get at what is under it
    with pytest.raises(HarnessError):
        app.dismiss_dialog()
    app.click(L("views.cancel"))
    assert app.view_route == "/kiosk"

    app.click(L("views.kiosk.manage"))
    app.fill(L("views.kiosk.pin"), PIN, submit=True)
    app.wait_until(lambda: app.view_route == "/settings")
    assert app.sees(L("views.settings.title"))
    app.go("/outlets")  # unlocked: the rest of the app too
    app.wait_until(lambda: app.view_route == "/outlets")
    # unlocking is for this session only: a restart locks again
    app = start_app()
    assert app.view_route == "/kiosk"
    app.go("/settings")
    _refused_with_pin(app, L)


def test_self_check_submission_thanks_and_returns_to_a_fresh_start(start_app, L, kiosk,
                                                                   data_dir) -> None:
    app = start_app()
    app.click(L("views.kiosk.start"))
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    uuid = current_uuid(app)
    assert db_rows(data_dir, "select kind, outlet_code from inspection where uuid=?",
                   uuid) == [("self_check", AGENT)]
    fill_passing(kiosk, uuid)
    app.go(f"/visit/{uuid}/review")
    assert not app.find_all(L("views.review.delete"))  # nothing to discard on a kiosk
    app.click(L("views.review.finalise"))
    app.click(L("views.review.confirm_ok"))
    app.wait_until(lambda: app.view_route == "/kiosk/done")
    assert app.sees(L("views.kiosk.thanks"))
    assert app.find_all(within="score-breakdown")  # the outlet sees how it did
    assert db_rows(data_dir, "select status from inspection where uuid=?", uuid) == [
        ("finalized",)]
    app.click(app.find(L("views.kiosk.new"), type="FilledButton"))
    app.wait_until(lambda: app.view_route == "/kiosk")
    assert not app.find_all(starts_like(L("views.kiosk.continue", when="\x00")))


def test_thanks_screen_returns_by_itself(start_app, L, kiosk, clock) -> None:
    uuid = kiosk.inspections.start("self_check", AGENT, "kiosk")
    fill_passing(kiosk, uuid)
    kiosk.inspections.finalise(uuid)
    app = start_app()
    app.go("/kiosk/done")
    app.wait_until(lambda: app.view_route == "/kiosk/done")
    clock.offset += 25  # DONE_SECONDS is 20
    app.wait_until(lambda: app.view_route == "/kiosk", timeout=3)


def test_idle_kiosk_locks_and_returns_to_the_start(start_app, L, kiosk, clock) -> None:
    app = start_app()
    app.click(L("views.kiosk.start"))
    app.wait_until(lambda: app.view_route.startswith("/visit/"))
    uuid = current_uuid(app)
    app.click(app.find(L("answer.yes"), within=f"item-{_first_item(kiosk, uuid)}"))
    clock.offset += 60  # a minute: still within the idle time
    app.advance(0.2)
    assert app.view_route.startswith(f"/visit/{uuid}")
    clock.offset += 5 * 60  # the default idle time has passed
    app.wait_until(lambda: app.view_route == "/kiosk", timeout=3)
    # what was entered is kept as a draft that can be continued
    assert kiosk.inspections.find_draft(AGENT, "self_check") == uuid
    assert app.find(starts_like(L("views.kiosk.continue", when="\x00")))


def test_idle_reset_also_locks_an_unlocked_settings_screen(start_app, L, kiosk,
                                                           clock) -> None:
    app = start_app()
    app.click(L("views.kiosk.manage"))
    app.fill(L("views.kiosk.pin"), PIN)
    app.click(L("views.kiosk.unlock"))
    app.wait_until(lambda: app.view_route == "/settings")
    app.go("/outlets")  # unlocked: other screens open
    app.wait_until(lambda: app.view_route == "/outlets")
    clock.offset += 6 * 60
    app.wait_until(lambda: app.view_route == "/kiosk", timeout=3)
    app.go("/settings")
    _refused_with_pin(app, L)


def _first_item(ws, uuid: str) -> str:
    from app.checklists import ItemType

    state = ws.inspections.state(uuid)
    first_section = state.checklist.sections[0]
    return next(i.id for i in first_section.items
                if i.type is ItemType.YES_NO and i.id in state.visible)


def test_wrong_pins_at_the_kiosk_say_how_long_to_wait(start_app, L, kiosk) -> None:
    """Issue 12: the PIN could be guessed, seven wrong tries each saying "try again"."""
    from app.services.settings import PIN_FIRST_WAIT, PIN_FREE_TRIES

    app = start_app()
    app.click(L("views.kiosk.manage"))
    for _ in range(PIN_FREE_TRIES - 1):
        app.fill(L("views.kiosk.pin"), "1111", submit=True)
        assert app.sees(L("views.kiosk.pin_wrong"))
    app.fill(L("views.kiosk.pin"), "1111", submit=True)
    assert app.sees(L("views.kiosk.pin_wait", wait=L("views.duration.seconds",
                                                     n=int(PIN_FIRST_WAIT))))
    # the right PIN now is not taken until the wait is over, and says so
    app.fill(L("views.kiosk.pin"), PIN, submit=True)
    assert app.find_all(re.compile("^" + re.escape(L("views.kiosk.pin_refused",
                                                     wait="\x00").split("\x00")[0])))
    assert app.view_route == "/kiosk"
    # the field and every message call it by one name
    assert L("views.kiosk.pin") in L("views.kiosk.pin_wrong")
    assert L("views.kiosk.pin") in L("services.settings.pin_invalid")
