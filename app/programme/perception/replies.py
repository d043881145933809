"""Customers' rating replies: read them, match them to their text, and turn them into
satisfaction per outlet, staff member and month, each with the number of replies behind it.

The reply file (from the SMS gateway): received_at and reply, and for each row a send_id
(the id the text went out with, when the gateway returns it) or the customer's number
(then hashed at once, as in transactions.py, and matched by hash and time). All or
nothing, every problem with its line. The reply's own words are not kept: customers write
names and numbers into free text; what is kept is the option it reads as ('1') or that it
is not a rating.

Matching (match_replies), replies taken in the order they arrived (then by line):
- by send id: the send with that id; unknown id -> unmatched (`unknown_send`); a reply
  received before its text was scheduled -> unmatched (`before_send`);
- by number: the latest text to that customer's hash at most `reply_window_hours`
  before the reply (the two-month rule leaves at most one), else unmatched (`no_send`);
- a matched reply that is not a rating is `unreadable` and does not use up the send;
- the first rating of a send counts; any later one is a `duplicate` (also when the first
  came in an earlier file: pass the sends already answered).

A reply counts in the month of the transaction it rates (the service was given then).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from app.i18n import t
from app.programme.inputs import PerceptionAggregate
from app.programme.months import YearMonth
from app.programme.outlets import CsvProblem
from app.programme.perception.clock import HOUR, month_of
from app.programme.perception.hashing import (
    CustomerHasher,
    looks_like_number,
    normalise_number,
    scrub,
)
from app.programme.perception.sendlist import Send
from app.programme.perception.settings import Category, ReplyRules
from app.programme.perception.transactions import Problems, fit_row, open_csv, parse_time

COLUMNS = ("received_at", "reply", "send_id", "customer")
REQUIRED = ("received_at", "reply")
ALIASES = {
    "回复时间": "received_at", "接收时间": "received_at", "时间": "received_at",
    "time": "received_at", "received": "received_at",
    "回复内容": "reply", "内容": "reply", "text": "reply", "content": "reply",
    "发送编号": "send_id", "短信编号": "send_id", "流水号": "send_id", "id": "send_id",
    "手机号码": "customer", "号码": "customer", "客户号码": "customer", "number": "customer",
    "mobile": "customer",
}
SEND_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,47}$")
_TRIM = " \t\r\n。.!！,，;；~～"
_LEADING = re.compile(r"^(\d+)(\D*)$")

UnmatchedReason = Literal["unknown_send", "before_send", "no_send"]
UNMATCHED_REASONS: tuple[UnmatchedReason, ...] = ("unknown_send", "before_send", "no_send")
UNMATCHED_KEYS: Mapping[str, str] = {
    "unknown_send": "perception.unmatched.unknown_send",
    "before_send": "perception.unmatched.before_send",
    "no_send": "perception.unmatched.no_send",
}

# The words for each outcome of ReplyMatch.counts.
OUTCOME_KEYS: Mapping[str, str] = {
    "counted": "perception.reply_outcome.counted",
    "duplicate": "perception.reply_outcome.duplicate",
    "unreadable": "perception.reply_outcome.unreadable",
    "unknown_send": "perception.reply_outcome.unknown_send",
    "before_send": "perception.reply_outcome.before_send",
    "no_send": "perception.reply_outcome.no_send",
}


class Reply(NamedTuple):
    line: int
    at: int  # received, local seconds
    send_id: str  # "" when the gateway gave only the number
    customer: str  # keyed hash; "" when the gateway gave only the send id
    value: str | None  # the option it reads as ('1'); None: not a rating


@dataclass
class ReplyImport:
    rows: list[Reply] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    more_problems: int = 0
    key_fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def read_value(text: str, rules: ReplyRules) -> str | None:
    """The option a reply reads as: '1', '１', '1。', '1很满意', '很满意' -> '1'; anything
    else (another number, '12', '退订', two numbers) -> None."""
    s = unicodedata.normalize("NFKC", text).strip(_TRIM)
    if s in rules.by_value:
        return s
    option = rules.by_label.get(s)
    if option is not None:
        return option.value
    match = _LEADING.match(s)
    if match is not None and match.group(1) in rules.by_value:
        rest = match.group(2).strip(_TRIM)
        if not rest or (rest in rules.by_label
                        and rules.by_label[rest].value == match.group(1)):
            return match.group(1)
    return None


def read_replies(raw: bytes, *, hasher: CustomerHasher,
                 rules: ReplyRules | None = None) -> ReplyImport:
    """Read the gateway's reply file (see the module's docstring)."""
    rules = rules or ReplyRules()
    opened = open_csv(raw, COLUMNS, REQUIRED, ALIASES, "perception.replies.empty")
    result = ReplyImport(key_fingerprint=hasher.fingerprint)
    if not opened.problems and not {"send_id", "customer"} & set(opened.header):
        opened.problems.append(CsvProblem(1, None, "perception.replies.no_reference"))
    if opened.problems:
        result.problems = opened.problems
        return result
    header = opened.header
    width = len(header)
    index = {name: i for i, name in enumerate(header) if name}
    blank_columns = [i for i, name in enumerate(header) if not name]
    i_at, i_reply = index["received_at"], index["reply"]
    i_send, i_customer = index.get("send_id"), index.get("customer")
    hashes: dict[str, str] = {}
    rows: list[Reply] = []
    found = Problems()
    add = found.add

    for item in opened.rows():
        if isinstance(item, CsvProblem):
            add(item)
            break
        line, cells = item
        fitted = fit_row(cells, width, blank_columns)
        if fitted is None:
            add(CsvProblem(line, None, "perception.csv.extra_cells"))
            continue
        cells = fitted
        bad = False
        when = cells[i_at].strip()
        at = parse_time(when) if when else None
        if not when:
            add(CsvProblem(line, "received_at", "perception.replies.time_missing"))
            bad = True
        elif at is None:
            add(CsvProblem(line, "received_at", "perception.replies.time_invalid",
                           {"value": scrub(when)}))
            bad = True
        send_id = cells[i_send].strip() if i_send is not None else ""
        written = cells[i_customer].strip() if i_customer is not None else ""
        if send_id and looks_like_number(send_id):  # a swapped column: never kept
            add(CsvProblem(line, "send_id", "perception.transactions.looks_like_number"))
            bad = True
        elif send_id and not SEND_ID.fullmatch(send_id):
            add(CsvProblem(line, "send_id", "perception.replies.send_id_invalid",
                           {"value": scrub(send_id[:60])}))
            bad = True
        number = normalise_number(written) if written else None
        if written and number is None:  # never repeated: personal data
            add(CsvProblem(line, "customer", "perception.replies.customer_invalid"))
            bad = True
        if not send_id and not written:
            add(CsvProblem(line, None, "perception.replies.reference_missing"))
            bad = True
        if bad or found.count:
            continue
        assert at is not None
        customer = ""
        if number is not None:
            customer = hashes.get(number) or hashes.setdefault(
                number, hasher.hash_normalised(number))
        rows.append(Reply(line, at, send_id, customer, read_value(cells[i_reply], rules)))
    if found.count:
        result.problems, result.more_problems = found.kept, found.count - len(found.kept)
        return result
    if not rows:
        result.problems = [CsvProblem(1, None, "perception.replies.empty")]
        return result
    result.rows = rows
    return result


# --- matching -----------------------------------------------------------------------------


class CountedReply(NamedTuple):
    """A rating that counts, with what it rates."""

    send_id: str
    line: int
    at: int
    value: str
    outlet: str
    staff: str
    month: YearMonth  # of the transaction rated
    category: Category


class ReplyNote(NamedTuple):
    """A reply that does not count: its line, the send it matched ('' for none) and why."""

    line: int
    send_id: str
    reason: str  # an UnmatchedReason, "duplicate" or "unreadable"

    def text(self, lang: str | None = None) -> str:
        key = UNMATCHED_KEYS.get(self.reason) or (
            "perception.reply_note.duplicate" if self.reason == "duplicate"
            else "perception.reply_note.unreadable")
        return t(key, lang, send=self.send_id)


@dataclass
class ReplyMatch:
    counted: list[CountedReply] = field(default_factory=list)
    duplicates: list[ReplyNote] = field(default_factory=list)
    unreadable: list[ReplyNote] = field(default_factory=list)
    unmatched: list[ReplyNote] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = {"counted": len(self.counted), "duplicate": len(self.duplicates),
               "unreadable": len(self.unreadable)}
        found = Counter(n.reason for n in self.unmatched)
        out.update({r: found.get(r, 0) for r in UNMATCHED_REASONS})
        return out


def match_replies(replies: Iterable[Reply], sends: Iterable[Send], *,
                  answered: Collection[str] = (), rules: ReplyRules | None = None
                  ) -> ReplyMatch:
    """Match replies to their sends (see the module's docstring). `sends`: the stored sends
    the replies can answer (for number matching, at least those of the reply window before
    the earliest reply); `answered`: send ids that already have a counted reply."""
    rules = rules or ReplyRules()
    window = rules.reply_window_hours * HOUR
    by_id: dict[str, Send] = {}
    by_customer: dict[str, list[Send]] = {}
    for s in sends:
        by_id[s.send_id] = s
        by_customer.setdefault(s.customer, []).append(s)
    times: dict[str, list[int]] = {}
    for customer, group in by_customer.items():
        group.sort(key=lambda s: s.at)
        times[customer] = [s.at for s in group]
    done = set(answered)
    out = ReplyMatch()
    for r in sorted(replies, key=lambda r: (r.at, r.line)):
        send: Send | None = None
        if r.send_id:
            send = by_id.get(r.send_id)
            if send is None:
                out.unmatched.append(ReplyNote(r.line, "", "unknown_send"))
                continue
            if r.at < send.at:
                out.unmatched.append(ReplyNote(r.line, send.send_id, "before_send"))
                continue
        else:
            group_times = times.get(r.customer)
            if group_times:
                i = bisect_right(group_times, r.at) - 1
                if i >= 0 and r.at - group_times[i] <= window:
                    send = by_customer[r.customer][i]
            if send is None:
                out.unmatched.append(ReplyNote(r.line, "", "no_send"))
                continue
        if r.value is None:
            out.unreadable.append(ReplyNote(r.line, send.send_id, "unreadable"))
        elif send.send_id in done:
            out.duplicates.append(ReplyNote(r.line, send.send_id, "duplicate"))
        else:
            done.add(send.send_id)
            out.counted.append(CountedReply(send.send_id, r.line, r.at, r.value, send.outlet,
                                            send.staff, month_of(send.transaction_at),
                                            send.category))
    return out


# --- satisfaction -------------------------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    """One figure: an outlet's month (staff == '') or a staff member's (outlet == '';
    `outlets` says where they served)."""

    month: YearMonth
    outlet: str
    staff: str
    sends: int  # texts that went out for it (the response rate's base)
    replies: int  # counted replies behind the score
    counts: Mapping[str, int]  # replies per option value
    score: float | None  # 0..100; None without replies
    sufficient: bool  # replies >= min_replies
    outlets: tuple[str, ...] = ()

    @property
    def response_rate(self) -> float | None:
        return None if not self.sends else self.replies / self.sends


@dataclass
class SatisfactionReport:
    by_outlet: list[Satisfaction] = field(default_factory=list)
    by_staff: list[Satisfaction] = field(default_factory=list)

    def outlet(self, code: str, month: YearMonth) -> Satisfaction | None:
        return next((s for s in self.by_outlet if s.outlet == code and s.month == month),
                    None)


def score_of(counts: Mapping[str, int], rules: ReplyRules) -> float | None:
    """0..100 from the replies per option: the satisfied share, or the mean of the points."""
    total = sum(counts.values())
    if not total:
        return None
    if rules.method == "satisfied_share":
        good = sum(n for v, n in counts.items() if rules.by_value[v].satisfied)
        return 100.0 * good / total
    return sum(rules.by_value[v].points * n for v, n in counts.items()) / total


def satisfaction(counted: Iterable[CountedReply], sends: Iterable[Send] = (), *,
                 rules: ReplyRules | None = None) -> SatisfactionReport:
    """Satisfaction per outlet and month and per staff member and month. `sends`: the texts
    of the same months (for the response rate; an outlet with texts and no reply is listed
    with replies 0 and no score)."""
    rules = rules or ReplyRules()
    outlet_counts: dict[tuple[YearMonth, str], Counter[str]] = {}
    staff_counts: dict[tuple[YearMonth, str], Counter[str]] = {}
    outlet_sends: Counter[tuple[YearMonth, str]] = Counter()
    staff_sends: Counter[tuple[YearMonth, str]] = Counter()
    staff_outlets: dict[tuple[YearMonth, str], set[str]] = {}
    for s in sends:
        month = month_of(s.transaction_at)
        outlet_sends[month, s.outlet] += 1
        staff_sends[month, s.staff] += 1
        outlet_counts.setdefault((month, s.outlet), Counter())
        staff_counts.setdefault((month, s.staff), Counter())
        staff_outlets.setdefault((month, s.staff), set()).add(s.outlet)
    for c in counted:
        outlet_counts.setdefault((c.month, c.outlet), Counter())[c.value] += 1
        staff_counts.setdefault((c.month, c.staff), Counter())[c.value] += 1
        staff_outlets.setdefault((c.month, c.staff), set()).add(c.outlet)
    report = SatisfactionReport()
    for (month, outlet), found in sorted(outlet_counts.items()):
        n = sum(found.values())
        report.by_outlet.append(Satisfaction(
            month, outlet, "", outlet_sends[month, outlet], n, dict(found),
            score_of(found, rules), n >= rules.min_replies))
    for (month, staff), found in sorted(staff_counts.items()):
        n = sum(found.values())
        report.by_staff.append(Satisfaction(
            month, "", staff, staff_sends[month, staff], n, dict(found),
            score_of(found, rules), n >= rules.min_replies,
            tuple(sorted(staff_outlets.get((month, staff), ())))))
    return report


def sms_aggregates(report: SatisfactionReport, month: YearMonth) -> list[PerceptionAggregate]:
    """The month's outlet figures as the month close takes them (source sms_satisfaction)."""
    return [PerceptionAggregate(s.outlet, "sms_satisfaction",
                                None if s.score is None else round(s.score, 2), s.replies,
                                s.sufficient)
            for s in report.by_outlet if s.month == month]
