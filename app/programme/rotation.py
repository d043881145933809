"""Mystery-shopper rotation: the same shopper visits the same outlet at most once in any
three months, or staff learn to recognise them. Pure: the device (which blocks a repeat on
site, from its own visits and the ones the server says it made on other phones) and the
central endpoint (which flags a repeat it sees across every device) apply this one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

ROTATION_DAYS = 92  # "three months": the longest three consecutive months have 92 days
WINDOW = timedelta(days=ROTATION_DAYS)


def blocking_visit(previous: Iterable[datetime], at: datetime) -> datetime | None:
    """The latest of the shopper's `previous` visits to one outlet that is less than three
    months before `at` (a visit at `at` is then a repeat), or None when `at` is allowed.

    Visits after `at` are not previous visits and are ignored; times must be aware.
    """
    latest: datetime | None = None
    for when in previous:
        if when <= at and at - when < WINDOW and (latest is None or when > latest):
            latest = when
    return latest


def next_allowed(last: datetime) -> datetime:
    """When the shopper may visit that outlet again after a visit at `last`."""
    return last + WINDOW
