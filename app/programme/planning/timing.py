"""Days and time windows: the month planned (app.programme.months.YearMonth, the
programme's one month type), outlets' opening hours, the time-of-day bands a visit falls
in, working days, and the weeks the coaching cadence counts.

Pure and small on purpose: the planner, the move check and the independent rule check all
read time the same way, so a window the planner proposes is inside opening hours by the same
definition the check uses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import pairwise

from app.errors import UserError
from app.programme.months import YearMonth

# The programme runs on China Standard Time (UTC+8, no daylight saving): a fixed offset
# keeps the planner free of any time-zone database (no I/O) and exact.
CHINA = timezone(timedelta(hours=8), "CST")
DAY = timedelta(days=1)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")

# Weekday names (0 = Monday, as date.weekday()) and time-of-day bands, as message keys.
WEEKDAY_KEYS = ("planning.weekday.mon", "planning.weekday.tue", "planning.weekday.wed",
                "planning.weekday.thu", "planning.weekday.fri", "planning.weekday.sat",
                "planning.weekday.sun")
BAND_KEYS = ("planning.band.morning", "planning.band.midday", "planning.band.afternoon",
             "planning.band.evening")
# Where each band starts, in minutes after midnight: morning until 11:30, midday until
# 14:00, afternoon until 17:30, evening after. A window's band is its midpoint's band, a
# past visit's band is the band of its time.
BAND_STARTS = (0, 11 * 60 + 30, 14 * 60, 17 * 60 + 30)


def parse_month(text: str) -> YearMonth:
    """'2025-03' (or ' 2025-3 ') -> YearMonth(2025, 3); a clear, translated error for
    anything else. The month type is the programme's one (app.programme.months)."""
    match = _MONTH.match(text)
    if match is None:
        raise UserError("planning.invalid.month", value=text)
    try:
        return YearMonth(int(match.group(1)), int(match.group(2)))
    except ValueError:
        raise UserError("planning.invalid.month", value=text) from None


def month_of_index(index: int) -> YearMonth:
    """The month `index` months after year 0 (YearMonth.index read back)."""
    return YearMonth(index // 12, index % 12 + 1)


def minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def clock(total: int) -> time:
    """Minutes after midnight -> time (24:00 is written 23:59, the end of a day's hours)."""
    if total >= 24 * 60:
        return time(23, 59)
    return time(total // 60, total % 60)


def parse_clock(text: str) -> time:
    match = _CLOCK.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise UserError("planning.invalid.clock", value=text)
    return time(int(match.group(1)), int(match.group(2)))


def band_of(moment: time) -> int:
    """The time-of-day band (an index into BAND_KEYS) a clock time falls in."""
    m = minutes(moment)
    band = 0
    for i, start in enumerate(BAND_STARTS):
        if m >= start:
            band = i
    return band


@dataclass(frozen=True, order=True)
class Window:
    """When on the planned day the visit is to happen (local time, start before end)."""

    start: time
    end: time

    @property
    def band(self) -> int:
        mid = (minutes(self.start) + minutes(self.end)) // 2
        return band_of(time(mid // 60, mid % 60))

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"

    @classmethod
    def parse(cls, text: str) -> Window:
        """'14:00-16:00' -> Window."""
        start, _, end = text.partition("-")
        window = cls(parse_clock(start), parse_clock(end))
        if window.end <= window.start:
            raise UserError("planning.invalid.window", value=text)
        return window


@dataclass(frozen=True, order=True)
class Span:
    """One stretch of opening hours in a day (a lunch break makes two)."""

    open: time
    close: time

    def holds(self, window: Window) -> bool:
        return self.open <= window.start < window.end <= self.close


@dataclass(frozen=True)
class OpeningHours:
    """The spans an outlet is open, per weekday (index 0 = Monday; () = closed that day)."""

    week: tuple[tuple[Span, ...], ...]

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise UserError("planning.invalid.hours", value=len(self.week))
        for spans in self.week:
            for a, b in pairwise(sorted(spans)):
                if b.open < a.close:
                    raise UserError("planning.invalid.hours_overlap",
                                    value=f"{a.open:%H:%M}-{a.close:%H:%M}")
            for span in spans:
                if span.close <= span.open:
                    raise UserError("planning.invalid.hours_span",
                                    value=f"{span.open:%H:%M}-{span.close:%H:%M}")

    @classmethod
    def every_day(cls, text: str) -> OpeningHours:
        """'09:00-21:00' (or '09:00-12:00,14:00-18:00') on all seven days."""
        spans = _spans(text)
        return cls(tuple(spans for _ in range(7)))

    @classmethod
    def weekly(cls, days: Mapping[int, str]) -> OpeningHours:
        """{0: '09:00-18:00', ..., 6: ''}: the hours per weekday; a missing day is closed."""
        for weekday in days:
            if not 0 <= weekday <= 6:
                raise UserError("planning.invalid.weekday", value=weekday)
        return cls(tuple(_spans(days.get(i, "")) for i in range(7)))

    def on(self, weekday: int) -> tuple[Span, ...]:
        return self.week[weekday]

    def holds(self, weekday: int, window: Window) -> bool:
        """Whether the window lies wholly inside one of that weekday's spans."""
        return any(span.holds(window) for span in self.week[weekday])


def _spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    for part in (p for p in text.split(",") if p.strip()):
        start, sep, end = part.partition("-")
        if not sep:
            raise UserError("planning.invalid.hours_span", value=part.strip())
        spans.append(Span(parse_clock(start), parse_clock(end)))
    return tuple(sorted(spans))


@lru_cache(maxsize=4096)
def window_options(spans: tuple[Span, ...], length: int, step: int
                   ) -> tuple[tuple[Window, ...], ...]:
    """Every window of `length` minutes (shorter when a span is shorter) starting on a
    `step`-minute grid inside the spans, grouped by band (index = band)."""
    by_band: list[list[Window]] = [[] for _ in BAND_KEYS]
    for span in spans:
        lo, hi = minutes(span.open), minutes(span.close)
        size = min(length, hi - lo)
        start = lo
        while start + size <= hi:
            window = Window(clock(start), clock(start + size))
            by_band[window.band].append(window)
            start += step
    return tuple(tuple(w) for w in by_band)


def midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def at(day: date, moment: time, tz: tzinfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=tz)


def working_days(days: Iterable[date], holidays: frozenset[date],
                 workdays: frozenset[date]) -> list[date]:
    """Monday to Friday, less public holidays, plus the weekend days declared working days
    (China's make-up days, 调休)."""
    return [d for d in days
            if (d.weekday() < 5 and d not in holidays) or d in workdays]


def month_weeks(month: YearMonth) -> list[list[date]]:
    """The weeks the coaching cadence counts in `month`, each a list of the month's days.

    A Monday–Sunday week belongs to the month holding its Thursday (the ISO rule), so every
    week belongs to exactly one month and a month has as many weeks as Thursdays (4 or 5).
    The week is cut to the month's days; the month's first days that belong to the previous
    month's last week (at most Friday–Sunday) join its first week, and its last days that
    belong to the next month's first week (at most Monday–Wednesday) join its last week, so
    every day of the month is in exactly one of its weeks.
    """
    days = month.days()
    thursdays = [d for d in days if d.weekday() == 3]
    weeks: list[list[date]] = []
    for thursday in thursdays:
        monday = thursday - timedelta(days=3)
        weeks.append([d for d in (monday + timedelta(days=i) for i in range(7))
                      if d.month == month.month])
    before = [d for d in days if d < weeks[0][0]]
    after = [d for d in days if d > weeks[-1][-1]]
    weeks[0] = before + weeks[0]
    weeks[-1] = weeks[-1] + after
    return weeks


def fortnights(weeks: Sequence[Sequence[date]]) -> list[list[date]]:
    """The month's weeks in pairs (1–2, 3–4, and a fifth week alone): the periods of the
    once-every-two-weeks cadence."""
    return [[d for w in weeks[i:i + 2] for d in w] for i in range(0, len(weeks), 2)]


# -- opening hours as a manager writes them in the outlet list (issue 10) -----------------

_DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{name: i for i, name in enumerate(("周一", "周二", "周三", "周四", "周五", "周六",
                                         "周日"))},
    "周天": 6, **{str(i + 1): i for i in range(7)},
}
_DAYS_PART = re.compile(r"^\s*([^\s:：]+)\s+(\S.*)$")


@lru_cache(maxsize=4096)
def parse_hours(text: str) -> OpeningHours:
    """Opening hours as written in the outlet list (cached: an outlet list repeats a few
    ways of writing them thousands of times):

    - `09:00-21:00` (or `09:00-12:00,14:00-18:00`): the same every day;
    - `mon-fri 09:00-18:00; sat,sun 10:00-16:00` (also `周一-周五 …；周六 …`, or 1–7 for
      Monday–Sunday): per weekday, a day not named is closed.
    A clear, translated error for anything else (nothing is guessed)."""
    given = text.strip()
    if not given:
        raise UserError("planning.invalid.hours_span", value=text)
    parts = [p for p in re.split(r"[;；]", given) if p.strip()]
    if len(parts) == 1 and _DAYS_PART.match(parts[0]) is None:
        return OpeningHours.every_day(given.replace("，", ","))
    week: dict[int, str] = {}
    for part in parts:
        match = _DAYS_PART.match(part)
        if match is None:
            raise UserError("planning.invalid.hours_days", value=part.strip())
        spans = match.group(2).replace("，", ",").strip()
        for day in _weekdays(match.group(1)):
            if day in week:
                raise UserError("planning.invalid.hours_twice", value=part.strip())
            week[day] = spans
    return OpeningHours.weekly(week)


def _weekdays(text: str) -> list[int]:
    days: list[int] = []
    for piece in re.split(r"[,，、]", text.strip().lower()):
        first, sep, last = piece.replace("至", "-").partition("-")
        if first.strip() not in _DAY_NAMES or (sep and last.strip() not in _DAY_NAMES):
            raise UserError("planning.invalid.hours_days", value=text)
        a = _DAY_NAMES[first.strip()]
        b = _DAY_NAMES[last.strip()] if sep else a
        if b < a:
            raise UserError("planning.invalid.hours_days", value=text)
        days.extend(range(a, b + 1))
    return days


def hours_to_text(hours: OpeningHours) -> str:
    """The hours written back the way parse_hours reads them (for lists and exports)."""
    def spans(i: int) -> str:
        return ",".join(f"{s.open:%H:%M}-{s.close:%H:%M}" for s in hours.on(i))
    if len({hours.on(i) for i in range(7)}) == 1:
        return spans(0) or "—"
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return "; ".join(f"{names[i]} {spans(i)}" for i in range(7) if hours.on(i))
