"""Replies: reading the gateway's file, matching each reply to its text (by send id or by
the number's hash and time), the first rating counting, and satisfaction per outlet, staff
member and month with the replies behind each figure."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.programme.months import YearMonth
from app.programme.outlets import CsvProblem
from app.programme.perception.replies import (
    Reply,
    ReplyNote,
    match_replies,
    read_replies,
    read_value,
    satisfaction,
    sms_aggregates,
)
from app.programme.perception.settings import ReplyRules

from .helpers import HASHER, at, customer_hash, leaked, number, send

RULES = ReplyRules()
MAY, JUNE = YearMonth(2025, 5), YearMonth(2025, 6)


def where(problems: list[CsvProblem]) -> list[tuple[int, str | None, str]]:
    return [(p.line, p.column, p.key) for p in problems]


@pytest.mark.parametrize(("text", "value"), [
    ("1", "1"), (" 2 ", "2"), ("１", "1"), ("3。", "3"), ("1很满意", "1"), ("1 很满意", "1"),
    ("很满意", "1"), ("满意", "2"), ("不满意", "3"), ("2!", "2"),
    ("4", None), ("12", None), ("1 2", None), ("1不满意", None), ("退订", None), ("", None),
    ("好的谢谢", None),
])
def test_what_a_reply_reads_as(text: str, value: str | None) -> None:
    assert read_value(text, RULES) == value


def test_reading_a_reply_file_by_send_id_and_by_number() -> None:
    raw = ("发送编号,手机号码,回复时间,回复内容\r\n"
           "B1-000001,,2025-06-03 10:05:00,1\r\n"
           ",+86 138 0000 0002,2025-06-03 10:06:00,很满意\r\n"
           "B1-000003,,2025-06-03 10:07:00,我姓王 电话 13912345678\r\n").encode("gb18030")
    result = read_replies(raw, hasher=HASHER)
    assert result.ok
    assert result.rows == [
        Reply(2, at("2025-06-03 10:05:00"), "B1-000001", "", "1"),
        Reply(3, at("2025-06-03 10:06:00"), "", customer_hash(2), "1"),
        Reply(4, at("2025-06-03 10:07:00"), "B1-000003", "", None),
    ]
    # the customers' own words are not kept
    assert leaked(result, [number(2), "13912345678"]) == []
    assert "我姓王" not in repr(result)


def test_reply_file_problems_by_line_and_nothing_kept() -> None:
    raw = (b"received_at,reply,send_id,customer\r\n"
           b"2025-06-03 10:05:00,1,B1-000001,\r\n"
           b"2025-06-03 25:05:00,1,B1-000001,\r\n"
           b",1,B1-000001,\r\n"
           b"2025-06-03 10:05:00,1,B1 000001,\r\n"
           b"2025-06-03 10:05:00,1,,0571-88776655\r\n"
           b"2025-06-03 10:05:00,1,,\r\n")
    result = read_replies(raw, hasher=HASHER)
    assert result.rows == []
    assert where(result.problems) == [
        (3, "received_at", "perception.replies.time_invalid"),
        (4, "received_at", "perception.replies.time_missing"),
        (5, "send_id", "perception.replies.send_id_invalid"),
        (6, "customer", "perception.replies.customer_invalid"),
        (7, None, "perception.replies.reference_missing"),
    ]
    assert not any("88776655" in p.message(lang) for p in result.problems
                   for lang in ("zh", "en"))
    no_reference = read_replies(b"received_at,reply\r\n2025-06-03 10:05:00,1\r\n",
                                hasher=HASHER)
    assert where(no_reference.problems) == [(1, None, "perception.replies.no_reference")]
    assert where(read_replies(b"received_at,reply,send_id\r\n", hasher=HASHER).problems) == [
        (1, None, "perception.replies.empty")]


SENDS = [
    # transaction on 31 May, texted on 1 June: its replies count in May
    send("S1", 1, "2025-06-01 09:00:00", transaction="2025-05-31 21:30:00", staff="S01"),
    send("S2", 2, "2025-06-03 10:00:00", staff="S02"),
    send("S3", 3, "2025-06-03 10:00:00", staff="S02"),
    send("S4", 4, "2025-06-03 10:00:00", outlet="H002", staff="S02"),
    send("S5", 5, "2025-06-03 10:00:00", outlet="H002", staff="S03"),
    send("S6", 6, "2025-06-03 10:00:00", outlet="H002", staff="S03"),
]


def r(line: int, when: str, value: str | None, *, send_id: str = "", customer: int = 0
      ) -> Reply:
    return Reply(line, at(when), send_id, customer_hash(customer) if customer else "", value)


REPLIES = [
    r(2, "2025-06-01 09:06:00", "2", send_id="S1"),  # later than line 3: a duplicate
    r(3, "2025-06-01 09:05:00", "1", send_id="S1"),  # the first rating of S1
    r(4, "2025-06-01 09:04:00", None, send_id="S1"),  # not a rating: does not use S1 up
    r(5, "2025-06-03 10:05:00", "1", send_id="B9-000001"),  # no such send
    r(6, "2025-06-03 09:59:59", "1", send_id="S2"),  # before S2 went out
    r(7, "2025-06-03 10:00:00", "3", send_id="S2"),  # at the very moment: counts
    r(8, "2025-06-06 10:00:00", "2", customer=4),  # by number, exactly 72 h later: counts
    r(9, "2025-06-06 10:00:01", "2", customer=5),  # 72 h and a second: no text to match
    r(10, "2025-06-03 10:01:00", "1", customer=7),  # never texted
    r(11, "2025-06-03 09:59:00", "1", customer=3),  # by number, before the text
    r(12, "2025-06-03 11:00:00", "1", send_id="S6"),  # S6 answered in an earlier file
]


def test_matching_each_kind_of_reply() -> None:
    result = match_replies(REPLIES, SENDS, answered={"S6"})
    assert [(c.send_id, c.line, c.value, c.month) for c in result.counted] == [
        ("S1", 3, "1", MAY), ("S2", 7, "3", JUNE), ("S4", 8, "2", JUNE)]
    assert result.duplicates == [ReplyNote(2, "S1", "duplicate"),
                                 ReplyNote(12, "S6", "duplicate")]
    assert result.unreadable == [ReplyNote(4, "S1", "unreadable")]
    assert sorted(result.unmatched) == [
        ReplyNote(5, "", "unknown_send"), ReplyNote(6, "S2", "before_send"),
        ReplyNote(9, "", "no_send"), ReplyNote(10, "", "no_send"), ReplyNote(11, "", "no_send")]
    assert result.counts == {"counted": 3, "duplicate": 2, "unreadable": 1,
                             "unknown_send": 1, "before_send": 1, "no_send": 3}
    assert "S1" in result.duplicates[0].text("en")
    for note in result.unmatched:
        assert note.text("zh") and note.text("en") != note.reason


@settings(max_examples=60, deadline=None)
@given(st.permutations(REPLIES))
def test_the_file_order_never_changes_which_reply_counts(replies: list[Reply]) -> None:
    assert match_replies(replies, SENDS, answered={"S6"}) == match_replies(
        REPLIES, SENDS, answered={"S6"})


def test_by_number_the_latest_text_before_the_reply_is_matched() -> None:
    sends = [send("A", 1, "2025-04-01 10:00:00"), send("B", 1, "2025-06-03 10:00:00")]
    result = match_replies([r(2, "2025-06-03 12:00:00", "1", customer=1)], sends)
    assert [c.send_id for c in result.counted] == ["B"]


def test_satisfaction_per_outlet_staff_member_and_month_with_counts() -> None:
    sends = [send(f"T{i}", i, "2025-06-03 10:00:00", staff="S01" if i < 3 else "S02",
                  outlet="H001" if i != 4 else "H002") for i in range(1, 6)]
    sends.append(send("T9", 9, "2025-06-03 10:00:00", outlet="H003", staff="S09"))
    replies = [r(i + 1, "2025-06-03 11:00:00", v, send_id=f"T{i}")
               for i, v in [(1, "1"), (2, "2"), (3, "3"), (4, "1"), (5, "1")]]
    counted = match_replies(replies, sends).counted
    report = satisfaction(counted, sends, rules=ReplyRules(min_replies=3))
    h001 = report.outlet("H001", JUNE)
    assert h001 is not None
    assert (h001.sends, h001.replies, dict(h001.counts)) == (4, 4, {"1": 2, "2": 1, "3": 1})
    assert h001.score == 75.0 and h001.sufficient and h001.response_rate == 1.0
    h002 = report.outlet("H002", JUNE)
    assert h002 is not None and (h002.replies, h002.score, h002.sufficient) == (1, 100.0,
                                                                                False)
    h003 = report.outlet("H003", JUNE)
    assert h003 is not None and (h003.sends, h003.replies, h003.score) == (1, 0, None)
    staff = {s.staff: s for s in report.by_staff}
    assert (staff["S02"].replies, staff["S02"].outlets) == (3, ("H001", "H002"))
    assert staff["S02"].score == pytest.approx(200 / 3)
    assert staff["S01"].score == 100.0
    mean = satisfaction(counted, sends, rules=ReplyRules(method="mean_points"))
    assert mean.outlet("H001", JUNE).score == (100 + 80 + 0 + 100) / 4  # type: ignore[union-attr]
    aggregates = sms_aggregates(report, JUNE)
    assert [(a.outlet_code, a.score, a.count, a.sufficient) for a in aggregates] == [
        ("H001", 75.0, 4, True), ("H002", 100.0, 1, False), ("H003", None, 0, False)]
    assert all(a.source == "sms_satisfaction" for a in aggregates)
    assert sms_aggregates(report, MAY) == []


def test_the_default_minimum_is_the_month_closes_30_replies() -> None:
    sends = [send(f"T{i}", i, "2025-06-03 10:00:00") for i in range(1, 31)]
    replies = [r(i + 1, "2025-06-03 11:00:00", "1", send_id=f"T{i}") for i in range(1, 31)]
    counted = match_replies(replies, sends).counted
    assert satisfaction(counted[:29], sends).by_outlet[0].sufficient is False
    assert satisfaction(counted, sends).by_outlet[0].sufficient is True
