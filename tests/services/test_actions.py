"""Corrective actions: raised in a coaching visit, followed up (carried or closed) later."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.errors import UserError
from app.services import Workspace

from .conftest import NOW


def test_the_lifecycle_of_a_corrective_action(ws: Workspace) -> None:
    visit1 = ws.inspections.start("open_inspection", "HZ-001", now=NOW)
    due = date(2025, 3, 21)
    action = ws.actions.raise_action(visit1, "  叫号机故障，需报修  ", "店长 李", due,
                                     item_id="queue_minutes", now=NOW)
    assert action.description == "叫号机故障，需报修" and action.status == "open"
    assert action.outlet_code == "HZ-001" and action.raised_in_uuid == visit1
    assert [a.id for a in ws.actions.open_actions("HZ-001")] == [action.id]
    assert ws.actions.open_actions("VL-001") == []
    assert not action.overdue(date(2025, 3, 21)) and action.overdue(date(2025, 3, 22))

    later = NOW + timedelta(days=7)
    visit2 = ws.inspections.start("open_inspection", "HZ-001", now=later)
    carried = ws.actions.carry_forward(action.id, visit2, date(2025, 3, 28), now=later)
    assert carried.status == "carried" and carried.carried_count == 1
    assert carried.due_date == date(2025, 3, 28) and carried.carried_in_uuid == visit2
    assert [a.id for a in ws.actions.open_actions("HZ-001")] == [action.id]

    last = NOW + timedelta(days=14)
    visit3 = ws.inspections.start("open_inspection", "HZ-001", now=last)
    closed = ws.actions.close_action(action.id, visit3, "已修复并验证", now=last)
    assert closed.status == "closed" and closed.closed_in_uuid == visit3
    assert closed.closed_at == last and closed.closing_note == "已修复并验证"
    assert ws.actions.open_actions("HZ-001") == []
    assert [a.id for a in ws.actions.for_outlet("HZ-001")] == [action.id]
    assert [a.id for a in ws.actions.raised_in(visit1)] == [action.id]
    with pytest.raises(UserError) as err:
        ws.actions.close_action(action.id, visit3, now=last)
    assert err.value.key == "services.action.already_closed"


def test_action_rules(ws: Workspace) -> None:
    visit = ws.inspections.start("open_inspection", "HZ-001", now=NOW)
    other = ws.inspections.start("open_inspection", "VL-001", now=NOW)
    due = date(2025, 3, 20)
    cases = [
        (lambda: ws.actions.raise_action(visit, " ", "店长", due, now=NOW),
         "services.action.description_missing"),
        (lambda: ws.actions.raise_action(visit, "整改", "", due, now=NOW),
         "services.action.owner_missing"),
        (lambda: ws.actions.raise_action(visit, "整改", "店长", date(2025, 3, 1), now=NOW),
         "services.action.due_in_past"),
        (lambda: ws.actions.raise_action("nope", "整改", "店长", due, now=NOW),
         "services.inspection_unknown"),
    ]
    for call, key in cases:
        with pytest.raises(UserError) as err:
            call()
        assert err.value.key == key
    action = ws.actions.raise_action(visit, "整改", "店长", due, now=NOW)
    with pytest.raises(UserError) as err:
        ws.actions.close_action(action.id, other, now=NOW)
    assert err.value.key == "services.action.other_outlet"
    with pytest.raises(UserError) as err:
        ws.actions.get("nope")
    assert err.value.key == "services.action.unknown"


def test_deleting_a_draft_undoes_its_actions(ws: Workspace) -> None:
    visit1 = ws.inspections.start("open_inspection", "HZ-001", now=NOW)
    kept = ws.actions.raise_action(visit1, "更换海报", "店长", date(2025, 3, 20), now=NOW)
    visit2 = ws.inspections.start("open_inspection", "HZ-001", now=NOW)
    dropped = ws.actions.raise_action(visit2, "误录", "店长", date(2025, 3, 20), now=NOW)
    ws.actions.close_action(kept.id, visit2, "已换", now=NOW)
    ws.inspections.delete_draft(visit2)
    assert [a.id for a in ws.actions.open_actions("HZ-001")] == [kept.id]
    assert ws.actions.get(kept.id).closed_in_uuid is None
    with pytest.raises(UserError):
        ws.actions.get(dropped.id)
