"""The rolling refund: a month with a deduction is refunded, once, in the month that completes
three consecutive months scoring >= 90 after it; a break restarts the count. Every month in
these tests reaches the next one through its JSON export, as the month close will pass it."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from app.programme.month import Flag, MonthResult
from app.programme.months import YearMonth

from .helpers import every_half_year, outlet, rules_with, run_months, shipped

JAN = YearMonth(2025, 1)
BASES = every_half_year(1000_00)
START = outlet("A").cooperation_start  # 2015: 10 years, factor 1.3


def run(scores: Sequence[float | None], rules=None) -> list[MonthResult]:  # type: ignore[no-untyped-def]
    return run_months(rules or shipped(), [outlet("A")], [{"A": s} for s in scores], JAN, BASES)


def refunds(months: list[MonthResult]) -> list[list[tuple[str, int]]]:
    return [[(str(line.deducted_month), line.amount_cents)
             for line in m.outlets["A"].refund.lines] for m in months]


def test_the_worked_example_deducted_in_month_1_refunded_in_month_4() -> None:
    months = run([50, 95, 92, 90, 96])
    a = [m.outlets["A"] for m in months]
    # month 1: 50 -> factor -1.0: 1000.00 × 1.3 × -1.0 = -1300.00, staff bear none
    assert (a[0].commission_cents, a[0].staff_share_cents) == (-130000, 0)
    assert Flag.DEDUCTION in a[0].flags
    assert refunds(months) == [[], [], [], [("2025-01", 130000)], []]  # once, in month 4
    assert a[3].refund_cents == 130000 and Flag.REFUND_DUE in a[3].flags
    # month 4 pays its own commission (90 -> 1.2: 1560.00) plus the refund
    assert a[3].payable_cents == 156000 + 130000
    assert [line.streak for line in a[3].refund.lines] == [
        (YearMonth(2025, 2), YearMonth(2025, 3), YearMonth(2025, 4))]
    assert a[1].refund.streak == 1 and a[2].refund.streak == 2 and a[4].refund.streak == 4
    assert [d.month for d in a[2].refund.pending] == [JAN] and a[3].refund.pending == ()
    assert "2025-01" in a[3].why["refund"].render("zh")
    export = months[3].to_export()["outlets"][0]
    assert export["refund"] == "1300.00"
    assert export["refund_lines"][0]["deducted_month"] == "2025-01"


def test_a_streak_broken_in_month_three_restarts() -> None:
    months = run([50, 95, 92, 89.99, 91, 90, 93, 95])
    assert refunds(months) == [[], [], [], [], [], [], [("2025-01", 130000)], []]
    a4 = months[3].outlets["A"]
    assert a4.refund.streak == 0 and a4.commission_cents == 130000  # 89.99: paid, not deducted
    assert [d.month for d in a4.refund.pending] == [JAN]


def test_a_month_without_a_score_breaks_the_streak() -> None:
    months = run([50, 95, None, 95, 95, 95])
    assert refunds(months) == [[], [], [], [], [], [("2025-01", 130000)]]
    assert Flag.NOT_SCORED in months[2].outlets["A"].flags


def test_overlapping_deductions_are_refunded_by_one_streak_after_both() -> None:
    # two deductions in a row, then three good months: both refunded in the third
    months = run([50, 65, 90, 95, 99])
    assert refunds(months) == [[], [], [], [], [("2025-01", 130000), ("2025-02", 65000)]]
    # a deduction interrupting a streak: the first waits for the streak after the second
    months = run([50, 95, 55, 95, 95, 95])
    assert refunds(months) == [[], [], [], [], [], [("2025-01", 130000), ("2025-03", 130000)]]


def test_a_deduction_can_lapse_when_the_rules_say_so() -> None:
    rules = rules_with(**{"refund.expires_after_months": 2})
    months = run([50, 80, 95, 95, 95], rules)
    assert refunds(months) == [[], [], [], [], []]
    assert [d.month for d in months[3].outlets["A"].refund.lapsed] == [JAN]
    assert months[3].outlets["A"].why["refund"].key == "programme.why.refund.lapsed"


def test_staff_get_back_what_they_bore() -> None:
    rules = rules_with(**{"staff_share.of_deductions": True})
    months = run([50, 95, 95, 95], rules)
    assert months[0].outlets["A"].staff_share_cents == -39000  # 30 % of -1300.00
    line = months[3].outlets["A"].refund.lines[0]
    assert (line.amount_cents, line.staff_share_cents) == (130000, 39000)


SCORES = st.sampled_from([50, 65, 80, 89.99, 90, 95, None])


@settings(max_examples=50, deadline=None)
@given(st.lists(SCORES, min_size=1, max_size=10))
def test_refunds_are_paid_once_exactly_when_three_good_months_follow(
        scores: list[float | None]) -> None:
    months = run(scores)
    rows = [m.outlets["A"] for m in months]
    good = [s is not None and s >= 90 for s in scores]
    paid: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for line in row.refund.lines:
            paid.setdefault(str(line.deducted_month), []).append(i)
    for d, row in enumerate(rows):
        deducted = row.commission_cents is not None and row.commission_cents < 0
        # independently: the first month m > d + 2 whose last three months are all good
        due = next((m for m in range(d + 3, len(rows)) if all(good[m - 2:m + 1])), None)
        key = str(months[d].month)
        if not deducted or due is None:
            assert key not in paid
        else:
            assert paid[key] == [due]  # once, in that month
            amount = next(line.amount_cents for line in rows[due].refund.lines
                          if str(line.deducted_month) == key)
            assert amount == -row.commission_cents
    total_refunded = sum(r.refund_cents for r in rows)
    total_deducted = -sum(r.commission_cents for r in rows
                          if r.commission_cents is not None and r.commission_cents < 0)
    assert 0 <= total_refunded <= total_deducted
