"""Time as the perception rules count it: whole seconds on the local clock.

The business system exports local times (Asia/Shanghai) without an offset, and every rule
here is a rule of the local clock (texting windows, 24 hours, two months, the month a reply
counts in). China has kept UTC+8 without daylight saving since 1991, so a fixed offset is
exact and needs no time-zone database (no I/O). A moment is an int: seconds since
1970-01-01 00:00 *local* time, so `at % DAY` is the time of day and `at // DAY` the day,
without building a datetime per transaction (the send list handles millions of rows).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from app.errors import UserError
from app.programme.months import YearMonth

LOCAL = timezone(timedelta(hours=8), "CST")
OFFSET = 8 * 3600  # local seconds - UTC seconds
DAY = 86_400
HOUR = 3_600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def local_seconds(moment: datetime) -> int:
    """An aware datetime (any zone) or a naive one read as local time -> local seconds."""
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        return int(moment.timestamp()) + OFFSET
    days = moment.toordinal() - _EPOCH_ORDINAL
    return days * DAY + moment.hour * HOUR + moment.minute * 60 + moment.second


def local_datetime(seconds: int) -> datetime:
    """Local seconds -> an aware datetime in China Standard Time."""
    return datetime(1970, 1, 1, tzinfo=LOCAL) + timedelta(seconds=seconds)


def day_of(seconds: int) -> date:
    return date.fromordinal(_EPOCH_ORDINAL + seconds // DAY)


def month_of(seconds: int) -> YearMonth:
    return YearMonth.of(day_of(seconds))


def day_start(day: date) -> int:
    """Local seconds of 00:00 on `day`."""
    return (day.toordinal() - _EPOCH_ORDINAL) * DAY


def text(seconds: int) -> str:
    """'2025-06-03 14:05:00' (the form the exports and the gateway file use)."""
    return local_datetime(seconds).strftime("%Y-%m-%d %H:%M:%S")


def clock_seconds(value: str, *, end: bool = False) -> int:
    """'09:00' -> seconds after midnight; '24:00' only as the end of a window."""
    match = _CLOCK.match(value)
    if match is None:
        raise UserError("perception.settings.clock", value=value)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise UserError("perception.settings.clock", value=value)
    return hours * HOUR + minutes * 60


def clock_text(seconds: int) -> str:
    return f"{seconds // HOUR:02d}:{seconds % HOUR // 60:02d}"
