"""The send-list rules at their edges (each window's start and end, the 24-hour limit, the
two-month rule across month and year ends, one text per customer per batch), and, with
random batches, agreement with an oracle written apart from the code and with the
independent check."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.programme.perception.clock import local_datetime, local_seconds, text
from app.programme.perception.sendlist import (
    Send,
    SendHistory,
    Skip,
    build_send_list,
    scheduled,
    violations,
)
from app.programme.perception.settings import SmsRules, Window
from app.programme.perception.transactions import Transaction

from .helpers import at, customer_hash, tx

EARLY = "2025-06-03 00:00:00"  # a batch made before the day's transactions


def one(when: str, *, now: str = EARLY, history: SendHistory | None = None,
        rules: SmsRules | None = None) -> Send | Skip:
    result = build_send_list([tx(when, 1)], now=at(now), batch_id="B1", history=history,
                             rules=rules)
    assert len(result.sends) + len(result.skipped) == 1
    return result.sends[0] if result.sends else result.skipped[0]


@pytest.mark.parametrize(("transaction", "texted"), [
    ("2025-06-03 08:59:59", "2025-06-03 09:00:00"),
    ("2025-06-03 09:00:00", "2025-06-03 09:00:00"),  # a window's start is inside it
    ("2025-06-03 12:29:59", "2025-06-03 12:29:59"),
    ("2025-06-03 12:30:00", "2025-06-03 15:00:00"),  # its end is not
    ("2025-06-03 14:59:59", "2025-06-03 15:00:00"),
    ("2025-06-03 15:00:00", "2025-06-03 15:00:00"),
    ("2025-06-03 20:59:59", "2025-06-03 20:59:59"),
    ("2025-06-03 21:00:00", "2025-06-04 09:00:00"),
    ("2025-06-03 23:59:59", "2025-06-04 09:00:00"),
    ("2025-06-30 22:00:00", "2025-07-01 09:00:00"),  # across a month end
])
def test_each_window_edge(transaction: str, texted: str) -> None:
    result = one(transaction)
    assert isinstance(result, Send) and text(result.at) == texted
    assert result.transaction_at == at(transaction)


def test_the_batch_never_texts_before_it_is_made() -> None:
    result = one("2025-06-03 09:30:00", now="2025-06-03 13:00:00")
    assert isinstance(result, Send) and text(result.at) == "2025-06-03 15:00:00"
    result = one("2025-06-03 09:30:00", now="2025-06-03 10:15:30")
    assert isinstance(result, Send) and text(result.at) == "2025-06-03 10:15:30"
    aware = datetime(2025, 6, 3, 2, 15, 30, tzinfo=datetime.now().astimezone().tzinfo)
    assert scheduled(at("2025-06-03 09:30:00"), aware.astimezone(
        local_datetime(0).tzinfo), SmsRules()) >= at("2025-06-03 09:30:00")


def test_the_24_hour_limit_exactly() -> None:
    sent = one("2025-06-03 10:00:00", now="2025-06-04 10:00:00")  # exactly 24 h: in time
    assert isinstance(sent, Send) and text(sent.at) == "2025-06-04 10:00:00"
    late = one("2025-06-03 10:00:00", now="2025-06-04 10:00:01")
    assert late == Skip(2, "too_late", at("2025-06-04 10:00:01"))
    # the next allowed moment is what counts, not `now`: 21:00 the next day waits to 09:00
    late = one("2025-06-03 20:00:00", now="2025-06-04 21:00:00")
    assert late == Skip(2, "too_late", at("2025-06-05 09:00:00"))
    assert "2025-06-05 09:00:00" in late.text("en") and "24" in late.text("zh")


def test_a_window_so_far_off_that_24_hours_pass() -> None:
    rules = SmsRules(windows=(Window.parse("09:00-09:30"),), within_hours=12)
    assert isinstance(one("2025-06-03 09:29:59", rules=rules), Send)
    assert one("2025-06-03 09:30:00", rules=rules) == Skip(2, "too_late",
                                                           at("2025-06-04 09:00:00"))
    # 21:00 -> 09:00 is exactly 12 h: still in time; a second earlier is too late
    rules = SmsRules(windows=(Window.parse("09:00-10:00"),), within_hours=12)
    sent = one("2025-06-03 21:00:00", rules=rules)
    assert isinstance(sent, Send) and text(sent.at) == "2025-06-04 09:00:00"
    assert one("2025-06-03 20:59:59", rules=rules) == Skip(2, "too_late",
                                                           at("2025-06-04 09:00:00"))


@pytest.mark.parametrize(("earlier", "transaction", "sent"), [
    # 31 January + "two calendar months" would be 31 March; 62 days is 3 April
    ("2025-01-31 10:00:00", "2025-03-31 10:00:00", False),
    ("2025-01-31 10:00:00", "2025-04-03 09:59:59", False),  # 61 days 23:59:59
    ("2025-01-31 10:00:00", "2025-04-03 10:00:00", True),  # exactly 62 days
    # across the year end
    ("2024-12-01 10:00:00", "2025-01-31 10:00:00", False),  # 61 days
    ("2024-12-01 10:00:00", "2025-02-01 10:00:00", True),
    # the texts' times count: 08:00 goes out at 09:00, 62 days after the earlier text
    ("2025-01-31 09:00:00", "2025-04-03 08:00:00", True),
    ("2025-01-31 09:00:01", "2025-04-03 08:00:00", False),
])
def test_the_two_month_rule_across_month_ends(earlier: str, transaction: str,
                                              sent: bool) -> None:
    history = SendHistory([(customer_hash(1), at(earlier)), (customer_hash(2), at(transaction))])
    result = one(transaction, now=transaction, history=history)
    if sent:
        assert isinstance(result, Send)
    else:
        assert result == Skip(2, "texted_recently", at(earlier))
        assert earlier in result.text("en")


def test_a_later_text_in_the_history_blocks_too() -> None:
    # a batch of an older file made after a newer one: still never two texts in 62 days
    history = SendHistory([(customer_hash(1), at("2025-06-20 10:00:00"))])
    assert one("2025-06-03 10:00:00", history=history) == Skip(
        2, "texted_recently", at("2025-06-20 10:00:00"))


def test_one_text_per_customer_per_batch_for_the_earliest_transaction() -> None:
    rows = [tx("2025-06-03 10:00:00", 1, line=2), tx("2025-06-03 09:30:00", 1, line=3),
            tx("2025-06-03 09:30:00", 1, line=4), tx("2025-06-03 09:45:00", 2, line=5),
            tx("2025-06-03 11:00:00", 2, line=6, kind="topup")]
    result = build_send_list(rows, now=at(EARLY), batch_id="B1")
    assert [(s.line, s.customer) for s in result.sends] == [(3, customer_hash(1)),
                                                            (5, customer_hash(2))]
    assert result.skipped == [Skip(2, "repeat_in_batch", 3), Skip(4, "repeat_in_batch", 3)]
    assert result.counts == {"sent": 2, "not_qualifying": 1, "too_late": 0,
                             "texted_recently": 0, "repeat_in_batch": 2}
    assert result.total == 5
    assert "line 3" in result.skipped[0].text("en")


def test_the_earliest_transaction_that_can_be_texted_is_chosen() -> None:
    # the customer's first transaction is too late, the second is in time: it is texted
    rows = [tx("2025-06-02 09:00:00", 1, line=2), tx("2025-06-03 09:00:00", 1, line=3)]
    result = build_send_list(rows, now=at("2025-06-03 10:00:00"), batch_id="B1")
    assert [s.line for s in result.sends] == [3]
    assert result.skipped == [Skip(2, "too_late", at("2025-06-03 10:00:00"))]


def test_qualifying_types_are_configurable() -> None:
    rows = [tx("2025-06-03 10:00:00", 1, kind="K01"), tx("2025-06-03 10:00:00", 2,
                                                          kind="new_line")]
    rules = SmsRules(business_types={"K01": "points_redeemed"})
    result = build_send_list(rows, now=at(EARLY), batch_id="B1", rules=rules)
    assert [(s.business_type, s.category) for s in result.sends] == [("K01",
                                                                      "points_redeemed")]
    assert result.not_qualifying == 1
    with pytest.raises(UserError):
        SmsRules(business_types={"K01": "topup"})  # type: ignore[dict-item]
    given = {"K01": "points_redeemed"}
    rules = SmsRules(business_types=given)  # type: ignore[arg-type]
    given["topup"] = "new_line"  # the caller's dict changing later changes nothing
    assert build_send_list(rows, now=at(EARLY), batch_id="B1", rules=rules).counts[
        "sent"] == 1


def test_send_ids_in_the_order_texts_go_out() -> None:
    rows = [tx("2025-06-03 16:00:00", 1, outlet="H002", line=2),
            tx("2025-06-03 10:00:00", 2, outlet="H002", line=3),
            tx("2025-06-03 10:00:00", 3, outlet="H001", line=4)]
    result = build_send_list(rows, now=at(EARLY), batch_id="B20250603-a")
    assert [(s.send_id, s.outlet, s.line) for s in result.sends] == [
        ("B20250603-a-000001", "H002", 3), ("B20250603-a-000002", "H001", 4),
        ("B20250603-a-000003", "H002", 2)]
    # a batch id starts with a letter: "13800138-000" would read as a phone number
    for bad in ("", "-x", "has space", "x" * 25, "20250603-a", "13800138"):
        with pytest.raises(UserError):
            build_send_list(rows, now=0, batch_id=bad)


def test_settings_refuse_what_cannot_work() -> None:
    for value in ("12:30-09:00", "09:00", "9-12", "09:00-24:01", "25:00-26:00"):
        with pytest.raises(UserError):
            Window.parse(value)
    assert Window.parse("21:00-24:00").end == 86_400
    with pytest.raises(UserError):
        SmsRules(windows=(Window.parse("09:00-12:30"), Window.parse("12:00-13:00")))
    with pytest.raises(UserError):
        SmsRules(windows=())
    with pytest.raises(UserError):
        SmsRules(repeat_days=0)
    # windows given out of order are sorted
    rules = SmsRules(windows=(Window.parse("15:00-21:00"), Window.parse("09:00-12:30")))
    assert [str(w) for w in rules.windows] == ["09:00-12:30", "15:00-21:00"]


def test_the_independent_check_catches_each_broken_rule() -> None:
    h = customer_hash(1)
    ok = Send("B-1", h, at("2025-06-03 09:00:00"), at("2025-06-03 08:00:00"), "H001", "S01",
              "new_line", "new_line")
    assert violations([ok]) == []
    bad = [
        ok._replace(send_id="B-2", at=at("2025-06-03 12:30:00")),
        ok._replace(send_id="B-3", customer=customer_hash(2),
                    at=at("2025-06-04 09:00:01")),
        ok._replace(send_id="B-4", customer=customer_hash(3), business_type="topup"),
        ok._replace(send_id="B-5", customer=customer_hash(4),
                    at=at("2025-06-03 07:00:00"), transaction_at=at("2025-06-03 08:00:00")),
    ]
    found = violations(bad, history=SendHistory([(h, at("2025-04-03 09:00:01"))]))
    keys = sorted((v.send_id, v.key) for v in found)
    assert keys == [
        ("B-2", "perception.violation.repeat"), ("B-2", "perception.violation.window"),
        ("B-3", "perception.violation.late"), ("B-4", "perception.violation.type"),
        ("B-5", "perception.violation.late"), ("B-5", "perception.violation.window")]
    twice = [ok, ok._replace(send_id="B-6", at=at("2025-08-03 20:59:59"),
                             transaction_at=at("2025-08-03 20:00:00"))]
    assert [v.key for v in violations(twice)] == ["perception.violation.repeat"]
    assert "B-6" in violations(twice)[0].text("en")


# --- random batches against an oracle --------------------------------------------------------

WINDOWS = ((time(9), time(12, 30)), (time(15), time(21)))
DAY0 = datetime(2025, 5, 30)  # batches straddle the end of May


def oracle_schedule(moment: datetime) -> datetime:
    """The earliest allowed moment at or after `moment`, read off the windows as clock
    times (no table, no seconds arithmetic)."""
    for offset in range(3):
        day = (moment + timedelta(days=offset)).date()
        for start, end in WINDOWS:
            lo, hi = datetime.combine(day, start), datetime.combine(day, end)
            if moment < hi:
                return max(moment, lo)
    raise AssertionError("unreachable")


def oracle(rows: list[Transaction], history: list[tuple[str, int]], now: datetime
           ) -> dict[int, datetime]:
    """line -> when it is texted, rule by rule as docs/perception.md states them."""
    texted: dict[int, datetime] = {}
    by_customer: dict[str, list[Transaction]] = {}
    for r in rows:
        by_customer.setdefault(r.customer, []).append(r)
    for customer, group in by_customer.items():
        for r in sorted(group, key=lambda r: (r.at, r.line)):
            if r.business_type not in ("new_line", "积分兑换"):
                continue
            made = local_datetime(r.at).replace(tzinfo=None)
            when = oracle_schedule(max(made, now))
            if when - made > timedelta(hours=24):
                continue
            if any(abs(when - local_datetime(s).replace(tzinfo=None)) < timedelta(days=62)
                   for c, s in history if c == customer):
                continue
            texted[r.line] = when
            break
    return texted


EDGES = [time(0), time(8, 59, 59), time(9), time(12, 29, 59), time(12, 30), time(14, 59, 59),
         time(15), time(20, 59, 59), time(21), time(23, 59, 59)]
clock_times = st.one_of(st.sampled_from(EDGES),
                        st.builds(time, st.integers(0, 23), st.integers(0, 59),
                                  st.integers(0, 59)))
moments = st.builds(lambda d, c: datetime.combine((DAY0 + timedelta(days=d)).date(), c),
                    st.integers(0, 4), clock_times)
row = st.tuples(moments, st.integers(0, 6), st.sampled_from(["new_line", "积分兑换", "topup"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(row, max_size=25), st.lists(st.tuples(st.integers(0, 6),
                                                      st.integers(-75 * 24, 5 * 24)),
                                            max_size=8),
       moments)
def test_random_batches_agree_with_the_oracle_and_pass_the_check(
        rows: list[tuple[datetime, int, str]], past: list[tuple[int, int]],
        now: datetime) -> None:
    transactions = [Transaction(i + 2, local_seconds(when), "H001", "S01", kind,
                                customer_hash(c))
                    for i, (when, c, kind) in enumerate(rows)]
    history = [(customer_hash(c), local_seconds(DAY0 + timedelta(hours=h)))
               for c, h in past]
    result = build_send_list(transactions, now=local_seconds(now), batch_id="B",
                             history=SendHistory(history), rules=SmsRules(
                                 business_types={"new_line": "new_line",
                                                 "积分兑换": "points_redeemed"}))
    got = {s.line: local_datetime(s.at).replace(tzinfo=None) for s in result.sends}
    assert got == oracle(transactions, history, now)
    assert violations(result.sends, history=SendHistory(history)) == []
    # every transaction is accounted for once
    lines = [s.line for s in result.sends] + [s.line for s in result.skipped]
    assert len(lines) == len(set(lines))
    assert len(lines) + result.not_qualifying == result.total == len(transactions)
    assert sorted(s.send_id for s in result.sends) == [s.send_id for s in result.sends]
    for reason, n in result.counts.items():
        if n:
            event(reason)  # --hypothesis-show-statistics: every outcome is reached
