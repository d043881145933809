"""The commission-base CSV reader: finance's spreadsheet in, bases or every problem (by line,
in both languages) out, all or nothing."""

from __future__ import annotations

import pytest

from app.programme.bases_csv import parse_amount, read_bases_csv
from app.programme.inputs import CommissionBase
from app.programme.months import YearMonth


def test_a_clean_file_gives_every_base_with_its_period() -> None:
    raw = ("\ufeffclass,region,period,amount\n"
           "A,西湖,2025-Q1,\"1,200.50\"\n"
           "b,西湖,2025h2,800\n"
           "\n"
           "C,,2025-H1,¥300.5\n").encode("utf-8")
    parsed = read_bases_csv(raw)
    assert parsed.ok, [p.message("en") for p in parsed.problems]
    assert parsed.bases == [CommissionBase("A", "西湖", "2025-Q1", 120050),
                            CommissionBase("B", "西湖", "2025-H2", 80000),
                            CommissionBase("C", "", "2025-H1", 30050)]
    assert [r.line for r in parsed.rows] == [2, 3, 5]
    assert parsed.bases[1].covers(YearMonth(2025, 12))
    assert not parsed.bases[0].covers(YearMonth(2025, 4))


def test_gb18030_from_a_chinese_excel_is_read() -> None:
    raw = "class,region,period,amount\nA,滨江,2025-Q3,1000\n".encode("gb18030")
    assert read_bases_csv(raw).bases == [CommissionBase("A", "滨江", "2025-Q3", 100000)]


def test_every_problem_is_reported_by_line_and_nothing_is_returned() -> None:
    raw = ("class,region,period,amount\n"
           "A,西湖,2025-Q1,1000\n"
           "D,西湖,2025-Q1,1000\n"
           "A,西湖,2025-Q5,1000\n"
           "A,西湖,2025-Q2,-5\n"
           "A,西湖,2025-Q2,12.345\n"
           "A,西湖,2025-Q1,900\n"
           ",西湖,2025-Q3,900\n").encode()
    parsed = read_bases_csv(raw)
    assert not parsed.ok and parsed.rows == [] and parsed.bases == []
    where = [(p.line, p.column, p.key) for p in parsed.problems]
    assert where == [(3, "class", "month.outlets.class_invalid"),
                     (4, "period", "month.bases.period_invalid"),
                     (5, "amount", "month.bases.amount_invalid"),
                     (6, "amount", "month.bases.amount_invalid"),
                     (7, None, "month.bases.duplicate"),
                     (8, "class", "month.bases.class_missing")]
    dup = parsed.problems[4]
    assert "line 2" in dup.message("en") and "第 7 行" in dup.message("zh")
    assert parsed.problems[1].message("en", file="bases.csv").startswith("bases.csv:4: ")


@pytest.mark.parametrize("raw, key", [
    (b"", "month.bases.empty"),
    (b"class,region,period,amount\n", "month.bases.empty"),
    (b"class,region,period\nA,x,2025-Q1\n", "month.bases.missing_column"),
    (b"class,region,period,amount,note\n", "month.bases.unknown_column"),
    (b"class,region,period,amount\nA,x,2025-Q1,1,extra\n", "services.import.extra_cells"),
    (b"class,region,period,amount\n\"A,x,2025-Q1,1\n", "programme.csv.malformed"),
    ("class,region\n".encode("utf-16"), "programme.csv.encoding"),
])
def test_unusable_files_are_refused_with_a_reason(raw: bytes, key: str) -> None:
    parsed = read_bases_csv(raw)
    assert not parsed.ok and parsed.problems[0].key == key
    assert parsed.problems[0].message("zh") and parsed.problems[0].message("en")


@pytest.mark.parametrize("text, cents", [("1200", 120000), ("1,200.50", 120050),
                                         ("0.01", 1), ("￥88", 8800), ("0", None),
                                         ("-1", None), ("1.005", None), ("1,20", None),
                                         ("abc", None), ("1e3", None), ("", None)])
def test_amounts_are_exact_yuan_with_two_decimals_at_most(text: str, cents: int | None) -> None:
    assert parse_amount(text) == cents
