"""Durable, all-or-nothing file writes for the photo store.

The database references a photo by its path and hash, so a photo file must never exist in a
half-written state and must survive a power cut once the caller has been told it is stored.
Hence: write to a temp file in the same directory, fsync it, rename it over the final name
(atomic on POSIX and on Windows via `os.replace`), then fsync the directory so the rename
itself is on disk. Temp files are dot-files ending in `.tmp`, so a crash (where no `except`
runs) leaves something `remove_stale_temp_files` can recognise and delete.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_CHUNK = 1 << 20

# Filesystems that cannot fsync a directory (some FUSE / network mounts) say so with these;
# there is nothing more we can do there, and refusing every photo would be worse.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (how the sync layer checks a stored photo is intact)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_dir(directory: Path) -> None:
    """Make a directory's entries (a rename, a new file or subdirectory) durable."""
    if os.name == "nt":  # Windows cannot open a directory for fsync; NTFS journals renames
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def ensure_dir(directory: Path) -> None:
    """Create `directory` (and missing parents), fsyncing each parent that gained an entry."""
    missing: list[Path] = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another writer made it meanwhile
            path.mkdir()
        fsync_dir(path.parent)


def fsync_existing(path: Path) -> None:
    """Make sure an already present file and its directory entry are on disk.

    Used when a photo is found already stored: a previous run may have crashed between the
    rename and the directory fsync, so "it exists" alone does not yet mean "it is durable".
    """
    with open(path, "rb" if os.name != "nt" else "r+b") as fh:  # Windows fsyncs writers only
        os.fsync(fh.fileno())
    fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see either nothing or all of it, durably.

    Returns only after the content and the directory entry have been fsynced. On any error
    the temp file is removed and the exception propagates; `path` is untouched.
    """
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), 0o644)  # mkstemp makes 0600; photos are shared
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    fsync_dir(directory)


def remove_stale_temp_files(root: Path, *, older_than_seconds: float = 3600.0) -> int:
    """Delete temp files left under `root` by a crash or power cut; returns how many.

    Only dot-files ending in `.tmp` older than `older_than_seconds` are touched, so a write in
    progress in another thread or process is left alone.
    """
    if not root.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for tmp in root.rglob(f".*{TEMP_SUFFIX}"):
        try:
            if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed
