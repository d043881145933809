"""Key files made once, whichever of several workers starting together gets there first."""

from __future__ import annotations

import secrets
import stat
import threading
from pathlib import Path

from app.central.keyfile import read_or_make


def _valid(data: bytes) -> bool:
    return len(data) == 32


def test_a_key_is_made_once_readable_by_its_owner_only_and_then_read_back(tmp_path) -> None:
    path = tmp_path / "data" / "some.key"
    made = read_or_make(path, lambda: secrets.token_bytes(32), valid=_valid)
    assert path.read_bytes() == made and len(made) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_or_make(path, lambda: b"x" * 32, valid=_valid) == made
    assert [p.name for p in path.parent.iterdir()] == ["some.key"]  # no temp file left


def test_workers_starting_together_all_read_the_one_key_that_won(tmp_path) -> None:
    path = tmp_path / "race.key"
    seen: list[bytes] = []
    start = threading.Barrier(8)

    def worker() -> None:
        start.wait()
        seen.append(read_or_make(path, lambda: secrets.token_bytes(32), valid=_valid))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(seen) == 8 and set(seen) == {path.read_bytes()}


def test_an_empty_leftover_of_a_crash_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "crashed.key"
    path.write_bytes(b"")
    made = read_or_make(path, lambda: b"k" * 32, valid=_valid)
    assert made == b"k" * 32 == path.read_bytes()
