"""Settings: language, role and staff ID, photo size, outlet import (CSV), storage used,
central endpoint, kiosk off (behind the PIN)."""

from __future__ import annotations

from .flows import AGENT, db_rows, seed_device
from .harness import PickedFile


def _settings(start_app, L):
    app = start_app()
    app.click(L("views.settings.title"))
    app.wait_until(lambda: app.view_route == "/settings")
    return app


def _setting(data_dir, key: str):
    rows = db_rows(data_dir, "select value from setting where key=?", key)
    return rows[0][0] if rows else None


def test_language_switch_redraws_and_persists(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _settings(start_app, L)
    app.click("English")
    app.wait_for_text(L("views.settings.title", "en"))
    assert _setting(data_dir, "language") == "en"
    app.click(L("views.back", "en"))
    app.wait_until(lambda: app.view_route == "/")
    assert app.sees(L("views.home.start", "en"))
    app = start_app()  # and after a restart
    assert app.sees(L("views.home.start", "en"))


def test_role_and_staff_id_are_saved(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _settings(start_app, L)
    app.select(L("views.setup.role"), L("role.mystery_shopper"))
    app.fill(L("views.setup.inspector_id"), "")
    app.click(app.find(L("views.settings.save"), within="settings-who"))
    assert app.wait_for_snack(L("views.setup.inspector_missing"))
    assert _setting(data_dir, "role") == "area_manager"

    app.fill(L("views.setup.inspector_id"), "S-077")
    app.click(app.find(L("views.settings.save"), within="settings-who"))
    assert app.wait_for_snack(L("views.settings.saved"))
    assert (_setting(data_dir, "role"), _setting(data_dir, "inspector_id")) == (
        "mystery_shopper", "S-077")
    app.click(L("views.back"))
    app.wait_until(lambda: app.view_route == "/")
    assert app.sees(L("views.discreet.title"))  # a shopper's home is discreet now


def test_photo_size_is_stored(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _settings(start_app, L)
    app.select(L("views.settings.photo_size"), L("views.settings.photo_px", n=1024))
    assert app.wait_for_snack(L("views.settings.saved"))
    assert _setting(data_dir, "photo_max_edge") == "1024"


CSV_OK = (
    "code,name,tier,business_unit,region,address,competitor\n"
    "HZ-0001,杭州延安路旗舰厅,flagship,杭州分公司,上城区,延安路 1 号,否\n"
    "HZ-0002,友商湖滨营业厅,flagship,杭州分公司,上城区,湖滨路 8 号,是\n"
).encode("utf-8-sig")


def test_outlets_are_imported_from_a_csv(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001", demo=False)
    app = _settings(start_app, L)
    assert app.sees(L("views.settings.outlet_count", n=0))
    app.client.pick(PickedFile("outlets.csv", CSV_OK))
    app.click(L("views.settings.import"))
    app.wait_for_text(L("views.settings.import_ok", created=2, updated=0, unchanged=0))
    assert db_rows(data_dir, "select code, name, competitor from outlet order by code") == [
        ("HZ-0001", "杭州延安路旗舰厅", 0), ("HZ-0002", "友商湖滨营业厅", 1)]
    # the picker was asked for CSV files only
    assert ("FilePicker", "pick_files(action)", None) in app.client.calls


def test_a_bad_csv_is_refused_whole_with_its_problems_listed(start_app, L, ws,
                                                            data_dir) -> None:
    seed_device(ws, "area_manager", "M-001", demo=False)
    app = _settings(start_app, L)
    bad = ("code,name,tier\n"
           "HZ-0003,正常的店,flagship\n"
           "HZ 0004,编码有空格,flagship\n"
           "HZ-0005,等级写错,superstore\n").encode()
    app.client.pick(PickedFile("outlets.csv", bad))
    app.click(L("views.settings.import"))
    app.wait_for_text(L("views.settings.import_failed", n=2))
    assert db_rows(data_dir, "select count(*) from outlet") == [(0,)]


def test_storage_used_and_data_location_are_shown(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _settings(start_app, L)
    assert app.sees(L("views.settings.data_dir", path=str(data_dir)))
    assert app.sees(L("views.settings.device", id=ws.settings.device_id))
    assert app.find_all(within="settings-data", type="Text")


def test_a_central_address_is_saved_without_enrolling(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    app = _settings(start_app, L)
    app.fill(L("views.setup.endpoint"), "https://hallcheck.example.cn/")
    app.click(L("views.settings.enrol"))
    assert app.wait_for_snack(L("views.settings.saved"))
    assert _setting(data_dir, "endpoint") == "https://hallcheck.example.cn"
    assert app.sees(L("views.settings.not_enrolled"))


def test_kiosk_can_be_turned_off_behind_the_pin(start_app, L, ws, data_dir) -> None:
    seed_device(ws, "area_manager", "M-001")
    ws.settings.set_manager_pin("2468")
    ws.settings.set_kiosk_outlet(AGENT)
    ws.settings.set_role("outlet_agent")
    app = start_app()
    assert app.view_route == "/kiosk"
    app.click(L("views.kiosk.manage"))
    app.fill(L("views.kiosk.pin"), "2468")
    app.click(L("views.kiosk.unlock"))
    app.wait_until(lambda: app.view_route == "/settings")
    # on a kiosk the way out of settings leads back to the kiosk, not home
    assert app.find(L("views.settings.back_to_kiosk"))
    assert not app.find_all(L("views.back"))
    app.click(app.find(L("views.settings.kiosk_off"), type="OutlinedButton"))
    app.click(app.find(L("views.settings.kiosk_off"), in_dialog=True, type="FilledButton"))
    app.wait_until(lambda: app.view_route == "/")
    assert app.wait_for_snack(L("views.settings.kiosk_disabled"))
    assert _setting(data_dir, "kiosk_outlet") is None


def test_enrolling_at_an_address_nobody_answers_says_what_to_do(start_app, L, ws) -> None:
    """Issue 12: "无法连接 http://127.0.0.1:9：无法连接中心端点（ConnectError）。" - an
    exception's name, and no next step."""
    import socket

    seed_device(ws, "area_manager", "M-001")
    with socket.socket() as s:  # a port on this machine nothing listens on
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"
    app = _settings(start_app, L)
    app.fill(L("views.setup.endpoint"), url)
    app.fill(L("views.setup.enrol_code"), "ABCD-EFGH")
    app.click(L("views.settings.enrol"))
    text = app.wait_for_snack(L("views.sync.enrol_unreachable", endpoint=url), timeout=20)
    assert "Error" not in text and "Exception" not in text
    assert not ws.settings.device_token
