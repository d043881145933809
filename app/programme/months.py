"""Calendar months as the programme counts them: a month is closed as a whole, quarters and
years are made of months, and every rule that looks back ("the next three months", "the
year", "the quarter") steps through months, never through days."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, eq=False)
class YearMonth:
    """One calendar month, e.g. YearMonth(2025, 3); written "2025-03".

    Compared and hashed by its month number (`index`): months are dictionary keys and sort
    keys all through a month's computation, so these are kept cheap."""

    year: int
    month: int
    index: int = field(init=False, repr=False)  # months since year 0

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"not a month: {self.year}-{self.month}")
        object.__setattr__(self, "index", self.year * 12 + self.month - 1)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, YearMonth) and self.index == other.index

    def __hash__(self) -> int:
        return self.index

    def __lt__(self, other: YearMonth) -> bool:
        return self.index < other.index

    def __le__(self, other: YearMonth) -> bool:
        return self.index <= other.index

    def __gt__(self, other: YearMonth) -> bool:
        return self.index > other.index

    def __ge__(self, other: YearMonth) -> bool:
        return self.index >= other.index

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """'2025-03' -> YearMonth(2025, 3); ValueError for anything else."""
        match = _MONTH.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"not a month (YYYY-MM): {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> YearMonth:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def shift(self, months: int) -> YearMonth:
        """The month `months` later (earlier when negative)."""
        i = self.index + months
        return YearMonth(i // 12, i % 12 + 1)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def quarter_start(self) -> YearMonth:
        return YearMonth(self.year, 3 * (self.quarter - 1) + 1)

    @property
    def is_quarter_end(self) -> bool:
        return self.month % 3 == 0

    # -- used by visit planning (issue 10): a plan walks the month day by day ------------

    @property
    def length(self) -> int:
        """Days in the month."""
        return calendar.monthrange(self.year, self.month)[1]

    def days(self) -> list[date]:
        """Every day of the month, in order."""
        first = self.first_day
        return [date.fromordinal(first.toordinal() + i) for i in range(self.length)]

    def previous(self) -> YearMonth:
        return self.shift(-1)


def months_between(first: YearMonth, last: YearMonth) -> list[YearMonth]:
    """Every month from `first` to `last`, both included (empty when last < first)."""
    return [first.shift(i) for i in range(last.index - first.index + 1)]


def whole_years(start: date, on: date) -> int:
    """Whole years completed from `start` to `on` (anniversaries reached; 0 before start).

    A start on 29 February has its anniversary on 28 February in other years."""
    if on < start:
        return 0
    years = on.year - start.year
    anniversary_day = min(start.day, calendar.monthrange(on.year, start.month)[1])
    if (on.month, on.day) < (start.month, anniversary_day):
        years -= 1
    return years
