"""The rotation rule at its edges (the mutation run found the same instant unguarded)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.programme import rotation

T0 = datetime(2025, 6, 1, 10, 0, tzinfo=UTC)


def test_a_visit_at_the_very_same_moment_is_a_repeat() -> None:
    """Two covert visits by one shopper to one outlet at once (two phones, one clock) are
    one visit too many."""
    assert rotation.blocking_visit([T0], T0) == T0
    assert rotation.blocking_visit([T0 + timedelta(seconds=1)], T0) is None


def test_the_latest_of_several_previous_visits_blocks() -> None:
    earlier, later = T0 - timedelta(days=60), T0 - timedelta(days=10)
    assert rotation.blocking_visit([later, earlier], T0) == later
    assert rotation.blocking_visit([earlier, later], T0) == later
    assert rotation.next_allowed(later) == later + timedelta(days=92)
