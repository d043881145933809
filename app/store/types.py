"""Column types the local store needs beyond SQLAlchemy's defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in time, stored as UTC ISO-8601 text (`2025-03-01T08:15:30.123456+00:00`).

    Aware datetimes of any offset go in; aware UTC datetimes come out. Naive values are
    refused: a time without its offset is ambiguous, and the device's own offset is kept
    beside each timestamp that a person reads (started/finished). Fixed-width text sorts in
    time order, so indexes on these columns serve range queries ("today").
    """

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime: give a timezone-aware value")
        return value.astimezone(UTC).isoformat(timespec="microseconds")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:  # written by hand; the store only writes UTC
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)


def utc_text(value: datetime) -> str:
    """The stored text for `value` (for raw SQL comparisons against UTCDateTime columns)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime: give a timezone-aware value")
    return value.astimezone(UTC).isoformat(timespec="microseconds")
