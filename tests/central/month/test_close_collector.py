"""The close pauses Python's cyclic collector for its duration only, and leaves it as it
found it, also when closes overlap or one fails."""

from __future__ import annotations

import gc

import pytest

from app.central.month.close import _collector_paused


def test_the_collector_is_paused_during_a_close_and_restored_after() -> None:
    assert gc.isenabled()
    with _collector_paused():
        assert not gc.isenabled()
        with _collector_paused():  # an overlapping close
            assert not gc.isenabled()
        assert not gc.isenabled()  # the first is still running
    assert gc.isenabled()
    with pytest.raises(RuntimeError), _collector_paused():
        raise RuntimeError("a close that fails")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with _collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
