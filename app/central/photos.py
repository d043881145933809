"""Photo storage behind a small interface: content-addressed, verified, written atomically.

The API only talks to a `PhotoStore`: `FileSystemPhotoStore` keeps photos in a folder (the
embedded default, one machine), `app.central.photo_s3.S3PhotoStore` in an S3-compatible
bucket (several workers or hosts); `open_photo_store` picks one from the settings.
A photo is named by
the SHA-256 of its bytes: the store computes the hash while it writes and refuses bytes that
do not match the name they were sent under, so what is stored is exactly what was taken.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from app.central.settings import ServerSettings

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


class PhotoHashMismatch(ValueError):
    """The bytes do not hash to the name they were sent under; nothing was stored."""

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"bytes hash to {actual}, not {expected}")
        self.expected = expected
        self.actual = actual


class PhotoTooLarge(ValueError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"photo larger than {limit} bytes")
        self.limit = limit


@dataclass(frozen=True)
class StoredPhoto:
    sha256: str
    size: int
    created: bool  # False: the store already held these bytes


class PhotoStore(Protocol):
    """Where photo bytes live. Implementations must be safe for concurrent writers."""

    def put(self, sha256: str, chunks: Iterable[bytes], *, max_bytes: int | None = None
            ) -> StoredPhoto:
        """Store the bytes under their hash; raise PhotoHashMismatch / PhotoTooLarge."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def size(self, sha256: str) -> int | None: ...

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        """The stored bytes, in chunks; FileNotFoundError when absent."""
        ...

    def hashes(self) -> Iterator[str]:
        """Every stored photo's hash (in no promised order): for backups and migrations."""
        ...

    def describe(self) -> str:
        """Where the photos are, for a person (never a credential)."""
        ...


def check_hash(sha256: str) -> str:
    """`sha256` if it is 64 lower-case hex digits (so it can never be a path trick)."""
    if not _SHA256.match(sha256):
        raise ValueError("a photo is named by 64 lower-case hex digits (its SHA-256)")
    return sha256


class FileSystemPhotoStore:
    """Photos as files `root/ab/cd/<sha256>`, written to a temp file, fsynced and renamed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._tmp = self.root / "tmp"
        self._tmp.mkdir(parents=True, exist_ok=True)
        self._discard_orphaned_uploads()

    def _discard_orphaned_uploads(self) -> None:
        """Delete temp files of uploads whose server process is gone (killed mid-upload).

        A temp file is named after the process writing it, so a store opened beside a
        running server (an admin command) never touches that server's uploads in flight.
        """
        for tmp in self._tmp.glob("in-*-*"):
            try:
                pid = int(tmp.name.split("-")[1])
            except ValueError:
                continue
            if pid != os.getpid() and not _process_alive(pid):
                tmp.unlink(missing_ok=True)

    def path(self, sha256: str) -> Path:
        check_hash(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def size(self, sha256: str) -> int | None:
        try:
            return self.path(sha256).stat().st_size
        except FileNotFoundError:
            return None

    def hashes(self) -> Iterator[str]:
        for path in self.root.glob("[0-9a-f][0-9a-f]/[0-9a-f][0-9a-f]/*"):
            if _SHA256.match(path.name) and path.name[:2] == path.parent.parent.name \
                    and path.name[2:4] == path.parent.name and path.is_file():
                yield path.name

    def describe(self) -> str:
        return str(self.root)

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                yield chunk

    def put(self, sha256: str, chunks: Iterable[bytes], *, max_bytes: int | None = None
            ) -> StoredPhoto:
        target = self.path(sha256)
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix=f"in-{os.getpid()}-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise PhotoTooLarge(max_bytes)
                    digest.update(chunk)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            actual = digest.hexdigest()
            if actual != sha256:
                raise PhotoHashMismatch(sha256, actual)
            if target.is_file() and target.stat().st_size == size:
                return StoredPhoto(sha256, size, created=False)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                # atomic and exclusive: readers see the whole photo or none, and of several
                # writers of one photo exactly one creates it; nobody rewrites it
                os.link(tmp, target)
            except FileExistsError:
                if target.stat().st_size == size:
                    return StoredPhoto(sha256, size, created=False)
                os.replace(tmp, target)  # a damaged file (wrong size) is repaired
            except OSError:  # a file system without hard links
                os.replace(tmp, target)
            _fsync_dir(target.parent)
            return StoredPhoto(sha256, size, created=True)
        finally:
            tmp.unlink(missing_ok=True)


def open_photo_store(settings: ServerSettings) -> PhotoStore:
    """The store the settings name: the folder data_dir/photos, or an S3 bucket."""
    return photo_store_at(settings.photo_store, settings.photos_dir)


def photo_store_at(spec: str | Path | None, default_dir: Path | None = None) -> PhotoStore:
    """A store from its name: `s3://bucket/prefix` (endpoint and credentials from the
    environment, see photo_s3), a folder path, or None for `default_dir`."""
    if spec is None or spec == "":
        if default_dir is None:
            raise ValueError("no photo store named")
        return FileSystemPhotoStore(default_dir)
    if isinstance(spec, str) and spec.lower().startswith("s3:"):
        from app.central.photo_s3 import S3PhotoStore

        return S3PhotoStore.from_url(spec)
    return FileSystemPhotoStore(Path(spec))


def hash_of(store: PhotoStore, sha256: str) -> tuple[str, int]:
    """(SHA-256, size) of the bytes the store holds under `sha256`, read back in full."""
    digest = hashlib.sha256()
    size = 0
    for chunk in store.open_chunks(sha256):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


@dataclass
class MigrationReport:
    copied: int = 0  # written into the target
    present: int = 0  # already there (size checked), so a second run carries on
    bad: list[tuple[str, str]] | None = None  # (name, what its bytes hash to): not copied


def migrate_photos(source: PhotoStore, target: PhotoStore, *, threads: int = 8,
                   progress: Callable[[int, int], None] | None = None) -> MigrationReport:
    """Copy every photo of `source` into `target`, each hashed on the way (a damaged one
    is reported, never copied); what the target already holds is skipped, so an
    interrupted run is simply run again."""
    from concurrent.futures import ThreadPoolExecutor

    names = sorted(source.hashes())
    report = MigrationReport(bad=[])
    lock = threading.Lock()
    done = 0

    def one(sha: str) -> None:
        nonlocal done
        try:
            stored = target.put(sha, source.open_chunks(sha))
            outcome = "copied" if stored.created else "present"
        except PhotoHashMismatch as exc:
            outcome = exc.actual
        with lock:
            if outcome == "copied":
                report.copied += 1
            elif outcome == "present":
                report.present += 1
            else:
                report.bad.append((sha, outcome))  # type: ignore[union-attr]
            done += 1
            if progress:
                progress(done, len(names))

    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        for _ in pool.map(one, names):
            pass
    return report


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)
