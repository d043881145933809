"""The kiosk lock and the rest of services.session that the mutation run (`make mutate`,
docs/mutation.md) found unguarded: which visits a locked kiosk opens, the self-check it
starts, resuming only a draft of the kind asked for, the kiosk's stand-in inspector, and
what is written to the log when a setting cannot be read or written."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import OperationalError

from app.errors import UserError
from app.services import DeviceSession, OutletData, Workspace
from app.services.session import KIOSK_IDLE_KEY, KIOSK_INSPECTOR


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """The shipped rulebook (it has the self-check the services fixture lacks)."""
    workspace = Workspace.open(tmp_path / "data")
    workspace.outlets.upsert(OutletData(code="HZ-001", name="杭州旗舰厅", tier="flagship"))
    workspace.outlets.upsert(OutletData(code="VL-001", name="光明村服务站", tier="village"))
    workspace.settings.set_inspector("INS-1")
    yield workspace
    workspace.close()


def lock(ws: Workspace, outlet: str = "HZ-001") -> DeviceSession:
    session = DeviceSession(ws)
    session.enable_kiosk(outlet, "2468")
    return session


def test_a_locked_kiosk_opens_only_its_own_outlets_visits(ws: Workspace) -> None:
    own = ws.inspections.start("self_check", "HZ-001")
    other = ws.inspections.start("self_check", "VL-001")
    session = DeviceSession(ws)
    # not locked yet: any visit on the device may be opened
    assert session.kiosk_visit(own) and session.kiosk_visit(other)
    lock(ws)
    assert session.kiosk_visit(own)
    assert not session.kiosk_visit(other)
    assert not session.kiosk_visit("no-such-visit")


def test_a_kiosk_starts_a_self_check_at_its_outlet(ws: Workspace) -> None:
    session = DeviceSession(ws)
    with pytest.raises(UserError) as unlocked:
        session.start_self_check()
    assert unlocked.value.key == "services.settings.kiosk_outlet_missing"
    lock(ws)
    visit = ws.inspections.summary(session.start_self_check())
    assert (visit.kind, visit.outlet_code, visit.inspector_id) == (
        "self_check", "HZ-001", "INS-1")


def test_a_kiosk_with_nobody_named_stands_in_for_the_inspector(ws: Workspace) -> None:
    ws.settings.set_inspector(None)
    session = lock(ws)
    assert ws.settings.inspector_id == KIOSK_INSPECTOR
    ws.settings.set_inspector(None)  # cleared later: the self-check still has an author
    visit = ws.inspections.summary(session.start_self_check())
    assert visit.inspector_id == KIOSK_INSPECTOR


def test_turning_the_kiosk_on_without_an_outlet_says_so(ws: Workspace) -> None:
    for empty in ("", None):
        with pytest.raises(UserError) as err:
            DeviceSession(ws).enable_kiosk(empty, "2468")  # type: ignore[arg-type]
        assert err.value.key == "services.settings.kiosk_outlet_missing"


def test_only_a_draft_of_the_kind_asked_for_is_resumed(ws: Workspace) -> None:
    coaching = ws.inspections.start("open_inspection", "HZ-001")
    session = DeviceSession(ws)
    assert session.resume_or_check("HZ-001", "open_inspection") == coaching
    assert session.resume_or_check("HZ-001", "self_check") is None
    assert session.resume_or_check("HZ-001", "mystery_shop") is None


def test_an_unreadable_idle_setting_is_logged_by_name(ws: Workspace,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    ws.settings.set(KIOSK_IDLE_KEY, "ten")
    with caplog.at_level(logging.WARNING, logger="app.services.session"):
        assert DeviceSession(ws).idle_minutes() == 5.0
    assert caplog.messages == [
        "setting ui_kiosk_idle_minutes is not a number; using 5.0 minutes"]


def test_a_place_that_cannot_be_kept_is_logged_with_its_traceback(
        ws: Workspace, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def busy(*_args: object) -> None:
        raise OperationalError("UPDATE setting", {}, Exception("database is locked"))

    monkeypatch.setattr(ws.settings, "set", busy)
    with caplog.at_level(logging.WARNING, logger="app.services.session"):
        DeviceSession(ws).save_place("/history")  # the screen goes on
    (record,) = caplog.records
    assert record.getMessage() == "could not remember where the person is"
    assert record.exc_info is not None and record.exc_info[0] is OperationalError
