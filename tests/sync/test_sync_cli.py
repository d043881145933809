"""The commands: `hallcheck admin ...` on a server's data, `hallcheck enrol` and `sync`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import main
from app.i18n import set_language

from .helpers import ServerProcess, add_outlets, finished_inspection, jpeg, open_device


@pytest.fixture(autouse=True)
def _reset_language():  # type: ignore[no-untyped-def]
    yield
    set_language("zh")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_admin_commands_manage_the_server(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = ["--data-dir", str(tmp_path / "server")]
    assert run(capsys, "--lang", "en", "admin", "inspectors", "add", "ms-001", "张三",
               *data)[0] == 0
    code, out, _ = run(capsys, "--lang", "zh", "admin", "inspectors", "list", *data)
    assert code == 0 and "张三" in out and "暗访员" in out
    code, out, _ = run(capsys, "--lang", "en", "admin", "enrol-code", "create",
                       "--inspector", "ms-001", *data)
    assert code == 0
    enrol_code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", out).group(0)  # type: ignore[union-attr]
    code, out, _ = run(capsys, "--lang", "en", "admin", "enrol-code", "list", *data)
    assert enrol_code not in out and enrol_code[:4] in out and "open" in out
    assert run(capsys, "admin", "enrol-code", "revoke", "1", *data)[0] == 0
    code, out, _ = run(capsys, "--lang", "en", "admin", "enrol-code", "list", *data)
    assert "revoked" in out
    code, _, err = run(capsys, "--lang", "zh", "admin", "enrol-code", "create",
                       "--inspector", "nobody", *data)
    assert code == 2 and "nobody" in err and "检查员" in err
    csv = tmp_path / "outlets.csv"
    csv.write_text("code,name,tier\nHALL-001,一号厅,flagship\n", encoding="utf-8")
    code, out, _ = run(capsys, "--lang", "en", "admin", "outlets", "import", str(csv), *data)
    assert code == 0 and "1 new" in out
    code, out, _ = run(capsys, "--lang", "en", "admin", "assignments", "add", "--inspector",
                       "ms-001", "--outlet", "HALL-001", "--due-by", "2025-04-01", *data)
    assert code == 0 and "added" in out
    code, _, err = run(capsys, "--lang", "en", "admin", "assignments", "add", "--inspector",
                       "ms-001", "--outlet", "HALL-001", "--due-by", "April", *data)
    assert code == 2 and "YYYY-MM-DD" in err


def test_enrol_then_sync_from_the_command_line(sqlite_server: ServerProcess, tmp_path: Path,
                                               capsys) -> None:  # type: ignore[no-untyped-def]
    device = tmp_path / "device"
    code = sqlite_server.enrol_code("ms-cli")
    rc, out, _ = run(capsys, "--lang", "en", "enrol", "--endpoint", sqlite_server.url,
                     "--code", code, "--data-dir", str(device))
    assert rc == 0 and "Enrolled" in out and "ms-cli" in out
    ws = open_device(device)
    add_outlets(ws, "HALL-001")
    finished_inspection(ws, "HALL-001", [jpeg(70)])
    ws.close()
    rc, out, err = run(capsys, "--lang", "en", "sync", "--data-dir", str(device), "-q")
    assert rc == 0, err
    assert "Sent 1, already there 0; photos sent 1" in out and "still waiting 0" in out
    rc, out, _ = run(capsys, "--lang", "en", "sync", "--data-dir", str(device), "-q")
    assert rc == 0 and "Sent 0" in out
    # the same code twice: refused, with what to do
    rc, _, err = run(capsys, "--lang", "en", "enrol", "--endpoint", sqlite_server.url,
                     "--code", code, "--data-dir", str(tmp_path / "other"))
    assert rc == 2 and "enrolment code" in err


def test_sync_explains_missing_enrolment_and_unreachable_endpoint(tmp_path: Path,
                                                                  capsys) -> None:  # type: ignore[no-untyped-def]
    device = tmp_path / "device"
    rc, _, err = run(capsys, "--lang", "zh", "sync", "--data-dir", str(device), "-q")
    assert rc == 2 and "hallcheck enrol" in err
    rc, _, err = run(capsys, "--lang", "en", "enrol", "--endpoint", "http://127.0.0.1:9",
                     "--code", "AAAA-BBBB-CCCC", "--data-dir", str(device))
    assert rc == 2 and "Cannot reach http://127.0.0.1:9" in err
    assert "Traceback" not in err
