"""The month close's perception input, read from the stored sends, replies and intercept
records, agrees with the pure rules over the same data; halls under 30 records and outlets
under 30 replies are passed as insufficient, without a score."""

from __future__ import annotations

from datetime import datetime

import pytest

from app.central.context import ServerContext
from app.central.perception.intercept import intercept_responses
from app.central.perception.month_inputs import perception_aggregates
from app.central.perception.store import record_batch, record_replies
from app.programme.months import YearMonth
from app.programme.perception.clock import LOCAL, local_seconds
from app.programme.perception.hashing import CustomerHasher
from app.programme.perception.intercept import Period, aggregate, intercept_aggregates
from app.programme.perception.replies import Reply, match_replies, satisfaction, sms_aggregates
from app.programme.perception.sendlist import build_send_list
from app.programme.perception.transactions import Transaction

from .support import KEY, intercept_record, number, outlets

JUNE = YearMonth(2025, 6)
HASHER = CustomerHasher.from_setting(KEY)


def _sends(n_a: int, n_b: int) -> list[Transaction]:
    rows = []
    for i in range(n_a + n_b):
        outlet = "HALL-A" if i < n_a else "HALL-B"
        at = local_seconds(datetime(2025, 6, 10, 10, 0)) + i * 60
        rows.append(Transaction(i + 2, at, outlet, f"S{i % 3}", "积分兑换",
                                HASHER.hash(number(i)) or ""))
    return rows


def test_sms_and_intercept_aggregates_of_a_month(ctx: ServerContext) -> None:
    outlets(ctx, "HALL-A", "HALL-B")
    rows = _sends(34, 31)
    made = build_send_list(rows, now=datetime(2025, 6, 10, 9, 0), batch_id="B20250610-1")
    assert len(made.sends) == 65
    record_batch(ctx, "B20250610-1", made, now=local_seconds(datetime(2025, 6, 10, 9, 0)),
                 fingerprint=HASHER.fingerprint, raw=b"file")
    # HALL-A: 32 ratings (30 needed); HALL-B: 29, and one unreadable reply
    replies = []
    for i, s in enumerate(made.sends):
        if s.outlet == "HALL-A" and i < 32:
            replies.append(Reply(i + 2, s.at + 600, s.send_id, "", "1" if i % 4 else "3"))
        elif s.outlet == "HALL-B" and i < 34 + 29:
            replies.append(Reply(i + 2, s.at + 600, s.send_id, "", "2"))
    replies.append(Reply(999, made.sends[-1].at + 600, made.sends[-1].send_id, "", None))
    match = match_replies(replies, made.sends)
    record_replies(ctx, match.counted, b"replies", fingerprint=HASHER.fingerprint)

    # intercept: HALL-A 30 records (sufficient), HALL-B 29 (insufficient); one rejected
    # record and one from July are not counted
    for i in range(30):
        intercept_record(ctx, "HALL-A", datetime(2025, 6, 1 + i % 28, 10, 0, tzinfo=LOCAL),
                         {"e_attitude": 6, "p_attitude": 4 + i % 3, "e_efficiency": 5,
                          "p_efficiency": 5, "overall": 5})
    for i in range(29):
        intercept_record(ctx, "HALL-B", datetime(2025, 6, 2, 10, i, tzinfo=LOCAL),
                         {"e_attitude": 7, "p_attitude": 7})
    intercept_record(ctx, "HALL-B", datetime(2025, 6, 3, 10, 0, tzinfo=LOCAL),
                     {"e_attitude": 7, "p_attitude": 1}, state="rejected")
    intercept_record(ctx, "HALL-B", datetime(2025, 7, 1, 0, 30, tzinfo=LOCAL),
                     {"e_attitude": 7, "p_attitude": 1})

    got = perception_aggregates(ctx, JUNE)

    expected_sms = sms_aggregates(satisfaction(match.counted, made.sends), JUNE)
    assert [got[f"sms_satisfaction/{a.outlet_code}"] for a in expected_sms] == expected_sms
    a, b = got["sms_satisfaction/HALL-A"], got["sms_satisfaction/HALL-B"]
    assert (a.count, a.sufficient, a.score) == (32, True, 75.0)  # 24 of 32 satisfied
    assert (b.count, b.sufficient, b.score) == (29, False, 100.0)

    responses = intercept_responses(ctx, JUNE.first_day, JUNE.last_day)
    assert len(responses) == 59
    expected_icp = intercept_aggregates(aggregate(responses, Period.month(JUNE)))
    assert [got[f"intercept/{x.outlet_code}"] for x in expected_icp] == expected_icp
    ia, ib = got["intercept/HALL-A"], got["intercept/HALL-B"]
    assert ia.sufficient and ia.count == 30 and ia.score is not None
    assert (ib.count, ib.sufficient, ib.score) == (29, False, None)


def test_a_month_without_data_gives_nothing(ctx: ServerContext) -> None:
    assert perception_aggregates(ctx, JUNE) == {}


@pytest.mark.parametrize("hour", [0, 23])
def test_an_intercept_counts_in_its_local_day(ctx: ServerContext, hour: int) -> None:
    """00:30 on 1 July in China is 30 June in UTC: it counts in July."""
    outlets(ctx, "HALL-A")
    intercept_record(ctx, "HALL-A", datetime(2025, 7, 1, hour, 30, tzinfo=LOCAL),
                     {"p_attitude": 5})
    assert intercept_responses(ctx, JUNE.first_day, JUNE.last_day) == []
    july = YearMonth(2025, 7)
    assert len(intercept_responses(ctx, july.first_day, july.last_day)) == 1
