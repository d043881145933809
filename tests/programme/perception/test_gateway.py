"""The texts for the gateway: what they say, the CSV rows they become, and the number
only there (masked in any repr)."""

from __future__ import annotations

import csv
import io

from app.programme.perception.gateway import (
    CSV_COLUMNS,
    CsvExport,
    OutgoingSms,
    SmsGateway,
    csv_rows,
    message_text,
    outgoing,
)
from app.programme.perception.sendlist import build_send_list
from app.programme.perception.settings import ReplyOption, ReplyRules
from app.programme.perception.transactions import read_transactions

from .helpers import HASHER, at, tx_file

FILE = tx_file("2025-06-03 08:10:00,H001,S07,+86 138-0013-8000,积分兑换",
               "2025-06-03 16:20:00,H002,S08,13900139000,new_line")


def _run() -> tuple[list[OutgoingSms], list[str]]:
    parsed = read_transactions(FILE, hasher=HASHER, keep_numbers=True)
    assert parsed.contacts is not None
    batch = build_send_list(parsed.rows, now=at("2025-06-03 08:00:00"), batch_id="B1")
    return outgoing(batch.sends, parsed.contacts, outlet_names={"H001": "人民路营业厅"})


def test_the_text_names_the_transaction_the_staff_member_and_the_options() -> None:
    messages, missing = _run()
    assert missing == []
    first = messages[0]
    assert first.number == "13800138000" and first.send_id == "B1-000001"
    assert first.at == at("2025-06-03 09:00:00")
    for part in ("6月3日 08:10", "人民路营业厅", "积分兑换", "工号S07",
                 "1代表很满意，2代表满意，3代表不满意"):
        assert part in first.text
    assert "H002" in messages[1].text  # an outlet without a name: its code


def test_the_text_in_english_and_with_another_scale() -> None:
    parsed = read_transactions(FILE, hasher=HASHER)
    send = build_send_list(parsed.rows, now=0, batch_id="B1").sends[0]
    english = message_text(send, outlet_name="Renmin Road", lang="en")
    assert "3 Jun 08:10" in english and "1 for very satisfied, 2 for satisfied" in english
    scale = ReplyRules(options=(ReplyOption("1", ("满意", "satisfied"), 100, True),
                                ReplyOption("0", ("不满意", "dissatisfied"), 0, False)))
    assert "1代表满意，0代表不满意" in message_text(send, replies=scale)


def test_the_gateway_file_and_the_masked_repr() -> None:
    messages, _ = _run()
    rows = csv_rows(messages)
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][:3] == ["B1-000001", "13800138000", "2025-06-03 09:00:00"]
    assert "13800138000" not in repr(messages) and "138****8000" in repr(messages[0])
    gateway: SmsGateway = CsvExport()
    receipt = gateway.submit(messages)
    assert receipt.accepted == ["B1-000001", "B1-000002"] and receipt.refused == []
    payload = gateway.payload()  # type: ignore[attr-defined]
    back = list(csv.reader(io.StringIO(payload.decode("utf-8"), newline="")))
    assert back == rows
    assert "13800138000" not in repr(gateway)


def test_a_send_whose_number_this_run_does_not_have_is_named_not_texted() -> None:
    parsed = read_transactions(FILE, hasher=HASHER)
    batch = build_send_list(parsed.rows, now=0, batch_id="B1")
    other = read_transactions(tx_file("2025-06-03 08:10:00,H001,S07,13700137000,new_line"),
                              hasher=HASHER, keep_numbers=True)
    assert other.contacts is not None
    messages, missing = outgoing(batch.sends, other.contacts)
    assert messages == [] and missing == ["B1-000001", "B1-000002"]
