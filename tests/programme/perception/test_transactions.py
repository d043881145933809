"""The transaction export: the encodings Excel writes, the Chinese headers, typed rows with
the customer as a hash, every problem by line (a number never repeated), all or nothing."""

from __future__ import annotations

import pytest

from app.programme.outlets import CsvProblem
from app.programme.perception.transactions import (
    MAX_PROBLEMS,
    Transaction,
    parse_time,
    read_transactions,
)

from .helpers import HASHER, at, leaked, tx_file

GOOD = (
    "2025-06-03 09:15:00,H001,S01,13800138000,new_line",
    "2025/6/3 9:16,H001,S02,+86 139-0013-9000,积分兑换",
    ",,,,",  # Excel's blank rows
    '2025-06-03T10:00:00+08:00,H002,S03,"138 0013 8000",topup',
)


def where(problems: list[CsvProblem]) -> list[tuple[int, str | None, str]]:
    return [(p.line, p.column, p.key) for p in problems]


def test_a_good_file_gives_rows_with_hashes_only() -> None:
    result = read_transactions(tx_file(*GOOD), hasher=HASHER)
    assert result.ok and result.contacts is None
    assert result.rows == [
        Transaction(2, at("2025-06-03 09:15:00"), "H001", "S01", "new_line",
                    HASHER.hash_normalised("13800138000")),
        Transaction(3, at("2025-06-03 09:16:00"), "H001", "S02", "积分兑换",
                    HASHER.hash_normalised("13900139000")),
        Transaction(5, at("2025-06-03 10:00:00"), "H002", "S03", "topup",
                    HASHER.hash_normalised("13800138000")),
    ]
    assert result.business_types == {"new_line": 1, "积分兑换": 1, "topup": 1}
    assert result.key_fingerprint == HASHER.fingerprint
    assert leaked(result, ["13800138000", "13900139000"]) == []


def test_the_numbers_are_kept_only_when_asked_and_only_in_contacts() -> None:
    result = read_transactions(tx_file(*GOOD), hasher=HASHER, keep_numbers=True)
    assert result.contacts is not None and len(result.contacts) == 2
    assert result.contacts.number(result.rows[1].customer) == "13900139000"
    assert leaked(result, ["13800138000", "13900139000"]) == []  # Contacts shows no number


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_excel_encodings_and_the_chinese_header(encoding: str) -> None:
    raw = tx_file("2025-06-03 09:15:00,H001,S01,13800138000,积分兑换",
                  header="办理时间,营业厅编码,工号,客户号码,业务类型", encoding=encoding)
    result = read_transactions(raw, hasher=HASHER)
    assert result.problems == []
    assert result.rows[0].business_type == "积分兑换" and result.rows[0].outlet == "H001"


def test_an_outlet_code_with_letters_only_as_the_outlets_file_allows() -> None:
    # the outlet codes follow the outlet list's pattern (outlets.CODE_PATTERN)
    result = read_transactions(tx_file("2025-06-03 09:15:00,H 1,S01,13800138000,x"),
                               hasher=HASHER)
    assert where(result.problems) == [(2, "outlet", "perception.transactions.outlet_invalid")]


def test_every_problem_by_line_and_nothing_kept() -> None:
    raw = tx_file(
        "2025-06-03 09:15:00,H001,S01,13800138000,new_line",  # fine
        "2025-06-31 09:15:00,H001,S01,13800138000,new_line",  # no such day
        "2025-06-03 24:00,H001,S01,13800138000,new_line",  # no such hour
        ",H001,S01,13800138000,new_line",
        "2025-06-03 09:15:00,,S01,13800138000,new_line",
        "2025-06-03 09:15:00,H009,S01,13800138000,new_line",  # not in the outlet list
        "2025-06-03 09:15:00,H001,,13800138000,new_line",
        "2025-06-03 09:15:00,H001,S 1,13800138000,new_line",
        "2025-06-03 09:15:00,H001,S01,,new_line",
        "2025-06-03 09:15:00,H001,S01,0571-8888888,new_line",
        "2025-06-03 09:15:00,H001,S01,13800138000,",
        "2025-06-03 09:15:00,H001,S01,13800138000," + "x" * 65,
        "2025-06-03 09:15:00,H001,S01,13800138000,new_line,extra",
    )
    result = read_transactions(raw, hasher=HASHER, outlets={"H001"})
    assert result.rows == [] and not result.ok
    assert where(result.problems) == [
        (3, "time", "perception.transactions.time_invalid"),
        (4, "time", "perception.transactions.time_invalid"),
        (5, "time", "perception.transactions.time_missing"),
        (6, "outlet", "perception.transactions.outlet_missing"),
        (7, "outlet", "perception.transactions.outlet_unknown"),
        (8, "staff_id", "perception.transactions.staff_missing"),
        (9, "staff_id", "perception.transactions.staff_invalid"),
        (10, "customer", "perception.transactions.customer_missing"),
        (11, "customer", "perception.transactions.customer_invalid"),
        (12, "business_type", "perception.transactions.type_missing"),
        (13, "business_type", "perception.transactions.type_too_long"),
        (14, None, "perception.csv.extra_cells"),
    ]
    texts = [p.message("zh") for p in result.problems] + [p.message("en")
                                                         for p in result.problems]
    assert "第 7 行：网点 H009 不在网点清单中" in texts[4]
    assert all("Traceback" not in t and "Error" not in t for t in texts)
    # a bad number is never repeated, in any language
    assert not any("8888888" in t for t in texts)
    assert "not shown here" in result.problems[8].message("en")


def test_the_header_is_checked_first() -> None:
    result = read_transactions(b"time,outlet,staff,when,business_type,time\r\n", hasher=HASHER)
    assert where(result.problems) == [
        (1, "customer", "perception.csv.missing_column"),
        (1, "when", "perception.csv.unknown_column"),
        (1, "time", "programme.csv.duplicate_column"),
    ]
    assert "time, outlet, staff_id, customer, business_type" in result.problems[1].text("en")


def test_files_that_are_not_a_transaction_export() -> None:
    assert where(read_transactions(b"", hasher=HASHER).problems) == [
        (1, None, "perception.transactions.empty")]
    assert where(read_transactions(tx_file(",,,,"), hasher=HASHER).problems) == [
        (1, None, "perception.transactions.empty")]
    utf16 = tx_file("2025-06-03 09:15:00,H001,S01,13800138000,new_line", encoding="utf-16")
    assert [p.key for p in read_transactions(utf16, hasher=HASHER).problems] == [
        "programme.csv.encoding"]
    unclosed = tx_file("2025-06-03 09:15:00,H001,S01,13800138000,new_line",
                       '2025-06-03 09:15:00,"H001,S01,13800138000,new_line')
    assert where(read_transactions(unclosed, hasher=HASHER).problems) == [
        (3, None, "programme.csv.malformed")]


def test_a_quoted_cell_over_two_lines_keeps_the_next_rows_lines_right() -> None:
    raw = tx_file('2025-06-03 09:15:00,H001,S01,13800138000,"new\nline"',
                  "2025-06-03 09:15:00,H001,S01,bad,new_line")
    assert where(read_transactions(raw, hasher=HASHER).problems) == [
        (4, "customer", "perception.transactions.customer_invalid")]


def test_a_file_wrong_on_every_line_lists_the_first_problems_and_counts_the_rest() -> None:
    raw = tx_file(*["2025-06-03 09:15:00,H001,S01,123,new_line"] * (MAX_PROBLEMS + 50))
    result = read_transactions(raw, hasher=HASHER)
    assert len(result.problems) == MAX_PROBLEMS and result.more_problems == 50
    assert result.rows == []


@pytest.mark.parametrize(("written", "local"), [
    ("2025-06-03 14:05:00", "2025-06-03 14:05:00"),
    ("2024-02-29 23:59:59", "2024-02-29 23:59:59"),
    (" 2025-06-03 14:05:00 ", "2025-06-03 14:05:00"),
    ("２０２５-06-03 14:05:00", "2025-06-03 14:05:00"),  # full-width digits read the same
    ("2025-06-03 14:05", "2025-06-03 14:05:00"),
    ("2025/6/3 14:05:07", "2025-06-03 14:05:07"),
    ("2025.06.03 14:05:07.123", "2025-06-03 14:05:07"),
    ("2025-06-03T06:05:00Z", "2025-06-03 14:05:00"),
    ("2025-06-03T06:05:00+00:00", "2025-06-03 14:05:00"),
    ("2025-06-03T22:05:00-0800", "2025-06-04 14:05:00"),
])
def test_times_are_read_as_local_time(written: str, local: str) -> None:
    assert parse_time(written) == at(local)


@pytest.mark.parametrize("written", ["2025-06-03", "14:05", "2025-13-01 10:00",
                                     "2025-02-29 10:00", "2025-06-03 10:60", "yesterday",
                                     # the export's own form (the fast way) refuses as well
                                     "2025-02-29 10:00:00", "2025-06-03 24:00:00",
                                     "2025-06-03 10:00:60", "2025-00-03 10:00:00"])
def test_times_that_cannot_be_read(written: str) -> None:
    assert parse_time(written) is None
