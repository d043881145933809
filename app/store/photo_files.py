"""Reclaim photo files that no row refers to, without ever taking one a row needs.

A photo is stored in two steps: intake writes the file (durably), then the service commits
the row that refers to it. A crash, a flat battery or a refused commit between the two
leaves a file nobody refers to; on a phone that is storage lost for good. `reclaim` finds
such files when the store is opened (and whenever a service drops a reference) and deletes
them.

Why this cannot delete a photo that is wanted:
* a file is deleted only inside a write transaction (BEGIN IMMEDIATE), after reading in
  that same transaction every reference to it (`photo.file`, `photo.thumb`, and the veto
  flags' evidence hashes); a reference committed before is seen, none can be committed
  meanwhile;
* a writer checks, inside its own write transaction, that the files it is about to refer
  to are still there (`files_present`) and stores them again if not (see
  `app.services.inspection.autosave`). Write transactions take turns, so a reclaim either
  ran wholly before that check (the writer notices and re-stores) or wholly after the
  commit (the reference is seen);
* only names of the photo store's own shape are considered (`ab/<sha256>.jpg` and
  `thumbs/ab/<sha256>.jpg`), nothing else a user or another tool put there, and at open
  only files unchanged for a while (`min_age_seconds`), a margin on top of the above.

Temp files of an intake killed half-way are `app.media.remove_stale_temp_files`' business.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import Connection, text

from app.store.engine import Store

log = logging.getLogger(__name__)

THUMBS = "thumbs"
DEFAULT_MIN_AGE_SECONDS = 600.0
_SHA = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"([0-9a-f]{64})\.jpg")


@dataclass(frozen=True, slots=True)
class Reclaimed:
    """What one reclaim did: files deleted (and their bytes), files kept as referenced."""

    removed: int = 0
    removed_bytes: int = 0
    kept: int = 0


def store_files(photos_dir: Path) -> Iterator[str]:
    """Every file of the store's own shape under `photos_dir`, as a relative POSIX path."""
    for top in (photos_dir, photos_dir / THUMBS):
        prefix = "" if top == photos_dir else f"{THUMBS}/"
        try:
            shards = [e for e in os.scandir(top) if e.is_dir() and len(e.name) == 2]
        except OSError:
            continue
        for shard in shards:
            try:
                entries = list(os.scandir(shard.path))
            except OSError:
                continue
            for entry in entries:
                match = _NAME.fullmatch(entry.name)
                if match and match[1].startswith(shard.name) and entry.is_file():
                    yield f"{prefix}{shard.name}/{entry.name}"


def _relative_paths(sha: str) -> tuple[str, str]:
    name = f"{sha[:2]}/{sha}.jpg"
    return name, f"{THUMBS}/{name}"


def _referenced(conn: Connection) -> set[str]:
    """Every store path a row refers to (read inside the reclaiming transaction)."""
    used: set[str] = set()
    for file, thumb, sha in conn.execute(text("SELECT file, thumb, sha256 FROM photo")):
        used.update(str(PurePosixPath(p)) for p in (file, thumb) if p)
        if _SHA.fullmatch(sha or ""):
            used.update(_relative_paths(sha))
    for (sha,) in conn.execute(text(
            "SELECT evidence_photo FROM veto_flag WHERE evidence_photo IS NOT NULL")):
        if _SHA.fullmatch(sha):
            used.update(_relative_paths(sha))
    return used


def reclaim(store: Store, photos_dir: Path, *, shas: Iterable[str] | None = None,
            min_age_seconds: float = DEFAULT_MIN_AGE_SECONDS) -> Reclaimed:
    """Delete the photo files under `photos_dir` that no row refers to.

    `shas`: consider only these photos (a service that just dropped references); None:
    every file of the store. Files changed less than `min_age_seconds` ago are left for a
    later run. Never raises for a file it cannot delete (logged, left in place).
    """
    if shas is None:
        candidates = list(store_files(photos_dir))
    else:
        candidates = [p for sha in set(shas) if _SHA.fullmatch(sha)
                      for p in _relative_paths(sha)]
    if min_age_seconds > 0:  # the margin, checked before the lock is taken
        cutoff = time.time() - min_age_seconds
        candidates = [rel for rel in candidates if _older_than(photos_dir / rel, cutoff)]
    if not candidates:
        return Reclaimed()
    removed = removed_bytes = kept = 0
    with store.writing_connection() as conn:  # no reference can be committed meanwhile
        used = _referenced(conn)
        for rel in candidates:
            if rel in used:
                kept += 1
                continue
            path = photos_dir / rel
            try:
                size = path.stat().st_size
                path.unlink()
            except FileNotFoundError:
                continue
            except OSError:
                log.warning("could not remove the unreferenced photo file %s", rel,
                            exc_info=True)
                continue
            removed += 1
            removed_bytes += size
    if removed:
        log.info("reclaimed %d unreferenced photo files (%d bytes)", removed, removed_bytes)
    return Reclaimed(removed, removed_bytes, kept)


def _older_than(path: Path, cutoff: float) -> bool:
    try:
        return path.stat().st_mtime < cutoff
    except OSError:
        return False


def files_present(photos_dir: Path, *relative: str | None) -> bool:
    """Are these store files there? Asked by a writer inside its write transaction, right
    before it commits a reference to them (see the module docstring)."""
    return all((photos_dir / rel).is_file() for rel in relative if rel)
