"""Who uses the device and how (services.session), and the due dates of corrective actions:
the rules the screens only show."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import UserError
from app.services import DeviceSession, Location, Workspace
from app.services.actions import carried_due, default_due, parse_due
from app.services.session import KIOSK_IDLE_KEY, kind_for_role

from .conftest import NOW, complete_answers


@pytest.mark.parametrize(("role", "kind"), [
    ("mystery_shopper", "mystery_shop"), ("area_manager", "open_inspection"),
    ("outlet_agent", "self_check"), (None, "open_inspection"), ("nobody", "open_inspection")])
def test_each_role_does_its_kind_of_visit(role: str | None, kind: str) -> None:
    assert kind_for_role(role) == kind


def test_discreet_follows_the_visit_then_the_role(ws: Workspace) -> None:
    session = DeviceSession(ws)
    ws.settings.set_role("area_manager")
    assert not session.discreet()
    assert session.discreet("mystery_shop")  # a covert visit is discreet on any device
    ws.settings.set_role("mystery_shopper")
    assert session.discreet()
    assert not session.discreet("open_inspection")


def test_a_kiosk_is_only_an_outlet_agents_device(ws: Workspace) -> None:
    session = DeviceSession(ws)
    ws.settings.set_kiosk_outlet("HZ-001")
    ws.settings.set_role("area_manager")
    assert session.kiosk_outlet is None
    ws.settings.set_role("outlet_agent")
    assert session.kiosk_outlet == "HZ-001"


@pytest.mark.parametrize(("raw", "minutes"), [(None, 5.0), ("2", 2.0), ("0.1", 0.5),
                                              ("ten", 5.0)])
def test_idle_minutes_are_read_safely(ws: Workspace, raw: str | None, minutes: float) -> None:
    ws.settings.set(KIOSK_IDLE_KEY, raw)
    assert DeviceSession(ws).idle_minutes() == minutes


def test_a_visit_reopens_while_a_draft_and_its_result_while_it_exists(ws: Workspace,
                                                                     draft: str) -> None:
    session = DeviceSession(ws)
    assert session.can_reopen(draft, as_result=False)
    complete_answers(ws, draft)
    ws.inspections.finalise(draft, now=NOW)
    assert not session.can_reopen(draft, as_result=False)
    assert session.can_reopen(draft, as_result=True)
    assert not session.can_reopen("no-such-visit", as_result=True)


def test_the_place_left_is_kept(ws: Workspace) -> None:
    session = DeviceSession(ws)
    session.save_place("/history")
    assert DeviceSession(ws).saved_place() == "/history"
    session.save_place(None)
    assert session.saved_place() is None


def test_an_outlets_draft_is_resumed_not_restarted(ws: Workspace, draft: str) -> None:
    ws.settings.set_role("mystery_shopper")
    session = DeviceSession(ws)
    assert session.resume_or_check("HZ-001") == draft
    assert session.resume_or_check("VL-001") is None  # nothing there yet: start one


def test_rotation_refuses_before_the_check_in(ws: Workspace) -> None:
    ws.settings.set_role("mystery_shopper")
    visit = ws.inspections.start("mystery_shop", "HZ-001")  # today
    assert DeviceSession(ws).resume_or_check("HZ-001") == visit  # unfinished: resumed
    complete_answers(ws, visit, now=ws.inspections.summary(visit).started_at)
    ws.inspections.finalise(visit)
    with pytest.raises(UserError) as refused:
        DeviceSession(ws).resume_or_check("HZ-001")
    assert refused.value.key == "services.rotation_blocked"
    # a manager's coaching visit to the same outlet is not a covert visit
    assert DeviceSession(ws).resume_or_check("HZ-001", "open_inspection") is None


def test_a_coaching_visit_follows_up_open_actions_first(ws: Workspace) -> None:
    ws.settings.set_role("area_manager")
    session = DeviceSession(ws)
    first = session.begin("HZ-001", location=Location(30.25, 120.17, 8.0))
    assert not first.actions_first
    assert ws.inspections.state(first.uuid).checkin == Location(30.25, 120.17, 8.0)
    ws.actions.raise_action(first.uuid, "灯箱缺字", "店长", date.today())
    second = session.begin("VL-001")
    assert not second.actions_first  # another outlet: nothing to follow up
    again = session.begin("HZ-001")
    assert again.actions_first


def test_turning_the_kiosk_on_needs_an_outlet_and_a_pin(ws: Workspace) -> None:
    session = DeviceSession(ws)
    with pytest.raises(UserError) as no_code:
        session.enable_kiosk(" ", "2468")
    assert no_code.value.key == "services.settings.kiosk_outlet_missing"
    with pytest.raises(UserError) as no_pin:
        session.enable_kiosk("HZ-001")
    assert no_pin.value.key == "services.settings.pin_missing"
    with pytest.raises(UserError) as unknown:
        session.enable_kiosk("NOPE-1", "2468")
    assert unknown.value.key == "services.outlet_unknown"
    assert not ws.settings.has_manager_pin  # a refused attempt changes nothing
    session.enable_kiosk("HZ-001", "2468")
    assert (ws.settings.role, session.kiosk_outlet) == ("outlet_agent", "HZ-001")
    assert ws.settings.verify_manager_pin("2468")
    assert ws.settings.inspector_id == "INS-1"  # the person named stays named
    session.disable_kiosk()
    assert session.kiosk_outlet is None


TODAY = date(2025, 3, 14)


@pytest.mark.parametrize(("typed", "due"), [
    ("2025-03-31", date(2025, 3, 31)), ("2025/3/31", date(2025, 3, 31)),
    ("2025.3.31", date(2025, 3, 31)), (" 3/31 ", date(2025, 3, 31)),
    ("3/1", date(2026, 3, 1)),  # already past this year: next year's
    ("3/14", date(2025, 3, 14)), ("+7", date(2025, 3, 21)), ("+0", TODAY)])
def test_a_due_date_as_typed_on_a_phone(typed: str, due: date) -> None:
    assert parse_due(typed, TODAY) == due


@pytest.mark.parametrize(("typed", "key"), [
    ("", "services.action.due_missing"), ("  ", "services.action.due_missing"),
    ("下周", "services.action.due_invalid"), ("2025-02-30", "services.action.due_invalid"),
    ("13/1", "services.action.due_invalid"), ("+x", "services.action.due_invalid"),
    ("+99999999", "services.action.due_invalid"), ("1-2-3-4", "services.action.due_invalid")])
def test_a_due_date_that_is_not_one_says_how_to_write_it(typed: str, key: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_due(typed, TODAY)
    assert refused.value.key == key
    assert "2025-06-30" in refused.value.message("en") or key.endswith("missing")


def test_offered_due_dates_are_a_week_out() -> None:
    assert default_due(TODAY) == date(2025, 3, 21)
    assert carried_due(date(2025, 3, 20), TODAY) == date(2025, 3, 27)  # after the old one
    assert carried_due(date(2025, 3, 1), TODAY) == date(2025, 3, 21)  # overdue: from today


@pytest.mark.parametrize("role", ["mystery_shopper", "area_manager"])
def test_demo_tasks_are_for_the_person_and_their_role(ws: Workspace, role: str) -> None:
    """Issue 12: the demo planned today's visits only for DEMO-INSPECTOR (a newcomer with
    their own staff ID saw none), and handed an outlet agent covert visits."""
    ws.settings.set_role(role)
    ws.settings.set_inspector("S-777")
    report = ws.load_demo()
    session = DeviceSession(ws)
    tasks = session.todays_tasks()
    assert tasks, "the demo planned nothing for the person using the app"
    assert {a.kind for a in tasks} == {kind_for_role(role)}
    assert len(tasks) == len(report.assignments)


def test_an_outlet_agent_with_no_staff_id_gets_no_covert_visit(ws: Workspace) -> None:
    ws.settings.set_role("outlet_agent")
    ws.load_demo()
    session = DeviceSession(ws)
    assert all(a.kind == "self_check" for a in session.todays_tasks())
    # even one planned for them by mistake (a covert visit) is not offered
    ws.assignments.add("HZ-001", "mystery_shop", date.today(),
                       inspector_id=ws.settings.inspector_id)
    assert ws.assignments.for_day(None, ws.settings.inspector_id)
    assert all(a.kind == "self_check" for a in session.todays_tasks())
