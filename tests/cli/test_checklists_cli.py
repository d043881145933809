"""`hallcheck checklists validate | show | score`, on the fixture rulebooks.

A few cases run the real console entry in a subprocess (`python -m app ...`); the rest call
app.cli.main() in-process and read the output with capsys.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.checklists import Catalog, default_checklists_path
from app.checklists.scoring import score
from app.cli import main
from app.i18n import set_language

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "checklists" / "fixtures"
HALL = FIXTURES / "hall.yaml"
MINIMAL = FIXTURES / "minimal.yaml"
BROKEN = FIXTURES / "broken.yaml"

SCORE = ["checklists", "score", "--kind", "mystery_shop", "--tier", "flagship", "--file"]
SHOW = ["checklists", "show", "--kind", "mystery_shop", "--tier", "flagship", "--file"]


@pytest.fixture(autouse=True)
def _chinese_by_default() -> Iterator[None]:
    """--lang sets the language for the rest of the process: put it back after each test."""
    set_language("zh")
    yield
    set_language("zh")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=REPO, input=stdin,
                          capture_output=True, text=True, timeout=120, check=False)


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and 'File "' not in text


def write_json(tmp_path: Path, data: object, name: str = "answers.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


# --- subprocess: the real entry point ------------------------------------------------------


def test_subprocess_validate_a_good_file() -> None:
    proc = run("checklists", "validate", str(HALL))
    assert proc.returncode == 0, proc.stderr
    assert "校验通过，共 3 张检查表、15 个检查项" in proc.stdout
    assert "hall_ms v3" in proc.stdout and "agent_ms v1" in proc.stdout
    no_traceback(proc.stdout, proc.stderr)


def test_subprocess_validate_a_broken_file_lists_every_problem() -> None:
    proc = run("--lang", "en", "checklists", "validate", str(BROKEN))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines[0] == f"{BROKEN}: 4 problem(s) found"
    assert [line.split(": ", 1)[0].strip() for line in lines[1:]] == [
        f"{BROKEN}:13:9", f"{BROKEN}:16:13", f"{BROKEN}:18:13", f"{BROKEN}:22:13"]
    assert "did you mean 'weight'?" in lines[1] and "did you mean 'yes_no'?" in lines[2]
    no_traceback(proc.stdout, proc.stderr)


def test_subprocess_score_prints_json() -> None:
    answers = json.dumps({"uniform": True, "greet_seconds": 20, "solved": "fully"})
    proc = run(*SCORE, str(MINIMAL), "-", stdin=answers)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["total"] == 85 and out["complete"] is True
    assert out["breakdown"][0] == "总分 85"


def test_subprocess_unknown_tier_is_exit_2_with_the_valid_tiers() -> None:
    proc = run("checklists", "show", "--kind", "mystery_shop", "--tier", "flagshp",
               "--file", str(HALL))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "没有“flagshp”这个层级。可用的层级：flagship, level2, agent"
    no_traceback(proc.stdout, proc.stderr)


# --- validate ------------------------------------------------------------------------------


def test_validate_summary_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "validate", str(HALL), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{HALL}: valid, 3 checklist(s) with 15 item(s)"
    rows = [line.split("│") for line in out.splitlines() if "│" in line]
    table = [[cell.strip() for cell in row] for row in rows]
    assert table == [
        ["Mystery shop", "Flagship hall (flagship)", "hall_ms v3", "3", "10", "0 / 1"],
        ["Mystery shop", "Level-2 hall (level2)", "hall_ms v3", "2", "9", "0 / 1"],
        ["Mystery shop", "Agent store (agent)", "agent_ms v1", "2", "4", "2 / 0"],
        ["Open inspection", "Flagship hall (flagship)", "open_all v1", "1", "1", "0 / 0"],
        ["Open inspection", "Level-2 hall (level2)", "open_all v1", "1", "1", "0 / 0"],
        ["Open inspection", "Agent store (agent)", "open_all v1", "1", "1", "0 / 0"],
    ]
    for header in ("Kind", "Tier", "Checklist", "Sections", "Items", "Vetoes (section/visit)"):
        assert header in out


def test_validate_broken_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "validate", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"{BROKEN}：发现 4 个问题"
    # the author's messages in the run's language (zh by default; issue 12)
    assert (f"  {BROKEN}:18:13: checklists[0].sections[0].items[0].weight: 应大于 0，"
            "实际为 -1") in out.splitlines()
    assert "键「label」在这个映射中出现了两次（第一次在第 21 行）" in out
    no_traceback(out)
    assert main(["--lang", "en", "checklists", "validate", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert (f"  {BROKEN}:18:13: checklists[0].sections[0].items[0].weight: input should be "
            "greater than 0, got -1") in out.splitlines()
    assert "key 'label' is given twice in this mapping (first on line 21)" in out


def test_validate_a_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["checklists", "validate", str(tmp_path / "nope.yaml")]) == 1
    out = capsys.readouterr().out
    assert "nope.yaml: （顶层）: 找不到文件" in out
    no_traceback(out)


def test_validate_a_file_with_a_yaml_error(capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\ntiers: {a: [\n", encoding="utf-8")
    assert main(["checklists", "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:3:1: （顶层）: 不是有效的 YAML" in out
    no_traceback(out)


def test_validate_the_shipped_file_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "validate"]) == 0
    assert str(default_checklists_path()) in capsys.readouterr().out


# --- show ----------------------------------------------------------------------------------


def test_show_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SHOW, str(HALL), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    hash_ = Catalog.from_file(HALL).resolve("mystery_shop", "flagship").content_hash
    assert lines[:3] == [
        "Hall mystery shop (Mystery shop) · tier: Flagship hall (flagship)",
        "Phase: Established (established)",
        f"id hall_ms · version 3 · content hash {hash_}",
    ]
    text = "\n".join(lines)
    for expected in [
        "1. Service awareness (awareness) — weight 40, 33.3% of the total",
        "   1.1 Greeted proactively (greeted) — yes/no · weight 2",
        "   1.2 Attitude (attitude) — scale 1–5 · weight 1",
        "       below 3 counts as failed",
        "       Help: 1 is worst and 5 best",
        "   1.3 Offered self-service (eservice) — yes/no, N/A allowed · weight 2",
        "       Scoring: ≤ 5 min → 100%, ≤ 15 min → 60%, otherwise → 0%",
        "       Note: required when it fails",
        "   2.2 Self-service machines idle during the queue (idle_machines) — yes/no "
        "(“no” is the good answer) · weight 1",
        "       Photo: required (camera only, not from the gallery)",
        "       Shown only when “Queue waiting time” failed",
        "       [VETO] voids the whole visit: Sold without explaining fees",
        "       Options: Fully (fully) 100%, Partly (partly) 50%, Not solved (not) 0% (fails)",
        "   2.5 Why it was not solved (follow_up) — text · (required)",
        "       Shown only when “Problem solved” is Partly or Not solved",
        "   2.6 Photo of the counter (counter_photo) — photo · (required)",
        "3. Proactive selling (selling) — weight 20, 16.7% of the total",
    ]:
        assert expected in lines, expected
    assert "Traceback" not in text


def test_show_in_chinese_marks_vetoes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "show", "--kind", "mystery_shop", "--tier", "agent",
                 "--file", str(HALL)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "代办暗访（暗访）· 层级：普通代理店 (agent)"
    assert "   1.1 着装规范（uniform）— 题型：是/否 · 权重 1" in lines
    assert "       【一票否决】本项指标得分清零：未着工装" in lines
    assert "       备注：不合格时必须填写" in lines
    assert "   1.2 店内吸烟（smoking）— 题型：是/否（“否”为合格） · 权重 1" in lines
    assert "       打 0 分为不合格" in lines  # rating: a 0..10 scale without fail_below
    assert "   2.2 备注（remarks）— 题型：文字 ·（选答）" in lines


def test_show_a_phase_and_show_if_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "checklists", "show", "--kind", "mystery_shop", "--tier",
                 "village", "--phase", "new", "--file", str(MINIMAL)]) == 0
    out = capsys.readouterr().out
    assert "Phase: New to the programme (new)" in out
    assert "1. Conduct (conduct) — weight 100, 83.3% of the total" in out
    set_language("zh")  # --lang holds for the rest of the process (one command per process)
    assert main([*SHOW, str(MINIMAL)]) == 0
    assert "       显示条件：「着装规范」的回答为 否" in capsys.readouterr().out.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "mystery", "--tier", "flagship"],
         "没有“mystery”这种检查类型。可用的类型：mystery_shop, open_inspection, self_check, "
         "intercept"),
        (["--kind", "mystery_shop", "--tier", "level9"],
         "没有“level9”这个层级。可用的层级：flagship, level2, agent"),
        (["--kind", "self_check", "--tier", "flagship"],
         "层级“flagship”没有 self_check 检查表。有该类检查表的层级：（无）"),
        (["--kind", "mystery_shop", "--tier", "flagship", "--phase", "old"],
         "没有“old”这个阶段。可用的阶段：new, established"),
    ],
)
def test_show_bad_arguments(capsys: pytest.CaptureFixture[str], args: list[str],
                            message: str) -> None:
    assert main(["checklists", "show", *args, "--file", str(HALL)]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == message
    assert captured.out == ""


def test_show_bad_kind_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "show", "--kind", "audit", "--tier", "flagship", "--lang", "en",
                 "--file", str(HALL)]) == 2
    assert capsys.readouterr().err.strip() == (
        "There is no checklist kind 'audit'. Valid kinds: mystery_shop, open_inspection, "
        "self_check, intercept")


def test_show_with_a_broken_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*SHOW, str(BROKEN)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"{BROKEN}：发现 4 个问题"
    no_traceback(err)


# --- score ---------------------------------------------------------------------------------


def test_score_prints_the_breakdown_as_json(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path) -> None:
    answers = {"greeted": True, "attitude": 4, "eservice": "na", "queue_minutes": 20,
               "idle_machines": True, "fees_explained": False, "solved": "partly",
               "follow_up": "waited", "offered_plan": False}
    assert main([*SCORE, str(HALL), "--lang", "en", str(write_json(tmp_path, answers))]) == 0
    out = json.loads(capsys.readouterr().out)
    cl = Catalog.from_file(HALL).resolve("mystery_shop", "flagship")
    assert out == score(cl, answers).to_dict("en")
    assert out["total"] == 0 and out["voided"] is True
    assert out["vetoes"][0]["reason"] == "Sold without explaining fees"


def test_score_incomplete_answers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path, {"uniform": False, "greet_seconds": 20, "solved": "fully",
                                 "nonsense": 1})
    assert main([*SCORE, str(MINIMAL), str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is False and out["missing"] == ["phone_use"]
    assert out["ignored"] == ["nonsense"]
    assert out["breakdown"][:2] == ["总分 40（未完成：缺 1 项）",
                                    "服务规范：0 分 — 一票否决：未着工装"]


def test_score_lists_every_bad_answer(capsys: pytest.CaptureFixture[str],
                                      tmp_path: Path) -> None:
    path = write_json(tmp_path, {"uniform": "yes", "greet_seconds": "12", "solved": "ful",
                                 "phone_use": "na"})
    assert main([*SCORE, str(MINIMAL), "--lang", "en", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "4 invalid answer(s):",
        '  - “Staff in uniform” (uniform) takes yes or no (true/false), got "yes"',
        '  - “Seconds until greeted” (greet_seconds) takes a number, got "12"',
        "  - “Staff on personal phone” (phone_use) cannot be marked not applicable",
        '  - “Problem solved” (solved) takes one of: fully, partly, not; got "ful"',
    ]


def test_score_invalid_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text('{"uniform": true,\n "solved": }\n', encoding="utf-8")
    assert main([*SCORE, str(MINIMAL), str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"答案文件 {path} 不是有效的 JSON（第 2 行第 12 列：Expecting value）"


@pytest.mark.parametrize("content", ["[1, 2]", '"uniform"', "null"])
def test_score_answers_must_be_an_object(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         content: str) -> None:
    path = tmp_path / "answers.json"
    path.write_text(content, encoding="utf-8")
    assert main([*SCORE, str(MINIMAL), "--lang", "en", str(path)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"The answers file {path} must be a JSON object (item id → answer)")


def test_score_missing_answers_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main([*SCORE, str(MINIMAL), str(tmp_path / "none.json")]) == 2
    err = capsys.readouterr().err
    assert "无法读取答案文件" in err and "none.json" in err
    no_traceback(err)


def test_score_reads_stdin(capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"uniform": true}'))
    assert main([*SCORE, str(MINIMAL), "-"]) == 0
    assert json.loads(capsys.readouterr().out)["missing"] == ["greet_seconds", "solved"]


def test_score_unknown_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_json(tmp_path, {})
    assert main(["checklists", "score", "--kind", "spot_check", "--tier", "flagship",
                 "--file", str(MINIMAL), str(path)]) == 2
    assert "spot_check" in capsys.readouterr().err


def test_usage_errors_are_not_tracebacks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklists", "show", "--tier", "flagship"]) == 2  # --kind is required
    captured = capsys.readouterr()
    no_traceback(captured.out, captured.err)
    assert "--kind" in captured.err


def test_every_key_built_at_run_time_exists() -> None:
    """Keys made with f-strings escape the catalogue test's scan of literal keys."""
    from app.checklists import ItemType, Kind, PhotoRule, VetoScope
    from app.i18n import messages

    known = messages()
    keys = [f"kind.{k.value}" for k in Kind]
    keys += [f"veto.scope.{s.value}" for s in VetoScope]
    keys += [f"checklists.type.{t.value}" for t in ItemType if t.value not in ("scale",)]
    keys += [f"checklists.show.photo.{r.value}" for r in PhotoRule if r is not PhotoRule.NONE]
    keys += [f"checklists.cond.{c}" for c in ("answered", "not_answered", "fails", "passes")]
    keys += [f"checklists.col.{c}" for c in ("kind", "tier", "checklist", "sections", "items",
                                             "vetoes")]
    assert [k for k in keys if k not in known] == []
