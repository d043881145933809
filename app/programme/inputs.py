"""What a month is computed from: the outlets' master data, the month's counted results, the
customer-perception aggregates, the commission bases, the closed months before it and any
adjustment lines carried in from them. Plain frozen dataclasses, built by the month close
from its tables (or by a test by hand); nothing here reads a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from app.programme.months import YearMonth

Family = Literal["agent_channel", "self_run_hall"]  # as checklists.yaml's tiers say
FAMILIES: tuple[Family, ...] = ("agent_channel", "self_run_hall")
PerceptionSource = Literal["sms_satisfaction", "intercept"]
AdjustmentReason = Literal["late_result", "overturned_result", "correction"]
ADJUSTMENT_REASONS: tuple[AdjustmentReason, ...] = ("late_result", "overturned_result",
                                                    "correction")


@dataclass(frozen=True)
class OutletInfo:
    """One outlet's master data as the month sees it."""

    code: str
    name: str
    tier: str
    family: Family  # from the tier in checklists.yaml: self-run halls and agents rank apart
    business_unit: str  # 营业部: the unit ranking
    region: str = ""  # with the class, picks the commission base
    outlet_class: str | None = None  # A / B / C (from the month's distinct customers)
    cooperation_start: date | None = None
    area_manager: str | None = None  # 片区经理 responsible (rewarded for a climb)
    owner: str | None = None  # 代办业主 (rewarded too); None: the outlet itself
    competitor: bool = False  # 同业: inspected for comparison, never ranked or paid
    active: bool = True  # inactive: shown if it has results, never ranked or paid


@dataclass(frozen=True)
class FailedItem:
    """A failed item of a counted result, for the month card ("why so low")."""

    item_id: str
    label_zh: str
    label_en: str
    section_id: str = ""
    veto: Literal["section", "visit"] | None = None  # the failure carried a 一票否决

    def label(self, lang: str) -> str:
        return self.label_en if lang.startswith("en") else self.label_zh


@dataclass(frozen=True)
class CountedVisit:
    """A counted (approved, newest of its amendment chain) result of the month."""

    uuid: str
    outlet_code: str
    kind: str  # mystery_shop | open_inspection | self_check
    score: Decimal | float | None  # the SERVER's score, 0..100; None: nothing was scored
    voided: bool = False  # a visit-level veto voided the whole score
    finalized_at: datetime | None = None
    veto_count: int = 0
    failed: tuple[FailedItem, ...] = ()


@dataclass(frozen=True)
class PerceptionAggregate:
    """One outlet's customer perception for the month from one source, 0..100."""

    outlet_code: str
    source: PerceptionSource
    score: Decimal | float | None
    count: int  # SMS replies / intercept responses behind the score
    sufficient: bool = True  # the source's own verdict (e.g. >= 30 intercepts per hall)


_PERIOD = re.compile(r"^(\d{4})-?(Q[1-4]|H[12])$")


def parse_period(text: str) -> tuple[YearMonth, YearMonth]:
    """'2025-Q2' -> (2025-04, 2025-06); '2025-H2' -> (2025-07, 2025-12). ValueError else."""
    match = _PERIOD.fullmatch(text.strip().upper())
    if match is None:
        raise ValueError(f"not a quarter or half-year (2025-Q1, 2025-H2): {text!r}")
    year, part = int(match.group(1)), match.group(2)
    n = int(part[1])
    size = 3 if part[0] == "Q" else 6
    first = YearMonth(year, (n - 1) * size + 1)
    return first, first.shift(size - 1)


@dataclass(frozen=True)
class CommissionBase:
    """The monthly commission base of an outlet class in a region, for a quarter or a
    half-year (reviewed quarterly or half-yearly)."""

    outlet_class: str
    region: str
    period: str  # 2025-Q1 ... 2025-Q4, 2025-H1, 2025-H2
    amount_cents: int
    first: YearMonth = field(init=False, repr=False, compare=False)
    last: YearMonth = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first, last = parse_period(self.period)  # a malformed period is refused at once
        object.__setattr__(self, "first", first)
        object.__setattr__(self, "last", last)

    def covers(self, month: YearMonth) -> bool:
        return self.first <= month <= self.last

    @property
    def span(self) -> int:
        return self.last.index - self.first.index + 1


@dataclass(frozen=True)
class Adjustment:
    """A line carried into this month from a closed one: a result that arrived late or was
    overturned after the close. The closed month itself is never edited."""

    outlet_code: str
    source_month: YearMonth
    amount_cents: int  # + paid to the outlet, - taken back
    reason: AdjustmentReason
    results: tuple[str, ...] = ()  # the result uuids that caused it
    note: str = ""


# --- the closed months before this one ------------------------------------------------------


@dataclass(frozen=True)
class PastOutlet:
    """What a later month needs of one outlet in a closed month (from its frozen figures)."""

    code: str
    tier: str
    family: str
    business_unit: str
    composite: Decimal | None
    rank_unit: int | None = None
    rank_unit_bottom: int | None = None  # 1 = the unit's lowest (ties share)
    rank_province: int | None = None
    commission_cents: int | None = None
    staff_share_cents: int | None = None
    refunded: tuple[YearMonth, ...] = ()  # deducted months refunded in this month


@dataclass(frozen=True)
class PastMonth:
    month: YearMonth
    rules_version: str
    outlets: Mapping[str, PastOutlet]


@dataclass
class History:
    """The closed months, by month. Pass every closed month back to the oldest deduction
    still waiting for its refund (all of them is simplest: a year is 12 small records per
    outlet), and at least the 12 months the exit rule looks at."""

    months: dict[YearMonth, PastMonth] = field(default_factory=dict)

    @classmethod
    def of(cls, months: Iterable[PastMonth] | History) -> History:
        if isinstance(months, History):
            return months
        return cls({m.month: m for m in months})

    def outlet(self, month: YearMonth, code: str) -> PastOutlet | None:
        closed = self.months.get(month)
        return closed.outlets.get(code) if closed is not None else None

    def before(self, month: YearMonth) -> Iterator[PastMonth]:
        """The closed months before `month`, newest first."""
        for m in sorted(self.months, reverse=True):
            if m < month:
                yield self.months[m]
