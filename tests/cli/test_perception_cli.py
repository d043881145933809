"""`hallcheck perception import-transactions | send-list | import-replies | report` on a
real server data dir (SQLite file): every rule's edges through the command line, the
customers' numbers nowhere in the database, the logs or the key's absence, exit code 2
with a message for bad input and nothing stored."""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.central.context import ServerContext
from app.central.models import Outlet
from app.central.settings import ServerSettings
from app.cli import main
from app.i18n import set_language

REPO = Path(__file__).resolve().parents[2]
KEY = "fedcba9876543210" * 4


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HALLCHECK_PERCEPTION_KEY", KEY)
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "server"
    ctx = ServerContext(ServerSettings(data_dir=d))
    with ctx.session() as s:
        for code, tier in (("HZ-0001", "flagship"), ("HZ-0002", "level2")):
            s.add(Outlet(code=code, name=f"人民路{code[-1]}号厅", tier=tier,
                         business_unit="东区"))
        s.commit()
    ctx.close()
    return d


def number(i: int) -> str:
    return f"138{i:08d}"


def cli(data_dir: Path, *args: str) -> int:
    return main(["perception", *args, "--data-dir", str(data_dir)])


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def db_text(data_dir: Path) -> str:
    """Every value in every table of the server's database, as text."""
    con = sqlite3.connect(data_dir / "server.db")
    out = []
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
        for row in con.execute(f'SELECT * FROM "{table}"'):
            out.append(" ".join(map(str, row)))
    con.close()
    return "\n".join(out)


EXPORT = ["办理时间,营业厅编码,工号,客户号码,业务类型",
          # window edges: 12:29:59 is texted at once, 12:30:00 waits for 15:00
          f"2025-06-03 12:29:59,HZ-0001,S01,{number(1)},积分兑换",
          f"2025-06-03 12:30:00,HZ-0001,S01,{number(2)},开户",
          # 21:00:00 is outside: texted at 09:00 next day
          f"2025-06-03 21:00:00,HZ-0002,S02,{number(3)},资料变更",
          # not a qualifying type
          f"2025-06-03 10:00:00,HZ-0001,S01,{number(4)},充值缴费",
          # the same customer twice: only the first
          f"2025-06-03 10:00:00,HZ-0002,S02,{number(5)},业务办理",
          f"2025-06-03 11:00:00,HZ-0002,S02,+86 {number(5)},业务办理",
          # more than 24 hours before the batch
          f"2025-06-02 08:00:00,HZ-0001,S01,{number(6)},业务办理"]


def sends_of(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_the_whole_round(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    export = write(tmp_path / "tx.csv", EXPORT)
    assert cli(data_dir, "import-transactions", str(export)) == 0
    out = capsys.readouterr().out
    assert "已导入 7 笔业务记录" in out and "充值缴费" in out  # the unrated type is named
    assert cli(data_dir, "import-transactions", str(export)) == 2  # the same file twice
    assert "已经导入过" in capsys.readouterr().err

    gateway = tmp_path / "gateway.csv"
    assert cli(data_dir, "send-list", str(export), "--at", "2025-06-03 12:00:00",
               "--batch", "B20250603-1", "-o", str(gateway)) == 0
    out = capsys.readouterr().out
    assert "4 条短信" in out
    rows = sends_of(gateway)
    by_number = {r["mobile"]: r for r in rows}
    assert set(by_number) == {number(1), number(2), number(3), number(5)}
    assert by_number[number(1)]["send_at"] == "2025-06-03 12:29:59"
    assert by_number[number(2)]["send_at"] == "2025-06-03 15:00:00"
    assert by_number[number(3)]["send_at"] == "2025-06-04 09:00:00"
    assert by_number[number(5)]["send_at"] == "2025-06-03 12:00:00"
    assert "工号S01" in by_number[number(1)]["text"]
    assert (gateway.stat().st_mode & 0o777) == 0o600

    # two months = 62 days, across month boundaries: number 1 (texted 06-03 12:29:59) one
    # second short of it is not texted; number 2 (texted 06-03 15:00:00) exactly 62 days
    # later is
    later = write(tmp_path / "tx2.csv", [
        EXPORT[0],
        f"2025-08-04 12:29:58,HZ-0001,S01,{number(1)},积分兑换",
        f"2025-08-04 15:00:00,HZ-0001,S01,{number(2)},积分兑换"])
    assert cli(data_dir, "import-transactions", str(later)) == 0
    assert cli(data_dir, "send-list", str(later), "--at", "2025-07-31 09:00",
               "-o", str(tmp_path / "g2.csv")) == 0
    out = capsys.readouterr().out
    assert "发送 1；" in out and "两个月内已发送 1" in out
    assert [r["mobile"] for r in sends_of(tmp_path / "g2.csv")] == [number(2)]

    replies = write(tmp_path / "replies.csv", [
        "发送编号,手机号码,回复时间,回复内容",
        f"{by_number[number(1)]['send_id']},,2025-06-03 12:40:00,1",
        f"{by_number[number(1)]['send_id']},,2025-06-03 12:41:00,3",  # duplicate
        f",{number(2)},2025-06-03 16:00:00,很满意",  # by number
        ",13912345678,2025-06-03 16:00:00,2",  # no send to that number
        "B20250603-999999,,2025-06-03 16:00:00,2",  # unknown send id
        f"{by_number[number(3)]['send_id']},,2025-06-03 16:00:00,2",  # before its send
        f"{by_number[number(5)]['send_id']},,2025-06-03 16:00:00,退订"])  # not a rating
    assert cli(data_dir, "import-replies", str(replies)) == 0
    out = capsys.readouterr().out
    assert ("计入 2；重复回复 1；无法识别 1；未知发送编号 1；早于发送 1；找不到对应短信 1"
            in out)
    assert cli(data_dir, "import-replies", str(replies)) == 2  # the same file twice
    capsys.readouterr()

    assert cli(data_dir, "report", "2025-06") == 0
    out = capsys.readouterr().out
    assert "HZ-0001" in out and "2 条回复 / 2 条短信" in out
    assert "样本不足" in out
    set_language("en")
    assert cli(data_dir, "report", "2025-06", "--tier", "flagship") == 0
    out = capsys.readouterr().out
    assert "satisfaction 100.0 (2 replies of 2 texts)" in out
    assert "Rank correlation" not in out  # 1 outlet of the tier: no correlation is given
    assert "No competitor results in this period." in out

    everything = db_text(data_dir) + caplog.text + out
    for i in range(1, 7):
        assert number(i) not in everything
    assert "13912345678" not in everything
    assert KEY not in everything


def test_a_bad_export_is_refused_line_by_line_and_nothing_kept(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "bad.csv", [
        EXPORT[0], EXPORT[1],
        f"2025-06-31 10:00:00,HZ-0001,S01,{number(7)},开户",
        f"2025-06-03 10:00:00,HZ-9999,S01,{number(8)},开户",
        "2025-06-03 10:00:00,HZ-0001,S01,12345,开户"])
    assert cli(data_dir, "import-transactions", str(bad)) == 2
    err = capsys.readouterr().err
    assert "第 3 行" in err and "第 4 行" in err and "第 5 行" in err and "HZ-9999" in err
    assert "12345" not in err and number(7) not in err
    assert "Traceback" not in err
    assert cli(data_dir, "send-list", str(bad), "-o", str(tmp_path / "g.csv")) == 2
    assert not (tmp_path / "g.csv").exists()
    con = sqlite3.connect(data_dir / "server.db")
    assert con.execute("SELECT count(*) FROM perception_transactions").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM perception_sends").fetchone() == (0,)
    con.close()


def test_a_file_with_many_problems_counts_them_all(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = write(tmp_path / "many.csv", [EXPORT[0]] + [
        "2025-06-03 10:00:00,HZ-0001,S01,12345,开户" for _ in range(250)])
    assert cli(data_dir, "import-transactions", str(bad)) == 2
    err = capsys.readouterr().err
    assert "文件中有 250 处问题" in err and "第 251 行" not in err  # listed: the first ones


def test_bad_month_and_tier(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(data_dir, "report", "2025-13") == 2
    assert "YYYY-MM" in capsys.readouterr().err
    assert cli(data_dir, "report", "2025-06", "--tier", "palace") == 2
    assert "palace" in capsys.readouterr().err


def test_a_changed_key_is_refused(data_dir: Path, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    export = write(tmp_path / "tx.csv", EXPORT[:2])
    assert cli(data_dir, "send-list", str(export), "--at", "2025-06-03 12:00",
               "-o", str(tmp_path / "g.csv")) == 0
    monkeypatch.setenv("HALLCHECK_PERCEPTION_KEY", "another key of enough bytes")
    assert cli(data_dir, "send-list", str(export), "--at", "2025-06-03 12:00",
               "-o", str(tmp_path / "g2.csv")) == 2
    assert "另一把密钥" in capsys.readouterr().err
    assert not (tmp_path / "g2.csv").exists()


def test_the_real_command_line(data_dir: Path, tmp_path: Path) -> None:
    export = write(tmp_path / "tx.csv", EXPORT)
    run = subprocess.run([sys.executable, "-m", "app", "--lang", "en", "perception",
                          "import-transactions", str(export), "--data-dir", str(data_dir)],
                         cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
                         env={"PATH": "/usr/bin:/bin", "HALLCHECK_PERCEPTION_KEY": KEY,
                              "HOME": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert "Imported 7 transactions" in run.stdout
