"""The agent owner's monthly statement PDF, written from frozen month exports of the pure
month computation (the same document the month close stores), rendered with poppler:
`pdftotext` for what it says, `pdftoppm` for how it looks (one A4 page, the heading's colour
and the red of a deduction really drawn).

The console's download of a real closed month's statement is in
tests/e2e/test_console_months.py.
"""

from __future__ import annotations

import json
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from programme.helpers import every_half_year, outlet, run_months, shipped, visit

from app.central.exports.labels import Labels
from app.central.exports.statement import (
    money_text,
    rank_text,
    top_failed,
    write_statement,
)
from app.console.theme import font_path
from app.programme.inputs import CountedVisit, FailedItem
from app.programme.month import compute_month
from app.programme.months import YearMonth

MARCH = YearMonth(2025, 3)
FAILED = (FailedItem("greet", "主动问候", "Greets the customer", "conduct", None),
          FailedItem("uniform", "着工装", "Wears the uniform", "conduct", "section"),
          FailedItem("queue", "排队引导", "Guides the queue", "flow", None))


def frozen(result: Any) -> dict[str, Any]:
    """The month as the close stores it: with explanations, through JSON."""
    return json.loads(json.dumps(result.to_export(explanations=True), ensure_ascii=False))


@pytest.fixture(scope="module")
def march() -> dict[str, Any]:
    outlets = [outlet("A", start=date(2020, 1, 1)), outlet("B", start=date(2020, 1, 1)),
               outlet("C"), outlet("D", competitor=True)]
    results = [
        CountedVisit("u-1", "A", "mystery_shop", 82.5, failed=FAILED[:2], veto_count=1),
        CountedVisit("u-2", "A", "open_inspection", 90.0, failed=FAILED[::2]),
        CountedVisit("u-3", "B", "mystery_shop", 82.5),
        CountedVisit("u-4", "B", "open_inspection", 90.0),
        visit("C", 40), visit("D", 99),
    ]
    return frozen(compute_month(MARCH, shipped(), outlets, results,
                                bases=every_half_year(123456)))


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout


def pages(path: Path, out: Path) -> list[Path]:
    out.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(out / "page")], check=True,
                   timeout=60, capture_output=True)
    return sorted(out.glob("page-*.png"))


def pixels(png: Path) -> list[tuple[int, int, int]]:
    with Image.open(png) as im:
        raw = im.convert("RGB").tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2]) for i in range(0, len(raw), 3)]


def greenish(p: tuple[int, int, int]) -> bool:
    """The headings' teal (0, 105, 92), antialiased onto white."""
    r, g, b = p
    return r < 120 and g - r > 40 and b - r > 30


def reddish(p: tuple[int, int, int]) -> bool:
    """The deduction's red (198, 40, 40), antialiased onto white."""
    r, g, b = p
    return r > 150 and r - g > 60 and r - b > 60


def test_the_statement_says_score_rank_money_and_failed_items(march, tmp_path: Path) -> None:
    pdf = write_statement(march, "A", tmp_path / "a.pdf", Labels("zh"), font_path())
    text = pdf_text(pdf)
    flat = re.sub(r"\s", "", text)  # lines wrap in their table cells
    assert "服务质量月度结算单" in text and "网点A（A）" in text
    assert "考核月份 2025-03" in text and "规则版本 2025.1" in text
    assert "综合得分 84.64" in text
    # A and B both scored 84.64: the rank is shared, and the statement says so
    assert "第1名（共3家，与另1家并列）" in flat
    # base × years factor × payment factor, to the cent; 30 % staff share of the rounded sum
    assert "¥1,234.56" in text and "¥1,185.18" in text and "¥355.55" in text
    assert "基数1234.56×年限系数1.2×付费系数0.8=1185.18" in flat
    # the most failed items: the veto first, then by how often
    failed = [line for line in text.splitlines() if "次" in line and line.startswith("•")]
    assert failed[:3] == ["• 着工装：1 次（一票否决，该部分记 0 分）", "• 主动问候：2 次",
                          "• 排队引导：1 次"]
    assert "没有扣款等待返还" in text
    assert "u-1" not in text  # no result ids, and never the shopper
    with pytest.raises(KeyError):
        write_statement(march, "NOPE", tmp_path / "x.pdf", Labels("zh"), font_path())


def test_a_deduction_is_red_and_waits_for_its_refund(march, tmp_path: Path) -> None:
    pdf = write_statement(march, "C", tmp_path / "c.pdf", Labels("zh"), font_path())
    text = pdf_text(pdf)
    assert "-¥1,604.93" in text  # 1234.56 × 1.3 × -1.0
    assert "等待返还：2025-03 的扣款 ¥1,604.93" in text
    assert "目前已连续 0 个月达到返还分数线" in text
    png = pages(pdf, tmp_path)
    assert len(png) == 1  # one A4 page
    with Image.open(png[0]) as im:
        assert im.size == (497, 702)  # A4 (210 x 297 mm) at 60 dpi
    seen = pixels(png[0])
    assert sum(map(greenish, seen)) > 300  # the title and headings in the programme's teal
    assert sum(map(reddish, seen)) > 40  # the deduction in red
    # an outlet paid in full has no red on its statement
    paid = pages(write_statement(march, "B", tmp_path / "b.pdf", Labels("zh"), font_path()),
                 tmp_path / "b")
    assert sum(map(reddish, pixels(paid[0]))) == 0


def test_the_month_that_completes_the_streak_pays_the_refund(tmp_path: Path) -> None:
    """Deducted in January, ≥ 90 in February, March and April: refunded in April."""
    months = run_months(shipped(), [outlet("X"), outlet("Y")],
                        [{"X": 40, "Y": 80}, {"X": 95, "Y": 80}, {"X": 92, "Y": 80},
                         {"X": 90, "Y": 80}], YearMonth(2025, 1), every_half_year(100000))
    april = frozen(months[3])
    pdf = write_statement(april, "X", tmp_path / "x.pdf", Labels("zh"), font_path())
    text = pdf_text(pdf)
    assert "本月返还 2025-01 的扣款 ¥1,300.00" in text
    # the commission of April (90 -> factor 1.2: 1000 × 1.3 × 1.2) plus the refund
    assert "¥1,560.00" in text and "¥2,860.00" in text
    march_pdf = write_statement(frozen(months[2]), "X", tmp_path / "m.pdf", Labels("zh"),
                                font_path())
    assert "目前已连续 2 个月达到返还分数线" in pdf_text(march_pdf)


def test_english_and_an_outlet_without_a_composite(tmp_path: Path) -> None:
    result = compute_month(MARCH, shipped(), [outlet("A"), outlet("N")], [visit("A", 88)],
                           bases=every_half_year(50000))
    doc = frozen(result)
    text = pdf_text(write_statement(doc, "N", tmp_path / "n.pdf", Labels("en"), font_path()))
    assert "Monthly service-quality statement" in text
    assert "No composite this month" in text and "not ranked" in text
    assert "No item failed" in text
    en = pdf_text(write_statement(doc, "A", tmp_path / "a.pdf", Labels("en"), font_path()))
    assert "1 of 1" in en and "Composite 88" in en and "¥" in en


def test_figures_as_people_read_them(march) -> None:
    assert money_text("1234.5") == "¥1,234.50"
    assert money_text("-0.05") == "-¥0.05"
    assert money_text("1234567.89") == "¥1,234,567.89"
    assert money_text(None) == "—"
    rows = march["outlets"]
    a, c = (next(r for r in rows if r["outlet_code"] == code) for code in ("A", "C"))
    d = next(r for r in rows if r["outlet_code"] == "D")
    lb = Labels("en")
    assert rank_text(rows, a, "unit", lb) == "1 of 3 (tied with 1 other)"
    assert rank_text(rows, c, "province", lb) == "3 of 3"
    assert rank_text(rows, d, "unit", lb) == "not ranked"  # a competitor's
    assert [f.item for f in top_failed(a, "en")] == ["uniform", "greet", "queue"]
    assert top_failed(a, "en")[1].label == "Greets the customer"
