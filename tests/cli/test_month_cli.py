"""`hallcheck month close | show | export | list` and `hallcheck admin bases`, on a server
data dir with real results: exit 0 with the figures, exit 2 with a clear message for a bad
month, a month closed twice, one not closed, a bad format or a bad bases file.

Two cases run the real console entry in a subprocess (`python -m app ...`); the rest call
app.cli.main() in-process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from central.month.support import CHECKLISTS, Office, month_start_utc

from app.central.context import ServerContext
from app.central.settings import ServerSettings
from app.cli import main
from app.i18n import set_language

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A server data dir with July 2025's approved results."""
    d = tmp_path / "server"
    ctx = ServerContext(ServerSettings(data_dir=d, checklists_path=CHECKLISTS))
    try:
        office = Office(ctx, tmp_path)
        office.import_master_data()
        at = month_start_utc(2025, 7)
        office.visit_scoring("A1", "agent", at, low=95, high=101)
        office.visit("A2", "agent", at, fail_rate=0.1, seed=777)
        office.visit("A3", "agent", at, fail_rate=0.1, seed=777)  # A2's answers: a tie
        office.visit_scoring("H1", "flagship", at, low=0, high=60)
    finally:
        ctx.close()
    return d


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a bare environment (no HALLCHECK_LANG: Chinese by default), its
    caches in the test's own folders, never in the checkout."""
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ["HALLCHECK_DATA_DIR"],
           "HALLCHECK_CACHE_DIR": os.environ["HALLCHECK_CACHE_DIR"]}
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                          text=True, cwd=REPO, timeout=120, env=env)


def test_close_then_close_again_in_a_real_process(data_dir: Path) -> None:
    first = run("month", "close", "2025-07", "--by", "rev.li", "--data-dir", str(data_dir))
    assert first.returncode == 0, first.stderr
    assert "2025-07 已月结" in first.stdout and "5 个网点" in first.stdout
    again = run("--lang", "en", "month", "close", "2025-07", "--data-dir", str(data_dir))
    assert again.returncode == 2
    assert "2025-07 is already closed" in again.stderr and "Traceback" not in again.stderr


def test_show_export_and_list(data_dir: Path, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    d = str(data_dir)
    assert main(["month", "close", "2025-07", "--by", "rev.li", "--data-dir", d]) == 0
    capsys.readouterr()
    assert main(["month", "show", "2025-07", "--data-dir", d]) == 0
    out = capsys.readouterr().out
    assert "东区营业部 · 代办渠道（3 个排名）" in out
    assert "东区营业部 · 自营厅（1 个排名）" in out
    assert "并列 2" in out  # A2 and A3 answered alike: tied, said so
    lines = out.splitlines()
    assert lines.index(next(x for x in lines if "A1 " in x)) < lines.index(
        next(x for x in lines if "A2 " in x))
    assert "未排名的网点（1 个）" in out and "C1" in out
    assert main(["--lang", "en", "month", "show", "2025-07", "--data-dir", d]) == 0
    assert "(3 ranked)" in capsys.readouterr().out
    set_language("zh")  # --lang holds for the rest of the process

    assert main(["month", "export", "2025-07", "--format", "json", "--data-dir", d]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["month"] == "2025-07" and len(doc["outlets"]) == 5
    xlsx = tmp_path / "july.xlsx"
    assert main(["month", "export", "2025-07", "--format", "xlsx", "-o", str(xlsx),
                 "--data-dir", d]) == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    assert sheet["A1"].value == "网点编码" and sheet.max_row == 6
    csv_file = tmp_path / "july.csv"
    assert main(["month", "export", "2025-07", "-f", "csv", "-o", str(csv_file),
                 "--data-dir", d]) == 0
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")
    capsys.readouterr()
    for fmt in ("xlsx", "csv"):  # a folder that does not exist: a sentence, exit 2
        assert main(["month", "export", "2025-07", "-f", fmt, "-o",
                     str(tmp_path / "nowhere" / f"m.{fmt}"), "--data-dir", d]) == 2
        err = capsys.readouterr().err
        assert "无法写入" in err and "Traceback" not in err
    assert main(["month", "list", "--data-dir", d]) == 0
    assert "2025-07  已月结" in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    (["month", "close", "2025-13"], "「2025-13」不是月份"),
    (["month", "show", "July"], "不是月份"),
    (["month", "show", "2025-07"], "2025-07 尚未月结"),
    (["month", "export", "2025-07", "--format", "xlsx"], "2025-07 尚未月结"),
    (["month", "export", "2025-07", "--format", "pdf"], "不支持的格式「pdf」"),
    (["month", "close", "2099-01"], "还没有结束"),
])
def test_bad_requests_exit_2_with_a_message(data_dir: Path, argv: list[str], says: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--data-dir", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


def test_admin_bases_import_and_list(data_dir: Path, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    d = str(data_dir)
    bad = tmp_path / "bad.csv"
    bad.write_text("class,region,period,amount\nA,西湖,2025-Q4,1000\nA,西湖,2025-Q4,abc\n",
                   encoding="utf-8")
    assert main(["admin", "bases", "import", str(bad), "--data-dir", d]) == 2
    assert f"{bad} 第 3 行" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("class,region,period,amount\nA,西湖,2025-Q4,1000\n", encoding="utf-8")
    assert main(["admin", "bases", "import", str(good), "--data-dir", d]) == 0
    assert "新增 1" in capsys.readouterr().out
    assert main(["--lang", "en", "admin", "bases", "list", "--data-dir", d]) == 0
    out = capsys.readouterr().out
    assert "2025-Q4  class A  西湖  1000.00" in out and "2025-Q3  class A  西湖  1200.50" in out
