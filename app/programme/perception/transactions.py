"""The business system's transaction export: who was served where, when, for what.

Columns: time, outlet, staff_id, customer (the mobile number), business_type; the Chinese
headers of the export (办理时间, 营业厅编码, 工号, 客户号码, 业务类型 and a few more) are
read as the same. UTF-8, UTF-8 with a BOM or GB18030 (outlets.decode_csv), all or
nothing: with any problem no row is returned, and every problem names its line.

The customer number is normalised and hashed (hashing.py) as the row is read: a
`Transaction` carries only the hash. The plain number is kept, in a `Contacts` held in
memory, only when the caller asks for it to write the gateway's send file in the same run.
A problem with a number never repeats the number.

Pure: bytes in, rows or problems out.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from app.programme.outlets import CODE_PATTERN, CsvProblem, decode_csv
from app.programme.perception.clock import DAY, HOUR, OFFSET
from app.programme.perception.hashing import (
    Contacts,
    CustomerHasher,
    looks_like_number,
    normalise_number,
    scrub,
)

COLUMNS = ("time", "outlet", "staff_id", "customer", "business_type")
# Other names the same column goes by (lower-cased), so the export is read as it comes.
ALIASES = {
    "办理时间": "time", "受理时间": "time", "交易时间": "time", "时间": "time",
    "transaction_time": "time", "datetime": "time",
    "营业厅编码": "outlet", "网点编码": "outlet", "渠道编码": "outlet", "outlet_code": "outlet",
    "工号": "staff_id", "营业员工号": "staff_id", "staff": "staff_id",
    "客户号码": "customer", "手机号码": "customer", "服务号码": "customer",
    "customer_number": "customer", "number": "customer", "mobile": "customer",
    "业务类型": "business_type", "type": "business_type",
}
STAFF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$")
MAX_TYPE_LENGTH = 64
MAX_PROBLEMS = 200  # a file wrong on every line says so in the first 200 and a count
_TIME = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$")
_PLAIN_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", re.ASCII)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class Transaction(NamedTuple):
    """One row of the export, checked. A plain tuple on purpose: the send list reads
    millions of them."""

    line: int
    at: int  # local seconds (clock.py)
    outlet: str
    staff: str
    business_type: str  # the export's code, as written
    customer: str  # the keyed hash of the number, never the number


@dataclass
class TransactionImport:
    """Every row of a clean file, or (with problems) no row at all."""

    rows: list[Transaction] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    more_problems: int = 0  # problems beyond the MAX_PROBLEMS listed
    key_fingerprint: str = ""  # which key made the hashes (hashing.CustomerHasher)
    contacts: Contacts | None = None  # only with keep_numbers, for the gateway rows

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def business_types(self) -> dict[str, int]:
        """How many rows of each business-type code the file has (so a code the settings
        do not know is seen, not silently never texted)."""
        return dict(Counter(row.business_type for row in self.rows))


@lru_cache(maxsize=4096)
def _day(text: str) -> int | None:
    """'2025-06-03' -> days since 1970-01-01, None for no such day (a file has few days)."""
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:10])).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None


def parse_time(value: str) -> int | None:
    """'2025-06-03 14:05:00', '2025/6/3 14:05', '2025-06-03T14:05:00+08:00' -> local
    seconds; a time without an offset is local time. None when it cannot be read."""
    value = value.strip()
    if _PLAIN_TIME.fullmatch(value):  # the business system's own form: the fast way
        days = _day(value[:10])
        h, mi, s = int(value[11:13]), int(value[14:16]), int(value[17:19])
        if days is None or h > 23 or mi > 59 or s > 59:
            return None
        return days * DAY + h * HOUR + mi * 60 + s
    match = _TIME.fullmatch(value)
    if match is None:
        return None
    y, mo, d, h, mi = (int(match.group(i)) for i in range(1, 6))
    s = int(match.group(6) or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    try:
        days = date(y, mo, d).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    at = days * DAY + h * HOUR + mi * 60 + s
    zone = match.group(7)
    if zone and zone != "Z":
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset = sign * (int(digits[:2]) * HOUR + int(digits[2:]) * 60)
        at += OFFSET - offset
    elif zone == "Z":
        at += OFFSET
    return at


def _first_bad_line(raw: bytes) -> int:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return raw[: exc.start].count(b"\n") + 1
    return 1


def header_columns(first: list[str], aliases: dict[str, str]) -> list[str]:
    """The header's cells as column names, other names of a column resolved."""
    header = [cell.strip().lstrip("\ufeff").lower() for cell in first]
    return [aliases.get(name, name) for name in header]


def check_header(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]
                 ) -> list[CsvProblem]:
    problems = [CsvProblem(1, col, "perception.csv.missing_column", {"column": col})
                for col in required if col not in header]
    seen: set[str] = set()
    for col in header:
        if not col:
            continue  # an unnamed column (a trailing comma) is fine while its cells are empty
        if col in seen:
            problems.append(CsvProblem(1, col, "programme.csv.duplicate_column",
                                       {"column": col}))
        elif col not in columns:
            problems.append(CsvProblem(1, col, "perception.csv.unknown_column",
                                       {"column": col, "columns": ", ".join(columns)}))
        seen.add(col)
    return problems


@dataclass
class CsvRows:
    """A decoded CSV's data rows with their first physical line, or the file's problems."""

    header: list[str] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    text: str = ""

    def rows(self) -> Iterator[tuple[int, list[str]] | CsvProblem]:
        """(line, cells) of every non-blank row; a CsvProblem (and the end) where the text
        stops being CSV."""
        reader = csv.reader(io.StringIO(self.text, newline=""), strict=True)
        next(reader, None)
        end = reader.line_num
        while True:
            try:
                cells = next(reader, None)
            except csv.Error:
                yield CsvProblem(end + 1, None, "programme.csv.malformed")
                return
            if cells is None:
                return
            line, end = end + 1, reader.line_num  # a quoted cell may span lines: its first
            if any(cell.strip() for cell in cells):
                yield line, cells


class Problems:
    """A file's problems as the readers collect them: the first MAX_PROBLEMS kept, every one
    counted (so the message can say how many more there are)."""

    def __init__(self) -> None:
        self.kept: list[CsvProblem] = []
        self.count = 0

    def add(self, problem: CsvProblem) -> None:
        self.count += 1
        if len(self.kept) < MAX_PROBLEMS:
            self.kept.append(problem)


def fit_row(cells: list[str], width: int, blank_columns: list[int]) -> list[str] | None:
    """The row's cells padded to the header's width; None when it has cells beyond the
    header or under an unnamed column (an unquoted comma shifted them)."""
    if any(c.strip() for c in cells[width:]) or any(
            cells[i].strip() for i in blank_columns if i < len(cells)):
        return None
    return cells + [""] * (width - len(cells)) if len(cells) < width else cells


def open_csv(raw: bytes, columns: tuple[str, ...], required: tuple[str, ...],
             aliases: dict[str, str], empty_key: str) -> CsvRows:
    """Decode the bytes and read the header (shared by the transaction and reply files)."""
    text = decode_csv(raw)
    if text is None:
        return CsvRows(problems=[CsvProblem(_first_bad_line(raw), None,
                                            "programme.csv.encoding")])
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
    except csv.Error:
        return CsvRows(problems=[CsvProblem(1, None, "programme.csv.malformed")])
    if first is None or not any(cell.strip() for cell in first):
        return CsvRows(problems=[CsvProblem(1, None, empty_key)])
    header = header_columns(first, aliases)
    problems = check_header(header, columns, required)
    return CsvRows(header=header, problems=problems, text=text)


def read_transactions(raw: bytes, *, hasher: CustomerHasher,
                      outlets: Collection[str] | None = None,
                      keep_numbers: bool = False) -> TransactionImport:
    """Read a transaction export. `outlets`: the outlet codes the office knows (a row for
    any other is a problem: add the outlet first), None to take any well-formed code.
    `keep_numbers`: also return the plain numbers in a Contacts, for the gateway's send
    rows of this run only (never store it)."""
    opened = open_csv(raw, COLUMNS, COLUMNS, ALIASES, "perception.transactions.empty")
    result = TransactionImport(key_fingerprint=hasher.fingerprint)
    if opened.problems:
        result.problems = opened.problems
        return result
    header = opened.header
    width = len(header)
    index = {name: i for i, name in enumerate(header) if name}
    i_time, i_outlet, i_staff = index["time"], index["outlet"], index["staff_id"]
    i_customer, i_type = index["customer"], index["business_type"]
    known = None if outlets is None else frozenset(outlets)
    blank_columns = [i for i, name in enumerate(header) if not name]
    contacts = Contacts() if keep_numbers else None
    hashes: dict[str, str] = {}  # normal-form number -> hash: one hash per customer
    rows: list[Transaction] = []
    found = Problems()
    add = found.add

    for item in opened.rows():
        if isinstance(item, CsvProblem):
            add(item)
            break
        line, cells = item
        if len(cells) != width or blank_columns:
            fitted = fit_row(cells, width, blank_columns)
            if fitted is None:
                add(CsvProblem(line, None, "perception.csv.extra_cells"))
                continue
            cells = fitted
        bad = False
        when = cells[i_time].strip()
        at = parse_time(when) if when else None
        if not when:
            add(CsvProblem(line, "time", "perception.transactions.time_missing"))
            bad = True
        elif at is None:
            add(CsvProblem(line, "time", "perception.transactions.time_invalid",
                           {"value": scrub(when)}))
            bad = True
        outlet = cells[i_outlet].strip()
        if not outlet:
            add(CsvProblem(line, "outlet", "perception.transactions.outlet_missing"))
            bad = True
        elif looks_like_number(outlet):
            add(CsvProblem(line, "outlet", "perception.transactions.looks_like_number"))
            bad = True
        elif not CODE_PATTERN.fullmatch(outlet):
            add(CsvProblem(line, "outlet", "perception.transactions.outlet_invalid",
                           {"code": outlet}))
            bad = True
        elif known is not None and outlet not in known:
            add(CsvProblem(line, "outlet", "perception.transactions.outlet_unknown",
                           {"code": outlet}))
            bad = True
        staff = cells[i_staff].strip()
        if not staff:
            add(CsvProblem(line, "staff_id", "perception.transactions.staff_missing"))
            bad = True
        elif looks_like_number(staff):  # a staff id is printed in the text and reports
            add(CsvProblem(line, "staff_id", "perception.transactions.looks_like_number"))
            bad = True
        elif not STAFF_PATTERN.fullmatch(staff):
            add(CsvProblem(line, "staff_id", "perception.transactions.staff_invalid",
                           {"value": scrub(staff)}))
            bad = True
        kind = cells[i_type].strip()
        if not kind:
            add(CsvProblem(line, "business_type", "perception.transactions.type_missing"))
            bad = True
        elif looks_like_number(kind):
            add(CsvProblem(line, "business_type", "perception.transactions.looks_like_number"))
            bad = True
        elif len(kind) > MAX_TYPE_LENGTH:
            add(CsvProblem(line, "business_type", "perception.transactions.type_too_long",
                           {"limit": MAX_TYPE_LENGTH}))
            bad = True
        written = cells[i_customer]
        number = normalise_number(written) if written.strip() else None
        if not written.strip():
            add(CsvProblem(line, "customer", "perception.transactions.customer_missing"))
            bad = True
        elif number is None:  # the problem never repeats what was written: personal data
            add(CsvProblem(line, "customer", "perception.transactions.customer_invalid"))
            bad = True
        if bad or found.count:
            continue  # after the first problem nothing is kept, only checked
        assert number is not None and at is not None
        customer = hashes.get(number)
        if customer is None:
            customer = hashes[number] = hasher.hash_normalised(number)
            if contacts is not None:
                contacts.add(customer, number)
        rows.append(Transaction(line, at, outlet, staff, kind, customer))
    if found.count:
        result.problems, result.more_problems = found.kept, found.count - len(found.kept)
        return result
    if not rows:
        result.problems = [CsvProblem(1, None, "perception.transactions.empty")]
        return result
    result.rows, result.contacts = rows, contacts
    return result
