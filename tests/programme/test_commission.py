"""Service commission = base × years factor × payment factor, to the cent (half up), and the
30 % staff share; the years factor's boundaries; which base applies. Checked against figures
worked by hand and, by property, against an independent computation in fractions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.programme.commission import (
    commission_cents,
    find_base,
    outlet_class_for,
    payment_factor,
    staff_share_cents,
    years_factor,
)
from app.programme.inputs import CommissionBase, parse_period
from app.programme.money import parse_yuan, round_cents, yuan
from app.programme.month import Flag, compute_month
from app.programme.months import YearMonth, whole_years

from .helpers import base, every_half_year, outlet, rules_with, shipped, visit

D = Decimal
RULES = shipped().rules
MARCH = YearMonth(2025, 3)


def test_commission_and_staff_share_to_the_cent() -> None:
    # 1234.56 × 1.1 × 1.2 = 1629.6192 -> 1629.62; 30 % of 1629.62 = 488.886 -> 488.89
    assert commission_cents(123456, D("1.1"), D("1.2")) == 162962
    assert staff_share_cents(162962, RULES.staff_share) == 48889
    # half a cent goes up, and away from zero for a deduction
    assert commission_cents(5, D("1.1"), D("1.0")) == 6  # 5.5
    assert commission_cents(5, D("1.1"), D("-1.0")) == -6  # -5.5
    assert commission_cents(100_00, D("1.3"), D("0.0")) == 0
    assert staff_share_cents(5, RULES.staff_share) == 2  # 1.5
    assert round_cents(D("-0.5")) == -1 and round_cents(D("0.49")) == 0


def test_the_staff_share_of_a_deduction() -> None:
    assert staff_share_cents(-60000, RULES.staff_share) == 0  # staff bear no deduction
    shared = rules_with(**{"staff_share.of_deductions": True}).rules.staff_share
    assert staff_share_cents(-60000, shared) == -18000
    assert staff_share_cents(-5, shared) == -2  # -1.5, away from zero


@pytest.mark.parametrize(("start", "years", "factor"), [
    (date(2023, 4, 1), 1, "1.0"),  # one day short of 2 years on 2025-03-31
    (date(2023, 3, 31), 2, "1.1"),  # exactly 2 years on the month's last day
    (date(2021, 4, 1), 3, "1.1"),
    (date(2021, 3, 31), 4, "1.2"),
    (date(2019, 4, 1), 5, "1.2"),
    (date(2019, 3, 31), 6, "1.3"),
    (date(1990, 1, 1), 35, "1.3"),
    (date(2025, 3, 15), 0, "1.0"),  # started this month
    (date(2025, 6, 1), 0, "1.0"),  # starts later: no years yet
])
def test_cooperation_years_boundaries(start: date, years: int, factor: str) -> None:
    got = years_factor(RULES.cooperation_years, start, MARCH)
    assert (got.years, got.value) == (years, D(factor))


def test_a_start_on_29_february() -> None:
    assert whole_years(date(2020, 2, 29), date(2022, 2, 28)) == 2
    assert whole_years(date(2020, 2, 29), date(2022, 2, 27)) == 1
    assert whole_years(date(2020, 2, 29), date(2024, 2, 28)) == 3  # leap year: the 29th
    assert whole_years(date(2020, 2, 29), date(2024, 2, 29)) == 4
    assert years_factor(RULES.cooperation_years, None, MARCH).value == D("1.0")


def test_which_base_applies() -> None:
    bases = [base(1000_00, period="2025-H1"), base(1200_00, period="2025-Q1"),
             base(900_00, cls="B", period="2025-H1"), base(500_00, region="滨江",
                                                       period="2025-H1")]
    assert find_base(bases, "A", "西湖", MARCH).amount_cents == 1200_00  # the quarter wins
    assert find_base(bases, "A", "西湖", YearMonth(2025, 4)).amount_cents == 1000_00
    assert find_base(bases, "A", "西湖", YearMonth(2025, 7)).amount_cents is None
    assert find_base(bases, "B", "西湖", MARCH).amount_cents == 900_00
    assert find_base(bases, None, "西湖", MARCH).why.key == "programme.why.base.no_class"
    clash = [*bases, base(1300_00, period="2025-Q1")]
    choice = find_base(clash, "A", "西湖", MARCH)
    assert choice.ambiguous and choice.amount_cents is None
    assert parse_period("2025-Q2") == (YearMonth(2025, 4), YearMonth(2025, 6))
    assert parse_period("2025H2") == (YearMonth(2025, 7), YearMonth(2025, 12))
    with pytest.raises(ValueError):
        CommissionBase("A", "西湖", "2025-Q5", 1)


def test_the_month_pays_base_times_factors() -> None:
    outlets = [outlet("A", start=date(2021, 3, 1)), outlet("N", cls=None),
               outlet("R", region="外地"), outlet("S", start=None)]
    results = [visit("A", 92.5), visit("N", 92.5), visit("R", 92.5), visit("S", 50)]
    month = compute_month(MARCH, shipped(), outlets, results,
                          bases=every_half_year(1234_56))
    a = month.outlets["A"]
    # 4 whole years -> 1.2; 92.5 -> band [90, 95) -> 1.2; 1234.56 × 1.2 × 1.2 = 1777.7664
    assert (a.years, a.years_factor, a.payment_factor) == (4, D("1.2"), D("1.2"))
    assert (a.base_cents, a.commission_cents, a.staff_share_cents) == (123456, 177777, 53333)
    assert a.payable_cents == 177777
    assert a.why["payment_factor"].rule == "payment_factor[6]"
    assert a.why["years_factor"].rule == "cooperation_years.bands[2]"
    assert "1777.77" in a.why["commission"].render("zh")
    n, r, s = month.outlets["N"], month.outlets["R"], month.outlets["S"]
    assert n.commission_cents is None and Flag.NO_CLASS in n.flags
    assert r.commission_cents is None and Flag.NO_BASE in r.flags
    assert r.payment_factor == D("1.2")  # the factor is still shown
    # no cooperation start: the first band (1.0), flagged; 50 -> -1.0: a full deduction
    assert s.years_factor == D("1.0") and Flag.NO_COOPERATION_START in s.flags
    assert (s.commission_cents, s.staff_share_cents) == (-123456, 0)
    assert Flag.DEDUCTION in s.flags
    totals = month.totals()
    assert totals["commission"] == 177777 - 123456
    assert month.to_export()["totals"]["commission"] == yuan(177777 - 123456)


def test_outlet_classes_by_distinct_customers() -> None:
    classes = RULES.outlet_classes
    assert [outlet_class_for(classes, n) for n in (0, 999, 1000, 2999, 3000, 10**6)] == [
        "C", "C", "B", "B", "A", "A"]


def test_money_text() -> None:
    assert [yuan(c) for c in (0, 5, -5, 123456, -100)] == [
        "0.00", "0.05", "-0.05", "1234.56", "-1.00"]
    assert parse_yuan("-1234.56") == -123456
    with pytest.raises(ValueError):
        parse_yuan("1.005")


# --- by property, against an independent computation ----------------------------------------

YEARS = [(0, Fraction(1)), (2, Fraction(11, 10)), (4, Fraction(12, 10)), (6, Fraction(13, 10))]


def _oracle(base_cents: int, start: date, month: YearMonth, score: Decimal) -> tuple[int, int]:
    last = month.last_day
    years = last.year - start.year - ((last.month, last.day) < (start.month, start.day))
    years = max(years, 0)
    yf = [f for y, f in YEARS if years >= y][-1]
    band = next(b for b in RULES.payment_factor
                if b.from_ <= score < b.to or (score == 100 and b.to == 100))
    exact = Fraction(base_cents) * yf * Fraction(band.factor)
    commission = int(exact + Fraction(1, 2)) if exact >= 0 else -int(-exact + Fraction(1, 2))
    share = 0 if commission < 0 else int(Fraction(commission * 30, 100) + Fraction(1, 2))
    return commission, share


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 10**8), st.dates(date(1995, 1, 1), date(2026, 12, 31)),
       st.decimals(0, 100, places=2), st.integers(2025, 2026), st.integers(1, 12))
def test_commission_matches_an_independent_computation(base_cents: int, start: date,
                                                       score: Decimal, year: int, m: int) -> None:
    if (start.month, start.day) == (2, 29):
        start = start.replace(day=28)  # the oracle above has no leap-day anniversary rule
    month = YearMonth(year, m)
    yf = years_factor(RULES.cooperation_years, start, month)
    pf = payment_factor(RULES.payment_factor, score)
    commission = commission_cents(base_cents, yf.value, pf.value)
    share = staff_share_cents(commission, RULES.staff_share)
    assert (commission, share) == _oracle(base_cents, start, month, score)
    assert abs(share) <= abs(commission)
    assert D("-1.0") <= pf.value <= D("1.5")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.decimals(0, 100, places=2), min_size=2, max_size=10))
def test_the_shipped_table_is_bounded_and_monotone(scores: list[Decimal]) -> None:
    found = [payment_factor(RULES.payment_factor, s).value for s in sorted(scores)]
    assert found == sorted(found)
    assert all(D("-1.0") <= f <= D("1.5") for f in found)
