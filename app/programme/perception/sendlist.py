"""Which transactions get a rating text, and when (domain, "Customer perception data").

The rules, in the order they are applied to each transaction:

1. its business type is one of the qualifying ones (settings: code -> category), else it
   is only counted (`not_qualifying`);
2. the text is scheduled at the earliest allowed moment at or after the transaction, and
   at or after `now` (the batch cannot text the past): allowed moments are inside a
   window, start included, end excluded (09:00:00 and 12:29:59 are allowed, 12:30:00 and
   21:00:00 are not: the next allowed moment is 15:00:00, or 09:00:00 the next day);
3. that moment is at most 24 hours after the transaction (exactly 24 h is still in time),
   else `too_late`;
4. no text to the same customer less than 62 days (`repeat_days`) before or after it in
   the history of earlier batches (the stored hashes and send times), else
   `texted_recently`; exactly 62 days later is allowed;
5. one text per customer per batch: the earliest transaction that passed 1-4 (the lowest
   line on a tie); the customer's other transactions are `repeat_in_batch`.

Every transaction is either sent or counted with its reason. Pure and fast: times are
local seconds (clock.py), the window rule is one look-up in a table of the day's seconds,
and the customer is a hash already (hashed once per customer by the parser).
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from operator import itemgetter
from typing import Literal, NamedTuple

from app.errors import UserError
from app.i18n import t
from app.programme.perception.clock import DAY, local_datetime, local_seconds, text
from app.programme.perception.settings import Category, SmsRules
from app.programme.perception.transactions import Transaction

SkipReason = Literal["too_late", "texted_recently", "repeat_in_batch"]
SKIP_REASONS: tuple[SkipReason, ...] = ("too_late", "texted_recently", "repeat_in_batch")
_SKIP_KEYS: Mapping[str, str] = {
    "too_late": "perception.skip.too_late",
    "texted_recently": "perception.skip.texted_recently",
    "repeat_in_batch": "perception.skip.repeat_in_batch",
}
# The words for each outcome of SendList.counts (a page's or the CLI's summary).
OUTCOME_KEYS: Mapping[str, str] = {
    "sent": "perception.outcome.sent",
    "not_qualifying": "perception.outcome.not_qualifying",
    "too_late": "perception.outcome.too_late",
    "texted_recently": "perception.outcome.texted_recently",
    "repeat_in_batch": "perception.outcome.repeat_in_batch",
}
_LINE_BITS = 32  # a file has fewer than 4,294,967,296 lines
# A batch id starts with a letter, so no send id can ever read as a phone number.
BATCH_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]{0,23}$")


class Send(NamedTuple):
    """One text to send, and (stored with the hash only) the record replies match to."""

    send_id: str
    customer: str  # keyed hash
    at: int  # scheduled, local seconds
    transaction_at: int
    outlet: str
    staff: str
    business_type: str
    category: Category
    line: int = 0  # the transaction's line in its file (0: not from a file)


class Skip(NamedTuple):
    """A qualifying transaction that gets no text, and why. `detail`: for too_late the
    earliest allowed moment, for texted_recently the earlier text's time (local seconds),
    for repeat_in_batch the line of the customer's transaction that gets the text."""

    line: int
    reason: SkipReason
    detail: int

    def text(self, lang: str | None = None) -> str:
        when = text(self.detail) if self.reason != "repeat_in_batch" else ""
        return t(_SKIP_KEYS[self.reason], lang, at=when, line=self.detail)


class SendHistory:
    """The texts of earlier batches: customer hash -> send times (local seconds). Pass the
    sends of at least the last `repeat_days` plus `within_hours` before the batch."""

    __slots__ = ("_times",)

    def __init__(self, sends: Iterable[tuple[str, int]] = ()) -> None:
        times: dict[str, tuple[int, ...]] = {}
        for customer, at in sends:
            earlier = times.get(customer)
            times[customer] = (at,) if earlier is None else (*earlier, at)
        self._times = times

    @classmethod
    def of_sends(cls, sends: Iterable[Send]) -> SendHistory:
        return cls((s.customer, s.at) for s in sends)

    def times(self, customer: str) -> tuple[int, ...]:
        return self._times.get(customer, ())

    def blocking(self, customer: str, at: int, repeat_s: int) -> int | None:
        """The earlier text that forbids a text at `at`, or None."""
        for sent in self._times.get(customer, ()):
            if -repeat_s < at - sent < repeat_s:
                return sent
        return None

    def __len__(self) -> int:
        return len(self._times)


@dataclass
class SendList:
    batch_id: str
    now: int
    sends: list[Send] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    not_qualifying: int = 0
    total: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """Transactions by outcome: sent, not_qualifying and each skip reason."""
        out = {"sent": len(self.sends), "not_qualifying": self.not_qualifying}
        found = Counter(s.reason for s in self.skipped)
        out.update({reason: found.get(reason, 0) for reason in SKIP_REASONS})
        return out


def _now(now: int | datetime) -> int:
    return local_seconds(now) if isinstance(now, datetime) else now


def scheduled(at: int, now: int | datetime, rules: SmsRules) -> int:
    """The earliest allowed moment at or after both the transaction and `now`."""
    start = max(at, _now(now))
    return start + rules.delay_table[start % DAY]


def build_send_list(transactions: Iterable[Transaction], *, now: int | datetime,
                    batch_id: str, history: SendHistory | None = None,
                    rules: SmsRules | None = None) -> SendList:
    """The batch's send list. `now`: when the batch is made (local seconds or a datetime);
    `batch_id`: unique per batch (the send ids are `<batch_id>-<n>`); `history`: the texts
    of earlier batches. Sends are in the order they go out (then by line)."""
    if not BATCH_PATTERN.fullmatch(batch_id):
        raise UserError("perception.sendlist.batch_id", value=batch_id)
    rules = rules or SmsRules()
    rows = transactions if isinstance(transactions, list | tuple) else list(transactions)
    current = _now(now)
    collecting = gc.isenabled()
    # A batch makes a million small tuples that cannot form cycles; the cyclic collector
    # would walk the whole heap (the rows included) several times for nothing.
    gc.disable()
    try:
        best, late, recent, repeats = _choose(rows, current, rules, history or SendHistory())
        sends = _sends(best, current, batch_id, rules)
        skipped = _skips(best, late, recent, repeats)
    finally:
        if collecting:
            gc.enable()
    not_qualifying = len(rows) - len(sends) - len(skipped)
    return SendList(batch_id, current, sends, skipped, not_qualifying, len(rows))


def _choose(rows: Sequence[Transaction], current: int, rules: SmsRules, history: SendHistory
            ) -> tuple[dict[str, Transaction], list[tuple[int, int]], list[tuple[int, int]],
                       list[tuple[int, str]]]:
    """Rules 1-5 in one pass (the module's docstring): the chosen row per customer, and the
    (line, detail) of the rows too late, texted recently, and (line, customer) repeats."""
    qualifying = rules.business_types
    delay = rules.delay_table
    limit, repeat = rules.within_s, rules.repeat_s
    past = history._times.get
    best: dict[str, Transaction] = {}
    chosen_of = best.get
    late: list[tuple[int, int]] = []
    recent: list[tuple[int, int]] = []
    repeats: list[tuple[int, str]] = []  # (line, customer): the winner's line is known last
    for row in rows:
        if row[4] not in qualifying:
            continue
        line, at, _outlet, _staff, _kind, customer = row
        start = at if at > current else current
        when = start + delay[start % DAY]
        if when - at > limit:
            late.append((line, when))
            continue
        earlier = past(customer)
        if earlier is not None:
            for sent in earlier:
                if -repeat < when - sent < repeat:
                    recent.append((line, sent))
                    break
            else:
                earlier = None
            if earlier is not None:
                continue
        chosen = chosen_of(customer)
        if chosen is None:
            best[customer] = row
        elif at < chosen[1] or (at == chosen[1] and line < chosen[0]):
            repeats.append((chosen[0], customer))
            best[customer] = row
        else:
            repeats.append((line, customer))
    return best, late, recent, repeats


def _sends(best: Mapping[str, Transaction], current: int, batch_id: str, rules: SmsRules
           ) -> list[Send]:
    """The chosen rows as sends, in the order they go out (then by line), each with its
    id."""
    delay = rules.delay_table
    qualifying = rules.business_types
    order = []
    for r in best.values():
        start = r[1] if r[1] > current else current
        # one int per send, (when, line) packed: unique, so the sort never compares rows
        order.append(((start + delay[start % DAY]) << _LINE_BITS | r[0], r))
    order.sort()
    width = max(6, len(str(len(order))))
    prefix = f"{batch_id}-"
    new = tuple.__new__
    return [new(Send, (prefix + str(n).zfill(width), r[5], key >> _LINE_BITS, r[1], r[2],
                       r[3], r[4], qualifying[r[4]], r[0]))
            for n, (key, r) in enumerate(order, 1)]


def _skips(best: Mapping[str, Transaction], late: list[tuple[int, int]],
           recent: list[tuple[int, int]], repeats: list[tuple[int, str]]) -> list[Skip]:
    new = tuple.__new__
    out = [new(Skip, (line, "too_late", when)) for line, when in late]
    out += [new(Skip, (line, "texted_recently", sent)) for line, sent in recent]
    out += [new(Skip, (line, "repeat_in_batch", best[customer][0]))
            for line, customer in repeats]
    out.sort(key=itemgetter(0))  # by line (three runs already in order: nearly free)
    return out


# --- the independent check ---------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    send_id: str
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def text(self, lang: str | None = None) -> str:
        return t(self.key, lang, send=self.send_id, **self.params)


def violations(sends: Iterable[Send], *, history: SendHistory | None = None,
               rules: SmsRules | None = None) -> list[Violation]:
    """Check a send list against the rules, written apart from build_send_list (datetimes,
    the windows read directly) so the one can catch the other: every text inside a window,
    at most 24 h after its transaction and not before it, of a qualifying type, and no two
    texts to one customer (in the list or the history) less than 62 days apart."""
    rules = rules or SmsRules()
    history = history or SendHistory()
    found: list[Violation] = []
    by_customer: dict[str, list[Send]] = {}
    for s in sends:
        moment = local_datetime(s.at)
        of_day = moment.hour * 3600 + moment.minute * 60 + moment.second
        if not rules.allowed(of_day):
            found.append(Violation(s.send_id, "perception.violation.window",
                                   {"at": text(s.at)}))
        delay = local_datetime(s.at) - local_datetime(s.transaction_at)
        if delay.total_seconds() < 0 or delay.total_seconds() > rules.within_hours * 3600:
            found.append(Violation(s.send_id, "perception.violation.late",
                                   {"at": text(s.at), "hours": rules.within_hours}))
        if rules.business_types.get(s.business_type) != s.category:
            found.append(Violation(s.send_id, "perception.violation.type",
                                   {"type": s.business_type}))
        for earlier in history.times(s.customer):
            if abs(local_datetime(s.at) - local_datetime(earlier)).days < rules.repeat_days:
                found.append(Violation(s.send_id, "perception.violation.repeat",
                                       {"at": text(earlier), "days": rules.repeat_days}))
        by_customer.setdefault(s.customer, []).append(s)
    for group in by_customer.values():
        group.sort(key=lambda s: s.at)
        for a, b in pairwise(group):
            if (local_datetime(b.at) - local_datetime(a.at)).days < rules.repeat_days:
                found.append(Violation(b.send_id, "perception.violation.repeat",
                                       {"at": text(a.at), "days": rules.repeat_days}))
    return found
