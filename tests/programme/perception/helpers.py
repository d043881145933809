"""Builders for the perception tests: a hasher with a test key, transaction and reply files
as the business system and the gateway write them, local times from readable text, and a
walk over any result that finds a plain customer number wherever it hides."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from app.programme.perception.clock import local_seconds
from app.programme.perception.hashing import Contacts, CustomerHasher
from app.programme.perception.sendlist import Send
from app.programme.perception.transactions import Transaction

KEY = b"test-key-0123456789-abcdef"
HASHER = CustomerHasher(KEY)
_SEPARATORS = re.compile(r"[\s\-()+]")
HEADER = "time,outlet,staff_id,customer,business_type"


def at(text: str) -> int:
    """'2025-06-03 12:30:00' (local) -> local seconds."""
    return local_seconds(datetime.fromisoformat(text))


def number(i: int) -> str:
    """A distinct, valid mobile number per i."""
    return f"138{i:08d}"


def tx_file(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def tx(when: str, customer: int | str, *, outlet: str = "H001", staff: str = "S01",
       kind: str = "new_line", line: int = 2) -> Transaction:
    """A parsed transaction (the customer hashed as the parser does)."""
    plain = number(customer) if isinstance(customer, int) else customer
    return Transaction(line, at(when), outlet, staff, kind, HASHER.hash_normalised(plain))


def customer_hash(i: int) -> str:
    return HASHER.hash_normalised(number(i))


def send(send_id: str, customer: int, when: str, *, transaction: str | None = None,
         outlet: str = "H001", staff: str = "S01") -> Send:
    moment = at(when)
    return Send(send_id, customer_hash(customer), moment,
                at(transaction) if transaction else moment - 3600, outlet, staff, "new_line",
                "new_line", 0)


def strings_in(value: object, seen: set[int] | None = None) -> Iterator[str]:
    """Every string inside a result: fields of dataclasses and named tuples, mapping keys
    and values, items of sequences and sets, and each object's repr. Contacts (the one
    holder of numbers, for the gateway) is yielded only as its repr."""
    seen = set() if seen is None else seen
    shown = repr(value)
    # a property may build a new equal object each time (YearMonth.quarter_start): the
    # same type and repr is the same value, seen once
    mark = hash((type(value).__qualname__, shown))
    if mark in seen:
        return
    seen.add(mark)
    yield shown
    if isinstance(value, str):
        yield value
    elif isinstance(value, Contacts):
        return
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings_in(getattr(value, f.name), seen)
        for name in dir(type(value)):  # properties (counts, ok) too
            if isinstance(getattr(type(value), name, None), property):
                yield from strings_in(getattr(value, name), seen)
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from strings_in(k, seen)
            yield from strings_in(v, seen)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from strings_in(item, seen)
    elif hasattr(value, "__slots__"):
        for name in getattr(value, "__slots__", ()):
            if hasattr(value, name):
                yield from strings_in(getattr(value, name), seen)


def leaked(value: object, numbers: Iterable[str]) -> list[str]:
    """The numbers (any of their 11-digit forms) found anywhere in `value`."""
    wanted = set(numbers)
    found = set()
    for s in strings_in(value):
        squeezed = _SEPARATORS.sub("", s)  # '138 0000-0001' is the number too
        for n in wanted:
            if n in squeezed:
                found.add(n)
    return sorted(found)
