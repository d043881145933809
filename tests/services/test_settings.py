"""Device settings: defaults, validation, the manager PIN, secrets never logged."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import select

from app.errors import UserError
from app.services import Workspace
from app.store import Setting

from .conftest import CHECKLISTS, jpeg

TOKEN = "hc_dev_7f3a9c1e5b2d4f60a8e1c3b5d7f9a2c4"


def test_defaults(ws: Workspace) -> None:
    snap = ws.settings.snapshot()
    assert snap.language == "zh" and snap.photo_max_edge == 1600
    assert snap.role is None and snap.endpoint is None and snap.kiosk_outlet is None
    assert not snap.device_token_set and not snap.manager_pin_set
    assert snap.inspector_id == "INS-1"


def test_settings_are_validated_and_kept(ws: Workspace, data_dir: Path) -> None:
    ws.settings.set_language("en")
    ws.settings.set_role("area_manager")
    ws.settings.set_endpoint("https://hallcheck.example.cn/")
    ws.settings.set_photo_max_edge(1280)
    ws.settings.set_kiosk_outlet("VL-001")
    for call, key in [
        (lambda: ws.settings.set_language("fr"), "services.settings.language_unknown"),
        (lambda: ws.settings.set_role("boss"), "services.settings.role_unknown"),
        (lambda: ws.settings.set_endpoint("ftp://x"), "services.settings.endpoint_invalid"),
        (lambda: ws.settings.set_photo_max_edge(100), "services.settings.photo_edge_range"),
        (lambda: ws.settings.set_kiosk_outlet("NOPE"), "services.outlet_unknown"),
    ]:
        with pytest.raises(UserError) as err:
            call()
        assert err.value.key == key
    device_id = ws.settings.device_id
    again = Workspace.open(data_dir, CHECKLISTS)
    try:
        snap = again.settings.snapshot()
        assert (snap.language, snap.role, snap.endpoint, snap.photo_max_edge,
                snap.kiosk_outlet) == ("en", "area_manager", "https://hallcheck.example.cn",
                                       1280, "VL-001")
        assert again.settings.device_id == device_id
    finally:
        again.close()


def test_manager_pin(ws: Workspace) -> None:
    assert not ws.settings.verify_manager_pin("1234")  # none set
    ws.settings.set_manager_pin("482913")
    assert ws.settings.has_manager_pin
    assert ws.settings.verify_manager_pin("482913")
    assert not ws.settings.verify_manager_pin("482914")
    assert not ws.settings.verify_manager_pin("")
    stored = ws.settings.get("manager_pin_hash")
    assert stored is not None and "482913" not in stored and stored.startswith("scrypt$")
    ws.settings.set_manager_pin("482913")  # salted: the same PIN hashes differently
    assert ws.settings.get("manager_pin_hash") != stored
    for bad in ("12", "abcd", "123456789"):
        with pytest.raises(UserError) as err:
            ws.settings.set_manager_pin(bad)
        assert err.value.key == "services.settings.pin_invalid"
    ws.settings.clear_manager_pin()
    assert not ws.settings.verify_manager_pin("482913")


def test_the_device_token_never_reaches_the_log(ws: Workspace,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    ws.settings.set_device_token(TOKEN)
    ws.settings.set_manager_pin("4829")
    assert ws.settings.device_token == TOKEN
    snap = ws.settings.snapshot()
    assert snap.device_token_set and TOKEN not in repr(snap) and TOKEN not in repr(ws.settings)
    uuid = ws.inspections.start("mystery_shop", "HZ-001")
    ws.inspections.answer(uuid, "uniform", True)
    ws.settings.set_device_token(None)
    assert ws.settings.device_token is None
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "device_token" in logged  # the change is logged ...
    assert TOKEN not in logged and "4829" not in logged  # ... its value never
    with ws.store.reading() as s:
        assert s.execute(select(Setting).where(Setting.key == "device_token")).first() is None


def test_storage_used(ws: Workspace) -> None:
    empty = ws.settings and ws.storage_used()
    assert empty.database_bytes > 0 and empty.photos_bytes == 0 and empty.photo_count == 0
    uuid = ws.inspections.start("mystery_shop", "HZ-001")
    ws.inspections.attach_photo(uuid, "storefront", jpeg(size=(400, 300)))
    used = ws.storage_used()
    assert used.photo_count == 1 and used.photos_bytes > 0
    assert used.total_bytes == used.database_bytes + used.photos_bytes


def test_wrong_manager_pins_make_the_next_try_wait_longer(ws: Workspace) -> None:
    """Issue 12: seven wrong PINs in a row each just said "try again". After the free
    tries each wrong one makes the next wait, twice as long each time; while waiting not
    even the right PIN is taken; the right one clears the count; a restart keeps it."""
    from app.services.settings import PIN_FIRST_WAIT, PIN_FREE_TRIES, PIN_MAX_WAIT

    ws.settings.set_manager_pin("482913")
    now = 1_000_000.0
    for _ in range(PIN_FREE_TRIES - 1):
        attempt = ws.settings.try_manager_pin("000000", now=now)
        assert not attempt.ok and attempt.wait_seconds == 0
    waits = []
    for _ in range(4):
        attempt = ws.settings.try_manager_pin("000000", now=now)
        assert not attempt.ok and not attempt.refused
        waits.append(attempt.wait_seconds)
        # during the wait: refused unchecked, with the time left
        early = ws.settings.try_manager_pin("482913", now=now + 1)
        assert not early.ok and early.refused and early.wait_seconds == attempt.wait_seconds - 1
        now += attempt.wait_seconds
    assert waits == [PIN_FIRST_WAIT, 2 * PIN_FIRST_WAIT, 4 * PIN_FIRST_WAIT, 8 * PIN_FIRST_WAIT]
    # a restart does not reset the count
    again = Workspace.open(ws.paths.root, checklists_path=CHECKLISTS)
    try:
        attempt = again.settings.try_manager_pin("000000", now=now)
        assert attempt.wait_seconds == 16 * PIN_FIRST_WAIT
    finally:
        again.close()
    now += attempt.wait_seconds
    for _ in range(10):  # capped
        attempt = ws.settings.try_manager_pin("000000", now=now)
        now += attempt.wait_seconds
    assert attempt.wait_seconds == PIN_MAX_WAIT
    assert ws.settings.try_manager_pin("482913", now=now).ok
    assert ws.settings.try_manager_pin("000000", now=now).wait_seconds == 0  # count cleared
