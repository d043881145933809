"""Opening a workspace tidies what a killed photo intake left behind, and nothing else."""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.services import Workspace


def test_open_removes_stale_photo_temp_files_only(tmp_path: Path) -> None:
    Workspace.open(tmp_path).close()
    photos = tmp_path / "photos" / "ab"
    photos.mkdir(parents=True, exist_ok=True)
    stale = photos / ".abc123.tmp"
    fresh = photos / ".def456.tmp"
    kept = photos / "holiday.jpg"  # not a temp file (nor a store photo, which a reclaim takes)
    for f in (stale, fresh, kept):
        f.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(kept, (two_hours_ago, two_hours_ago))

    Workspace.open(tmp_path).close()

    assert not stale.exists()
    assert fresh.exists()  # may be a write in progress in another process
    assert kept.exists()
