"""`hallcheck programme validate|show` through the real entry point: a summary or every
located problem (exit 1), the rules in words, bad arguments explained (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.i18n import set_language
from app.programme.rules_loader import default_programme_path


@pytest.fixture(autouse=True)
def _chinese() -> None:
    """--lang sets the process's language; each test starts in the default, Chinese."""
    set_language("zh")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_the_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "programme", "validate")
    assert code == 0
    assert "规则文件可用，共 1 个版本" in out and "2025.1" in out and "2025-01-01" in out


def test_validate_lists_every_problem_located(capsys: pytest.CaptureFixture[str],
                                             tmp_path: Path) -> None:
    text = default_programme_path().read_text(encoding="utf-8")
    broken = tmp_path / "programme.yaml"
    broken.write_text(text.replace("mystery_shop:     {weight: 50}",
                                   "mistery_shop:     {weight: 50}")
                      .replace("{from: 95, to: 100, factor: 1.5}",
                               "{from: 95, to: 100, factor: 2}"), encoding="utf-8")
    code, out, _ = run(capsys, "--lang", "en", "programme", "validate", str(broken))
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"{broken}: 2 problem(s) in the rules file, it cannot be used:"
    assert lines[1].startswith(f"  {broken}:")
    assert "versions[0].composite.components.mistery_shop: unknown key" in lines[1]
    assert "did you mean 'mystery_shop'?" in lines[1]
    assert "versions[0].payment_factor[7].factor: 2 is too large: it must be at most 1.5" \
        in lines[2]
    assert "Traceback" not in out


def test_validate_checks_the_tier_ladders_against_checklists(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = default_programme_path().read_text(encoding="utf-8")
    broken = tmp_path / "programme.yaml"
    broken.write_text(text.replace("[level3, level2, flagship]", "[level3, level2, flagshp]"),
                      encoding="utf-8")
    code, out, _ = run(capsys, "programme", "validate", str(broken))
    assert code == 1 and "flagshp" in out and "是否应为「flagship」" in out


def test_show_prints_the_rules_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "programme", "show", "--month", "2025-03")
    assert code == 0
    assert "暗访：权重 50（占 50%）" in out and "自查：权重 10，仅展示，不计入" in out
    assert "95 ≤ 得分 ≤ 100 → 1.5" in out and "0 ≤ 得分 < 60 → -1.0（扣款）" in out
    assert "不满 2 年 → 1.0" in out and "满 6 年及以上 → 1.3" in out
    assert "员工分成 30%" in out
    code, out, _ = run(capsys, "--lang", "en", "programme", "show", "--version", "2025.1")
    assert code == 0 and "2 ≤ years < 4 → 1.1" in out and "staff share 30%" in out


@pytest.mark.parametrize(("argv", "says"), [
    (("programme", "show", "--month", "2025-3"), "不是月份"),
    (("programme", "show", "--month", "2024-12"), "最早的版本从 2025-01-01 起生效"),
    (("programme", "show", "--version", "9.9"), "没有版本「9.9」"),
])
def test_bad_arguments_are_explained(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...],
                                     says: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and says in err and "Traceback" not in out + err
