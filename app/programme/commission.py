"""Service commission (服务佣金) = base × cooperation-years factor × payment factor, and the
staff share of it. All money in whole cents; the commission is computed exactly and rounded
half up to the cent once, the staff share from that rounded commission, half up again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.programme.explain import Why
from app.programme.inputs import CommissionBase
from app.programme.money import HUNDRED, factor_text, plain, round_cents, yuan
from app.programme.months import YearMonth, whole_years
from app.programme.rules_schema import (
    CooperationYears,
    OutletClass,
    PaymentBand,
    StaffShare,
)


@dataclass(frozen=True)
class Factor:
    value: Decimal
    row: int  # the table row used (0-based, as in `payment_factor[row]`)
    why: Why


def payment_band(bands: Sequence[PaymentBand], score: Decimal) -> int:
    """The row of the table a composite falls in: from <= score < to (100 in the last)."""
    for i, band in enumerate(bands):
        if band.from_ <= score < band.to:
            return i
    if score == bands[-1].to:
        return len(bands) - 1
    raise ValueError(f"score {score} is outside the payment-factor table")


def payment_factor(bands: Sequence[PaymentBand], score: Decimal) -> Factor:
    row = payment_band(bands, score)
    band = bands[row]
    last = row == len(bands) - 1
    return Factor(band.factor, row, Why(
        "programme.why.payment_factor.last" if last else "programme.why.payment_factor",
        {"score": plain(score), "start": plain(band.from_), "end": plain(band.to),
         "factor": factor_text(band.factor)}, rule=f"payment_factor[{row}]"))


def years_factor(rule: CooperationYears, start: date | None, month: YearMonth
                 ) -> tuple[int | None, Factor]:
    """Whole years of cooperation on the month's last day, and their factor. No start on
    record: the first band, flagged by the caller."""
    bands = rule.bands
    if start is None:
        return None, Factor(bands[0].factor, 0, Why(
            "programme.why.years_factor.no_start", {"factor": factor_text(bands[0].factor)},
            rule="cooperation_years.bands[0]"))
    years = whole_years(start, month.last_day)
    row = max(i for i, b in enumerate(bands) if b.from_ <= years)
    band = bands[row]
    params: dict[str, str | int] = {"start": start.isoformat(), "on": month.last_day.isoformat(),
                                    "years": years, "factor": factor_text(band.factor),
                                    "from": band.from_}
    if row + 1 < len(bands):
        params["to"] = bands[row + 1].from_
        key = "programme.why.years_factor"
    else:
        key = "programme.why.years_factor.top"
    return years, Factor(band.factor, row, Why(key, params, rule=f"cooperation_years.bands[{row}]"))


@dataclass(frozen=True)
class BaseChoice:
    amount_cents: int | None
    base: CommissionBase | None
    ambiguous: bool
    why: Why


def find_base(bases: Sequence[CommissionBase], outlet_class: str | None, region: str,
              month: YearMonth) -> BaseChoice:
    """The base for a class × region in force in the month. A quarter's base wins over a
    half-year's covering the same month (the later, narrower review); two of the same span
    with different amounts are ambiguous and pay nothing until the master data is fixed."""
    if outlet_class is None:
        return BaseChoice(None, None, False, Why("programme.why.base.no_class", {}))
    found = [b for b in bases if b.outlet_class == outlet_class and b.region == region
             and b.covers(month)]
    if not found:
        return BaseChoice(None, None, False, Why(
            "programme.why.base.none", {"cls": outlet_class, "region": region or "-",
                                        "month": str(month)}))
    narrowest = min(b.span for b in found)
    best = [b for b in found if b.span == narrowest]
    if len({b.amount_cents for b in best}) > 1:
        return BaseChoice(None, None, True, Why(
            "programme.why.base.ambiguous", {"cls": outlet_class, "region": region or "-",
                                             "periods": ", ".join(b.period for b in best)}))
    base = best[0]
    return BaseChoice(base.amount_cents, base, False, Why(
        "programme.why.base", {"cls": outlet_class, "region": region or "-",
                               "period": base.period, "amount": yuan(base.amount_cents)}))


def commission_cents(base_cents: int, years: Decimal, payment: Decimal) -> int:
    """base × years factor × payment factor, rounded half up to the cent."""
    return round_cents(Decimal(base_cents) * years * payment)


def staff_share_cents(commission: int, rule: StaffShare) -> int:
    """The front-line staff's part of a commission; of a deduction only when the rules say
    staff share deductions (else 0: the deduction is the outlet's alone)."""
    if commission < 0 and not rule.of_deductions:
        return 0
    return round_cents(Decimal(commission) * rule.percent / HUNDRED)


def commission_why(base: int, years: Decimal, payment: Decimal, commission: int) -> Why:
    return Why("programme.why.commission",
               {"base": yuan(base), "years": factor_text(years),
                "payment": factor_text(payment), "commission": yuan(commission)})


def staff_share_why(commission: int, share: int, rule: StaffShare) -> Why:
    if commission < 0 and not rule.of_deductions:
        return Why("programme.why.staff_share.deduction", {"commission": yuan(commission)},
                   rule="staff_share.of_deductions")
    return Why("programme.why.staff_share",
               {"commission": yuan(commission), "percent": plain(rule.percent),
                "share": yuan(share)}, rule="staff_share.percent")


def outlet_class_for(classes: Sequence[OutletClass], distinct_customers: int) -> str:
    """The class of an outlet by its month's distinct customers (highest class first)."""
    for cls in classes:
        if distinct_customers >= cls.min_customers:
            return cls.class_
    return classes[-1].class_
