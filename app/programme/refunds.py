"""The rolling refund (滚动返还): a month with a deduction (a negative commission) is refunded
once the outlet scores at least `min_score` in each of the next `months` months.

* The refund is the deducted amount, paid once, in the month that completes the streak.
* A month below the threshold, with no composite, or missing from the closed months breaks
  the streak; the count restarts and the deduction keeps waiting (unless the rules let it
  lapse after `expires_after_months`).
* Overlapping deductions: every deduction still waiting whose month lies before the
  qualifying streak is refunded when the streak completes (two deductions, then three good
  months: both are refunded in the third).
* "Once" is kept by the closed months themselves: a month's refund lines name the deducted
  months they refund, a later month reads them back from the history and never pays a
  deduction that a closed month has already refunded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from app.programme.explain import Msg, Why
from app.programme.inputs import History, PastMonth
from app.programme.money import plain, yuan
from app.programme.months import YearMonth
from app.programme.rules_schema import RefundRule


@dataclass(frozen=True)
class Deduction:
    month: YearMonth
    amount_cents: int  # what was deducted (positive)
    staff_share_cents: int  # what staff bore of it (positive; 0 when they bore none)


@dataclass(frozen=True)
class RefundLine:
    deducted_month: YearMonth
    amount_cents: int  # paid back to the outlet (positive), staff's part included
    staff_share_cents: int  # of which goes back to staff
    streak: tuple[YearMonth, ...]  # the qualifying months


@dataclass(frozen=True)
class RefundStatus:
    lines: tuple[RefundLine, ...]  # due now
    pending: tuple[Deduction, ...]  # still waiting after this month (this month's included)
    lapsed: tuple[Deduction, ...]  # lapsed this month (expires_after_months)
    streak: int  # consecutive qualifying months ending with this one
    rule: RefundRule | None = None

    @property
    def amount_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    @property
    def staff_share_cents(self) -> int:
        return sum(line.staff_share_cents for line in self.lines)

    @property
    def why(self) -> Why:
        rule = self.rule
        if rule is None:
            return Why("programme.why.refund.none", {})
        if self.lines:
            refunded = tuple(Msg("programme.why.refund.line",
                                 {"month": str(line.deducted_month),
                                  "amount": yuan(line.amount_cents)}) for line in self.lines)
            return Why("programme.why.refund.due",
                       {"lines": refunded, "months": ", ".join(str(m) for m in
                                                               self.lines[0].streak),
                        "min_score": plain(rule.min_score), "count": rule.months},
                       rule="refund")
        if self.lapsed:
            return Why("programme.why.refund.lapsed",
                       {"months": ", ".join(str(d.month) for d in self.lapsed),
                        "limit": rule.expires_after_months or 0},
                       rule="refund.expires_after_months")
        if self.pending:
            return Why("programme.why.refund.waiting",
                       {"months": ", ".join(str(d.month) for d in self.pending),
                        "amount": yuan(sum(d.amount_cents for d in self.pending)),
                        "streak": self.streak, "count": rule.months,
                        "min_score": plain(rule.min_score)}, rule="refund")
        return Why("programme.why.refund.none", {}, rule="refund")


NONE = RefundStatus((), (), (), 0)


def refund_status(code: str, month: YearMonth, composite: Decimal | None,
                  commission_cents: int | None, staff_share_cents: int | None,
                  history: History, rule: RefundRule,
                  closed_months: Sequence[PastMonth] | None = None) -> RefundStatus:
    """The refunds due to one outlet this month and what is still waiting.
    `closed_months`: `list(history.before(month))`, passed in by a caller doing many."""
    waiting: list[Deduction] = []
    refunded: set[YearMonth] = set()
    if closed_months is None:
        closed_months = list(history.before(month))
    for closed in closed_months:  # newest first: refunds are seen before deductions
        past = closed.outlets.get(code)
        if past is None:
            continue
        if past.refunded:
            refunded.update(past.refunded)
        if (past.commission_cents is not None and past.commission_cents < 0
                and closed.month not in refunded):
            waiting.append(Deduction(closed.month, -past.commission_cents,
                                     -min(past.staff_share_cents or 0, 0)))
    waiting.sort(key=lambda d: d.month)
    lapsed: list[Deduction] = []
    if rule.expires_after_months is not None:
        limit = rule.expires_after_months
        lapsed = [d for d in waiting if month.index - d.month.index == limit + 1]
        waiting = [d for d in waiting if month.index - d.month.index <= limit]

    streak = _streak(code, month, composite, history, rule.min_score)
    lines: list[RefundLine] = []
    if streak >= rule.months:
        qualifying = tuple(month.shift(-i) for i in reversed(range(rule.months)))
        due = [d for d in waiting if d.month < qualifying[0]]
        lines = [RefundLine(d.month, d.amount_cents, d.staff_share_cents, qualifying)
                 for d in due]
        waiting = [d for d in waiting if d not in due]
    if commission_cents is not None and commission_cents < 0:
        waiting.append(Deduction(month, -commission_cents, -min(staff_share_cents or 0, 0)))
    return RefundStatus(tuple(lines), tuple(waiting), tuple(lapsed), streak, rule)


def _streak(code: str, month: YearMonth, composite: Decimal | None, history: History,
            threshold: Decimal) -> int:
    """Consecutive months, ending with `month`, in which the outlet scored >= threshold."""
    if composite is None or composite < threshold:
        return 0
    n = 1
    while True:
        past = history.outlet(month.shift(-n), code)
        if past is None or past.composite is None or past.composite < threshold:
            return n
        n += 1
