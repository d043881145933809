"""Customer numbers are personal data: they are kept only as a keyed hash.

HMAC-SHA256 with the server's secret key (its settings, never the database or a log) over
the number in one normal form (11 digits, no +86, spaces or dashes), so the same customer
gives the same hash in every file and batch (enough for the two-month rule and for matching
a reply that carries a number), while a copy of the database without the key cannot be
turned back into numbers by trying every mobile number.

Where the plain number exists (docs/perception.md, "Where the number lives"): in the
bytes of the file being read, in the parser while it reads a row, and, only when the
caller asks for it (`keep_numbers`), in a `Contacts` object held in memory for the one run
that writes the gateway's send file. Every other structure carries the hash.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import NoReturn

from app.errors import UserError

MIN_KEY_BYTES = 16
MOBILE = re.compile(r"1[3-9]\d{9}")  # a mainland mobile number, the only kind texted
_DROP = re.compile(r"[\s\-().\u00a0\u2010-\u2015]")
_CHECK = b"hallcheck:perception:key-check"


def normalise_number(raw: str) -> str | None:
    """The number in its one form ('13800138000'), or None when it is not a mobile number.

    Full-width digits (NFKC), spaces, dashes, dots and brackets are dropped, and a country
    prefix +86 / 0086 / 86 is removed, so '+86 138-0013-8000' and '13800138000' are the
    same customer."""
    if len(raw) == 11 and raw.isascii() and raw.isdigit():  # the usual cell: no work
        return raw if MOBILE.fullmatch(raw) else None
    number = _DROP.sub("", unicodedata.normalize("NFKC", raw))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif len(number) == 13 and number.startswith("86"):
        number = number[2:]
    return number if MOBILE.fullmatch(number) else None


_MOBILE_INSIDE = re.compile(r"(?:\+?86[\s\-]?)?1[3-9](?:[\s\-]?\d){9}")


def looks_like_number(value: str) -> bool:
    """Whether a cell that should hold something else (an outlet code, a staff id, a send
    id) is a mobile number: a column swapped by mistake."""
    return len(value) >= 11 and normalise_number(value) is not None


def scrub(value: str) -> str:
    """A cell's text fit to repeat in a problem: anything that reads as a mobile number is
    replaced by *** (a column swapped by mistake must not put numbers into messages)."""
    return _MOBILE_INSIDE.sub("***", unicodedata.normalize("NFKC", value))


def key_from_setting(value: str) -> bytes:
    """The key as the server's settings hold it: hex (64 digits from `openssl rand -hex 32`)
    or any text of at least 16 bytes."""
    value = value.strip()
    if len(value) >= 2 * MIN_KEY_BYTES and len(value) % 2 == 0 and all(
            c in "0123456789abcdefABCDEF" for c in value):
        return bytes.fromhex(value)
    return value.encode("utf-8")


class CustomerHasher:
    """The keyed hash of customer numbers. The key stays inside (not in repr, not
    picklable); `fingerprint` names the key without revealing it, so the stored send
    history can say which key its hashes were made with and a changed key is noticed
    instead of silently letting every customer be texted again."""

    __slots__ = ("_inner", "_outer", "fingerprint")

    def __init__(self, key: bytes) -> None:
        if len(key) < MIN_KEY_BYTES:
            raise UserError("perception.key.too_short", minimum=MIN_KEY_BYTES)
        block = hashlib.sha256().block_size
        if len(key) > block:
            key = hashlib.sha256(key).digest()
        padded = key.ljust(block, b"\0")
        # HMAC's two padded-key states, computed once: each hash then copies them
        # (RFC 2104; the same digest as hmac.new, tested), about twice as fast.
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in padded))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in padded))
        self.fingerprint = self._digest(_CHECK)[:12]

    @classmethod
    def from_setting(cls, value: str) -> CustomerHasher:
        return cls(key_from_setting(value))

    def _digest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def hash_normalised(self, number: str) -> str:
        """The hash of a number already in normal form (the parsers' fast path)."""
        return self._digest(number.encode("ascii"))

    def hash(self, raw: str) -> str | None:
        """The hash of a number as written, or None when it is not a mobile number."""
        number = normalise_number(raw)
        return None if number is None else self.hash_normalised(number)

    def __repr__(self) -> str:
        return f"CustomerHasher(fingerprint={self.fingerprint!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("CustomerHasher holds the secret key and is not to be stored")


class Contacts:
    """Customer hash -> plain number, in memory only, for the run that writes the gateway's
    send rows (gateway.outgoing). Not iterable, not shown in repr, not picklable: it
    cannot end up in a log line, a report or a stored object by accident."""

    __slots__ = ("_numbers",)

    def __init__(self) -> None:
        self._numbers: dict[str, str] = {}

    def add(self, customer: str, number: str) -> None:
        self._numbers[customer] = number

    def number(self, customer: str) -> str | None:
        return self._numbers.get(customer)

    def __contains__(self, customer: object) -> bool:
        return customer in self._numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def __repr__(self) -> str:
        return f"Contacts({len(self._numbers)} numbers, not shown)"

    def __reduce__(self) -> NoReturn:
        raise TypeError("Contacts holds customers' numbers and is not to be stored")
