"""`hallcheck admin managers ...` as a person runs it: the password from stdin is never
echoed or stored in clear; list, disable; refusals are sentences with exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlmodel import select

from app.central import accounts
from app.central.context import ServerContext
from app.central.models import Manager
from app.central.settings import ServerSettings

REPO = Path(__file__).resolve().parents[2]


def run(data: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "--lang", "en", "admin", "managers",
                           *args, "--data-dir", str(data)], input=stdin, text=True,
                          capture_output=True, cwd=REPO, timeout=120, check=False)


def test_managers_add_list_disable_from_the_command_line(tmp_path: Path) -> None:
    secret = "Zhang-San pass 2025"
    added = run(tmp_path, "add", "zhang.san", "--name", "张三", "--role", "manager",
                "--unit", "东区营业部", "--password-stdin", stdin=secret + "\n")
    assert added.returncode == 0, added.stderr
    assert "zhang.san" in added.stdout
    assert secret not in added.stdout + added.stderr
    listed = run(tmp_path, "list")
    assert "张三" in listed.stdout and "东区营业部" in listed.stdout
    short = run(tmp_path, "add", "li.si", "--name", "李四", "--password-stdin", stdin="abc\n")
    assert short.returncode == 2 and "at least 8" in short.stderr
    assert "Traceback" not in short.stderr
    unknown = run(tmp_path, "disable", "nobody")
    assert unknown.returncode == 2 and "no account" in unknown.stderr
    assert run(tmp_path, "disable", "zhang.san").returncode == 0
    ctx = ServerContext(ServerSettings(data_dir=tmp_path))
    try:
        with ctx.session() as s:
            rows = s.exec(select(Manager)).all()
        assert [(m.username, m.active, m.business_unit) for m in rows] == \
            [("zhang.san", False, "东区营业部")]
        assert rows[0].password_hash.startswith("$argon2id$")
        assert secret not in rows[0].password_hash
        assert [m.username for m in accounts.list_managers(ctx)] == ["zhang.san"]
    finally:
        ctx.close()
