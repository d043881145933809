"""A customer's number in plain text exists in exactly one output: the gateway's send row.
Every other structure of the whole journey (import, send list, skips, replies, matching,
satisfaction, aggregates, problems, their messages in both languages) is searched for
every number in every written form."""

from __future__ import annotations

from app.programme.perception.gateway import CsvExport, outgoing
from app.programme.perception.replies import (
    match_replies,
    read_replies,
    satisfaction,
    sms_aggregates,
)
from app.programme.perception.sendlist import SendHistory, build_send_list
from app.programme.perception.transactions import read_transactions

from .helpers import HASHER, at, leaked, tx_file

NUMBERS = ["13800138000", "13900139000", "15000150000", "18612345678"]
TRANSACTIONS = tx_file(
    "2025-06-03 08:10:00,H001,S07,+86 138-0013-8000,new_line",
    "2025-06-03 08:20:00,H001,S07,13800138000,积分兑换",  # the same customer again
    "2025-06-03 12:30:00,H002,S08,0086 139 0013 9000,new_line",
    "2025-06-03 16:00:00,H002,S08,150-0015-0000,topup",  # does not qualify
    "2025-06-01 09:00:00,H002,S09,18612345678,new_line",  # too late for this batch
)
BAD_TRANSACTIONS = tx_file("2025-06-03 08:10:00,H001,S07,+86 138-0013-800,new_line",
                           "2025-06-03 08:10:00,H001,S07,1861234567x,new_line")


def test_the_number_is_only_in_the_gateway_row() -> None:
    parsed = read_transactions(TRANSACTIONS, hasher=HASHER, keep_numbers=True)
    assert parsed.ok and parsed.contacts is not None
    assert leaked(parsed, NUMBERS) == []
    history = SendHistory([(parsed.rows[0].customer, at("2025-03-01 10:00:00"))])
    batch = build_send_list(parsed.rows, now=at("2025-06-03 08:00:00"), batch_id="B1",
                            history=history)
    assert batch.counts["sent"] == 2 and batch.counts["too_late"] == 1
    assert leaked(batch, NUMBERS) == []
    assert leaked([s.text(lang) for s in batch.skipped for lang in ("zh", "en")],
                  NUMBERS) == []

    # the one exception: the gateway's rows carry the number (its repr masks it)
    messages, missing = outgoing(batch.sends, parsed.contacts)
    assert missing == [] and [m.number for m in messages] == ["13800138000", "13900139000"]
    assert leaked(repr(messages), NUMBERS) == []
    gateway = CsvExport()
    gateway.submit(messages)
    assert "13800138000" in gateway.payload().decode() and leaked(repr(gateway), NUMBERS) == []

    replies_file = ("received_at,reply,send_id,customer\r\n"
                    f"2025-06-03 09:10:00,1,{batch.sends[0].send_id},\r\n"
                    "2025-06-03 15:10:00,2,,+86 139 0013 9000\r\n"
                    "2025-06-03 15:11:00,3,,13900139000\r\n"  # a duplicate
                    "2025-06-03 15:12:00,1,,15000150000\r\n").encode()  # never texted
    replies = read_replies(replies_file, hasher=HASHER)
    assert replies.ok and leaked(replies, NUMBERS) == []
    matched = match_replies(replies.rows, batch.sends)
    assert matched.counts["counted"] == 2 and matched.counts["duplicate"] == 1
    assert matched.counts["no_send"] == 1
    assert leaked(matched, NUMBERS) == []
    report = satisfaction(matched.counted, batch.sends)
    assert leaked(report, NUMBERS) == []
    assert leaked(sms_aggregates(report, report.by_outlet[0].month), NUMBERS) == []
    notes = [n.text(lang) for n in (*matched.unmatched, *matched.duplicates)
             for lang in ("zh", "en")]
    assert leaked(notes, NUMBERS) == []


def test_problems_never_repeat_a_number_even_a_malformed_one() -> None:
    bad = read_transactions(BAD_TRANSACTIONS, hasher=HASHER, keep_numbers=True)
    assert [p.key for p in bad.problems] == ["perception.transactions.customer_invalid"] * 2
    assert bad.contacts is None and bad.rows == []
    texts = [p.message(lang, file="tx.csv") for p in bad.problems for lang in ("zh", "en")]
    assert leaked([bad, texts], ["1380013800", "1861234567", "13800138000"]) == []
    bad_replies = read_replies(b"received_at,reply,customer\r\n"
                               b"2025-06-03 09:10:00,1,+86 138-0013-800\r\n", hasher=HASHER)
    texts = [p.message(lang) for p in bad_replies.problems for lang in ("zh", "en")]
    assert leaked([bad_replies, texts], ["1380013800"]) == []


def test_the_search_finds_a_number_wherever_it_is() -> None:
    """The search above could pass by finding nothing anywhere; it does find them."""
    from dataclasses import dataclass, field

    from app.programme.perception.transactions import Transaction

    @dataclass
    class Holder:
        rows: list[Transaction] = field(default_factory=list)
        notes: dict[str, object] = field(default_factory=dict)

        @property
        def summary(self) -> str:
            return "call +86 150-0015-0000"

    holder = Holder([Transaction(2, 0, "H1", "S1", "x", "13800138000")],
                    {"k": ({"18612345678"},), "139 0013 9000": 1})
    assert leaked(holder, NUMBERS) == sorted(NUMBERS)


def test_a_swapped_column_cannot_carry_numbers_past_the_parser() -> None:
    # the export's staff and customer columns in the other order than its header says
    swapped = tx_file("2025-06-03 08:10:00,H001,13800138000,S07,new_line")
    result = read_transactions(swapped, hasher=HASHER)
    assert [(p.line, p.column, p.key) for p in result.problems] == [
        (2, "staff_id", "perception.transactions.looks_like_number"),
        (2, "customer", "perception.transactions.customer_invalid")]
    wrong_order = tx_file("13800138000,H001,S07,2025-06-03 08:10:00,new_line")
    result = read_transactions(wrong_order, hasher=HASHER)
    assert result.problems[0].key == "perception.transactions.time_invalid"
    texts = [p.message(lang) for p in result.problems for lang in ("zh", "en")]
    assert "***" in texts[0] and leaked([result, texts], ["13800138000"]) == []
    for column in ("outlet", "business_type"):
        cells = {"time": "2025-06-03 08:10:00", "outlet": "H001", "staff_id": "S07",
                 "customer": "13900139000", "business_type": "new_line",
                 column: "+86 138 0013 8000"}
        raw = tx_file(",".join(cells.values()), header=",".join(cells))
        assert [p.key for p in read_transactions(raw, hasher=HASHER).problems] == [
            "perception.transactions.looks_like_number"]
    replies = read_replies(b"received_at,reply,send_id\r\n2025-06-03 09:10:00,1,13800138000\r\n"
                           b"138 0013 8000,1,B1-000001\r\n", hasher=HASHER)
    assert [p.key for p in replies.problems] == ["perception.transactions.looks_like_number",
                                                 "perception.replies.time_invalid"]
    texts = [p.message(lang) for p in replies.problems for lang in ("zh", "en")]
    assert leaked([replies, texts], ["13800138000"]) == []
