"""Service commission (服务佣金) = base × cooperation-years factor × payment factor, and the
staff share of it. All money in whole cents; the commission is computed exactly and rounded
half up to the cent once, the staff share from that rounded commission, half up again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from app.programme.explain import Param, Why
from app.programme.inputs import CommissionBase
from app.programme.money import HUNDRED, factor_text, plain, round_cents, yuan
from app.programme.months import YearMonth, whole_years
from app.programme.rules_schema import (
    CooperationYears,
    OutletClass,
    PaymentBand,
    StaffShare,
    YearsBand,
)


@dataclass(frozen=True)
class PaymentFactor:
    """The payment factor of a composite: the table row it falls in."""

    value: Decimal
    row: int  # 0-based, as in `payment_factor[row]`
    band: PaymentBand
    last: bool  # the last row (which includes 100)
    score: Decimal

    @property
    def why(self) -> Why:
        b = self.band
        return Why("programme.why.payment_factor.last" if self.last
                   else "programme.why.payment_factor",
                   {"score": plain(self.score), "start": plain(b.from_), "end": plain(b.to),
                    "factor": factor_text(b.factor)}, rule=f"payment_factor[{self.row}]")


def payment_band(bands: Sequence[PaymentBand], score: Decimal) -> int:
    """The row of the table a composite falls in: from <= score < to (100 in the last)."""
    for i, band in enumerate(bands):
        if band.from_ <= score < band.to:
            return i
    if score == bands[-1].to:
        return len(bands) - 1
    raise ValueError(f"score {score} is outside the payment-factor table")


def payment_factor(bands: Sequence[PaymentBand], score: Decimal) -> PaymentFactor:
    row = payment_band(bands, score)
    return PaymentFactor(bands[row].factor, row, bands[row], row == len(bands) - 1, score)


@dataclass(frozen=True)
class YearsFactor:
    """Whole years of cooperation on the month's last day, and their factor."""

    value: Decimal
    row: int  # 0-based, as in `cooperation_years.bands[row]`
    years: int | None  # None: no cooperation start on record (the first band)
    start: date | None
    on: date
    bands: Sequence[YearsBand]

    @property
    def why(self) -> Why:
        rule = f"cooperation_years.bands[{self.row}]"
        if self.start is None or self.years is None:
            return Why("programme.why.years_factor.no_start",
                       {"factor": factor_text(self.value)}, rule=rule)
        band = self.bands[self.row]
        params: dict[str, Param] = {"start": self.start.isoformat(), "on": self.on.isoformat(),
                                    "years": self.years, "factor": factor_text(band.factor),
                                    "from": band.from_}
        if self.row + 1 < len(self.bands):
            params["to"] = self.bands[self.row + 1].from_
            return Why("programme.why.years_factor", params, rule=rule)
        return Why("programme.why.years_factor.top", params, rule=rule)


def years_factor(rule: CooperationYears, start: date | None, month: YearMonth) -> YearsFactor:
    """Whole years of cooperation on the month's last day, and their factor. No start on
    record: the first band, flagged by the caller."""
    bands = rule.bands
    on = month.last_day
    if start is None:
        return YearsFactor(bands[0].factor, 0, None, None, on, bands)
    years = whole_years(start, on)
    row = 0
    for i, band in enumerate(bands):
        if band.from_ <= years:
            row = i
    return YearsFactor(bands[row].factor, row, years, start, on, bands)


@dataclass(frozen=True)
class BaseChoice:
    amount_cents: int | None
    base: CommissionBase | None
    reason: Literal["ok", "none", "no_class", "ambiguous"]
    outlet_class: str | None
    region: str
    month: YearMonth
    candidates: tuple[CommissionBase, ...] = ()  # the clashing bases (ambiguous)

    @property
    def ambiguous(self) -> bool:
        return self.reason == "ambiguous"

    @property
    def why(self) -> Why:
        where: dict[str, Param] = {"cls": self.outlet_class or "-", "region": self.region or "-"}
        if self.reason == "no_class":
            return Why("programme.why.base.no_class", {})
        if self.reason == "none":
            return Why("programme.why.base.none", {**where, "month": str(self.month)})
        if self.reason == "ambiguous":
            return Why("programme.why.base.ambiguous",
                       {**where, "periods": ", ".join(b.period for b in self.candidates)})
        assert self.base is not None
        return Why("programme.why.base", {**where, "period": self.base.period,
                                          "amount": yuan(self.base.amount_cents)})


def find_base(bases: Sequence[CommissionBase], outlet_class: str | None, region: str,
              month: YearMonth) -> BaseChoice:
    """The base for a class × region in force in the month. A quarter's base wins over a
    half-year's covering the same month (the later, narrower review); two of the same span
    with different amounts are ambiguous and pay nothing until the master data is fixed."""
    if outlet_class is None:
        return BaseChoice(None, None, "no_class", None, region, month)
    found = [b for b in bases if b.outlet_class == outlet_class and b.region == region
             and b.covers(month)]
    if not found:
        return BaseChoice(None, None, "none", outlet_class, region, month)
    narrowest = min(b.span for b in found)
    best = [b for b in found if b.span == narrowest]
    if len({b.amount_cents for b in best}) > 1:
        return BaseChoice(None, None, "ambiguous", outlet_class, region, month, tuple(best))
    return BaseChoice(best[0].amount_cents, best[0], "ok", outlet_class, region, month)


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
