"""`hallcheck plan ...` and `hallcheck admin shoppers import` on a real SQLite server data
dir: app.cli.main() in-process (output read with capsys), and one run of the real console
entry in a subprocess. Bad input: a clear message and exit code 2, nothing stored."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from app.cli import main
from app.i18n import set_language

REPO = Path(__file__).resolve().parents[2]
OUTLETS = """code,name,tier,region,opening_hours,city_class,important,area_manager
H1,城东旗舰厅,flagship,东区,09:00-21:00,central,是,am1
H2,城西二级厅,level2,东区,mon-fri 09:00-18:00; sat 10:00-16:00,county,,am1
A1,幸福路代理店,agent,东区,,town,,am1
"""
SHOPPERS = "id,home_region,weekdays,max_per_day,excluded\nms1,东区,mon-fri,2,\nms2,东区,1-7,1,H2\n"


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "server"
    monkeypatch.setenv("HALLCHECK_SERVER_DATA_DIR", str(d))
    monkeypatch.delenv("HALLCHECK_DATABASE_URL", raising=False)
    (tmp_path / "outlets.csv").write_text(OUTLETS, encoding="utf-8")
    (tmp_path / "shoppers.csv").write_text(SHOPPERS, encoding="utf-8")
    assert main(["admin", "outlets", "import", str(tmp_path / "outlets.csv")]) == 0
    for sid, name in (("ms1", "张三"), ("ms2", "李四")):
        assert main(["admin", "inspectors", "add", sid, name]) == 0
    assert main(["admin", "inspectors", "add", "am1", "王经理", "--role", "area_manager"]) == 0
    return d


def _plans(d: Path) -> list[tuple[int, str, str]]:
    from app.central.context import ServerContext
    from app.central.models import VisitPlan
    from app.central.settings import ServerSettings

    ctx = ServerContext(ServerSettings(data_dir=d, checklists_path=REPO / "checklists.yaml"))
    try:
        with ctx.session() as s:
            return [(r.id, r.state, r.month) for r in s.exec(select(VisitPlan)).all()]  # type: ignore[misc]
    finally:
        ctx.close()


def test_shopper_import_is_all_or_nothing_with_lines(
        data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,home_region,weekdays,max_per_day,excluded\nms1,东区,mon-fri,2,\n"
                   "nobody,东区,,,\nms2,,someday,0,NOPE\nam1,东区,,,\n", encoding="utf-8")
    assert main(["admin", "shoppers", "import", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv 第 3 行" in err and "nobody" in err
    assert "第 4 行" in err and "someday" in err and "NOPE" in err
    assert "第 5 行" in err and "area_manager" in err
    assert "ms1" not in err.split("\n")[1]  # line 2 is fine: not listed
    # nothing stored: a covert plan has no shopper
    assert main(["plan", "covert", "2025-06", "--seed", "1"]) == 0
    assert "没有暗访员" in capsys.readouterr().out
    assert main(["--lang", "en", "admin", "shoppers", "import", str(tmp_path / "shoppers.csv")]
                ) == 0
    assert "2 added" in capsys.readouterr().out


def test_plan_covert_move_publish_status(data_dir: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["admin", "shoppers", "import", str(tmp_path / "shoppers.csv")]) == 0
    capsys.readouterr()
    assert main(["plan", "covert", "2025-06", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    assert "随机种子 7" in out and "2025-06/H1/1" in out and "所有应走访的都已安排" in out
    assert main(["plan", "covert", "2025-06", "--seed", "7"]) == 0
    again = capsys.readouterr().out
    assert again.split("\n", 1)[1] == out.split("\n", 1)[1]  # same seed, same plan
    plan_id = max(p[0] for p in _plans(data_dir))
    # a move outside the opening hours: refused with the reason, exit 2
    assert main(["plan", "move", str(plan_id), "2025-06/H1/1", "--window",
                 "06:00-08:00"]) == 2
    assert "营业时间" in capsys.readouterr().err
    assert main(["--lang", "en", "plan", "move", str(plan_id), "2025-06/H1/1",
                 "--day", "2025-13-01"]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["--lang", "zh", "plan", "move", str(plan_id), "2025-06/H1/1"]) == 2  # nothing
    capsys.readouterr()
    assert main(["plan", "publish", str(plan_id), "--yes"]) == 0
    assert "已发布" in capsys.readouterr().out
    assert main(["plan", "covert", "2025-06"]) == 2
    assert "已发布" in capsys.readouterr().err
    assert main(["plan", "status", "2025-06"]) == 0
    status = capsys.readouterr().out
    assert "未完成" in status and "am1" in status  # June 2025 is past: nothing arrived
    assert main(["--lang", "en", "plan", "show", "2025-06"]) == 0
    assert "published" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["plan", "covert", "2025-13"], "YYYY-MM"),
    (["plan", "status", "2025-06"], "还没有任何走访计划"),
    (["plan", "publish", "99", "--yes"], "没有第 99 号计划"),
    (["plan", "coaching", "2025-06"], "hallcheck month close"),
    (["plan", "show", "2025-06", "--kind", "nope"], "covert"),
])
def test_bad_input_exits_2_with_a_message(data_dir: Path, args: list[str], words: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_the_real_command_refuses_a_bad_month(data_dir: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "app", "--lang", "en", "plan", "covert",
                          "June"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert run.returncode == 2 and "'June' is not a month" in run.stderr
