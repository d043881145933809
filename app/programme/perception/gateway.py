"""Sending the texts: a small interface, so a gateway adapter (an HTTP API, a vendor's
upload) can be added without touching the rules, and the CSV export every gateway can
take, as a pure row builder.

This is the one place the plain number leaves memory: an `OutgoingSms` carries it because
the gateway must have it. It is built from the send list and the `Contacts` of the same
run (transactions.read_transactions(keep_numbers=True)), handed to the gateway, and then
dropped; its repr masks the number, so a log line cannot show it. The CSV it becomes is
the gateway's upload, not an export for people (docs/perception.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from app.i18n import normalise, t
from app.programme.perception.clock import day_of, local_datetime, text
from app.programme.perception.hashing import Contacts
from app.programme.perception.sendlist import Send
from app.programme.perception.settings import ReplyRules

CSV_COLUMNS = ("send_id", "mobile", "send_at", "text")
CATEGORY_KEYS: Mapping[str, str] = {
    "new_line": "perception.category.new_line",
    "change_details": "perception.category.change_details",
    "business_handled": "perception.category.business_handled",
    "points_redeemed": "perception.category.points_redeemed",
}

_SEPARATOR = {"zh": "，", "en": ", "}  # between the reply options (punctuation, no words)


class OutgoingSms:
    """One text for the gateway. `at`: when to send it (local seconds)."""

    __slots__ = ("at", "number", "send_id", "text")

    def __init__(self, send_id: str, number: str, at: int, text: str) -> None:
        self.send_id, self.number, self.at, self.text = send_id, number, at, text

    def __repr__(self) -> str:
        masked = self.number[:3] + "*" * (len(self.number) - 7) + self.number[-4:]
        return f"OutgoingSms({self.send_id!r}, {masked!r}, at={text(self.at)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OutgoingSms) and (
            self.send_id, self.number, self.at, self.text) == (
            other.send_id, other.number, other.at, other.text)

    __hash__ = None  # type: ignore[assignment]


@dataclass
class GatewayReceipt:
    """What the gateway took: the send ids accepted, and refused ones with the gateway's
    reason (a message key of the adapter's catalogue)."""

    accepted: list[str] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


class SmsGateway(Protocol):
    """What the rules need of a gateway: take a batch of texts, say which it accepted.
    Replies come back through a file or an adapter's own import (replies.read_replies)."""

    name: str

    def submit(self, messages: Sequence[OutgoingSms]) -> GatewayReceipt: ...


def message_text(send: Send, *, outlet_name: str = "", lang: str | None = None,
                 replies: ReplyRules | None = None) -> str:
    """The text: it names the transaction (when, where, what) and asks the customer to
    rate the staff member who served them, with the reply options."""
    replies = replies or ReplyRules()
    moment = local_datetime(send.transaction_at)
    day = day_of(send.transaction_at)
    when = t("time.this_year", lang, month=t(f"time.month.{day.month}", lang), day=day.day,
             time=moment.strftime("%H:%M"))
    options = _SEPARATOR[normalise(lang)].join(
        t("perception.sms.option", lang, value=o.value, label=o.text(lang))
        for o in replies.options)
    return t("perception.sms.text", lang, when=when, outlet=outlet_name or send.outlet,
             business=t(CATEGORY_KEYS[send.category], lang), staff=send.staff,
             options=options)


def outgoing(sends: Iterable[Send], contacts: Contacts, *,
             outlet_names: Mapping[str, str] | None = None, lang: str | None = None,
             replies: ReplyRules | None = None) -> tuple[list[OutgoingSms], list[str]]:
    """The texts for the gateway, and the send ids whose number is not in `contacts`
    (sends from another run: they cannot be texted from this one)."""
    names = outlet_names or {}
    out: list[OutgoingSms] = []
    missing: list[str] = []
    for s in sends:
        number = contacts.number(s.customer)
        if number is None:
            missing.append(s.send_id)
            continue
        out.append(OutgoingSms(s.send_id, number, s.at,
                               message_text(s, outlet_name=names.get(s.outlet, ""),
                                            lang=lang, replies=replies)))
    return out, missing


def csv_rows(messages: Iterable[OutgoingSms]) -> list[list[str]]:
    """The gateway file's rows, header first: send_id, mobile, send_at, text."""
    rows = [list(CSV_COLUMNS)]
    rows.extend([m.send_id, m.number, text(m.at), m.text] for m in messages)
    return rows


def csv_bytes(messages: Iterable[OutgoingSms]) -> bytes:
    """The gateway file as UTF-8 bytes (no BOM: a machine reads it)."""
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(csv_rows(messages))
    return buffer.getvalue().encode("utf-8")


class CsvExport:
    """The CSV-file gateway: 'sending' is collecting the rows of the file the operator
    uploads to the gateway (the caller writes `payload()` where the upload is picked up,
    and removes it after)."""

    name = "csv"

    def __init__(self) -> None:
        self._messages: list[OutgoingSms] = []

    def submit(self, messages: Sequence[OutgoingSms]) -> GatewayReceipt:
        self._messages.extend(messages)
        return GatewayReceipt(accepted=[m.send_id for m in messages])

    def payload(self) -> bytes:
        return csv_bytes(self._messages)

    def __repr__(self) -> str:
        return f"CsvExport({len(self._messages)} texts)"
