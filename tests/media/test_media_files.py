"""Durable, all-or-nothing writes: fsync before rename, directory fsync after, no debris."""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path

import pytest

from app.errors import UserError
from app.media import intake_photo, photo_paths, remove_stale_temp_files, sha256_file
from app.media.files import ensure_dir, write_atomic

from .imaging import all_files, encode, two_tone


def _photo() -> bytes:
    return encode(two_tone((400, 300)), "JPEG")


def test_returns_only_after_fsync_then_rename_then_directory_fsync(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, object, object]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        events.append(("fsync", "dir" if stat.S_ISDIR(info.st_mode) else "file", info.st_ino))
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append(("replace", os.stat(src).st_ino, Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    stored = intake_photo(_photo(), store, source_kind="camera")
    monkeypatch.undo()

    for final in (stored.thumb_path, stored.path):
        (at,) = [i for i, e in enumerate(events) if e[0] == "replace" and e[2] == final]
        inode = events[at][1]
        assert ("fsync", "file", inode) in events[:at], f"{final.name}: not fsynced before rename"
        dir_inode = final.parent.stat().st_ino
        assert ("fsync", "dir", dir_inode) in events[at + 1 :], f"{final.name}: dir not fsynced"
    # thumbnail first: a photo on disk always has its thumbnail
    replaced = [e[2] for e in events if e[0] == "replace"]
    assert replaced == [stored.thumb_path, stored.path]
    # and on return the files are complete
    assert sha256_file(stored.path) == stored.sha256
    assert stored.path.stat().st_size == stored.size_bytes
    assert all_files(store) == sorted([stored.path, stored.thumb_path])


def test_new_directories_are_made_durable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(
        os, "fsync", lambda fd: (synced.append(os.fstat(fd).st_ino), real_fsync(fd))
    )
    ensure_dir(tmp_path / "a" / "b" / "c")
    for parent in (tmp_path, tmp_path / "a", tmp_path / "a" / "b"):
        assert parent.stat().st_ino in synced
    assert (tmp_path / "a" / "b" / "c").is_dir()


@pytest.mark.parametrize("failing", ["replace", "file fsync", "dir fsync", "write"])
def test_a_failed_write_leaves_no_file_and_no_temp_file(
    store: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    real_fsync = os.fsync

    def fsync_failing_for(kind: int) -> object:
        def fsync(fd: int) -> None:
            if stat.S_IFMT(os.fstat(fd).st_mode) == kind:
                raise OSError(5, "I/O error")
            real_fsync(fd)

        return fsync

    if failing == "file fsync":
        monkeypatch.setattr(os, "fsync", fsync_failing_for(stat.S_IFREG))
    elif failing == "dir fsync":
        monkeypatch.setattr(os, "fsync", fsync_failing_for(stat.S_IFDIR))
    elif failing == "write":
        import app.media.files as files_module

        real_fdopen = os.fdopen

        class FailingFile:
            def __init__(self, fd: int) -> None:
                self._fh = real_fdopen(fd, "wb")

            def __enter__(self) -> FailingFile:
                return self

            def __exit__(self, *exc: object) -> None:
                self._fh.close()

            def write(self, data: bytes) -> int:
                self._fh.write(data[: len(data) // 2])  # half written, then the disk fills
                raise OSError(28, "No space left on device")

        monkeypatch.setattr(files_module.os, "fdopen", lambda fd, _mode: FailingFile(fd))
    else:
        monkeypatch.setattr(os, "replace", boom)

    with pytest.raises(UserError) as caught:
        intake_photo(_photo(), store, source_kind="camera")
    monkeypatch.undo()

    assert caught.value.key == "media.save_failed"
    assert caught.value.message("zh") != caught.value.message("en")
    assert all_files(store) == []  # directories may exist; no file, no temp file


def test_failure_on_the_photo_keeps_a_usable_thumbnail_only(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The thumbnail lands first; if the photo then fails, a retry completes the pair."""
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if "thumbs" not in Path(dst).parts:
            raise OSError(5, "I/O error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(UserError):
        intake_photo(_photo(), store, source_kind="camera")
    monkeypatch.undo()
    assert [p.parent.parent.name for p in all_files(store)] == ["thumbs"]

    stored = intake_photo(_photo(), store, source_kind="camera")
    assert all_files(store) == sorted([stored.path, stored.thumb_path])


def test_write_atomic_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "x.jpg"
    write_atomic(target, b"first version")
    write_atomic(target, b"second")
    assert target.read_bytes() == b"second"
    assert list(tmp_path.iterdir()) == [target]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_sha256_file_and_photo_paths(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # more than one read chunk
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f") == hashlib.sha256(data).hexdigest()

    sha = hashlib.sha256(b"x").hexdigest()
    photo, thumb = photo_paths(tmp_path, sha)
    assert photo == tmp_path / sha[:2] / f"{sha}.jpg"
    assert thumb == tmp_path / "thumbs" / sha[:2] / f"{sha}.jpg"
    for bad in ("../../etc/passwd", sha.upper(), sha[:-1], sha + "0", ""):
        with pytest.raises(ValueError):
            photo_paths(tmp_path, bad)


def test_stale_temp_files_are_cleaned_but_fresh_ones_kept(tmp_path: Path) -> None:
    (tmp_path / "ab").mkdir()
    stale = tmp_path / "ab" / ".abc.jpg.k2j3.tmp"
    fresh = tmp_path / "ab" / ".abd.jpg.x9y8.tmp"
    photo = tmp_path / "ab" / "abc.jpg"
    for path in (stale, fresh, photo):
        path.write_bytes(b"x")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    os.utime(photo, (old, old))

    assert remove_stale_temp_files(tmp_path) == 1
    assert sorted(p.name for p in (tmp_path / "ab").iterdir()) == sorted([fresh.name, photo.name])
    assert remove_stale_temp_files(tmp_path / "missing") == 0


def test_a_failed_directory_fsync_after_rename_leaves_only_complete_files(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rename happened, durability is unknown: refuse, but what is there is whole."""
    known = intake_photo(_photo(), tmp_path / "elsewhere", source_kind="camera")
    photo, thumb = photo_paths(store, known.sha256)
    photo.parent.mkdir(parents=True)
    thumb.parent.mkdir(parents=True)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(5, "I/O error")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(UserError) as caught:
        intake_photo(_photo(), store, source_kind="camera")
    monkeypatch.undo()

    assert caught.value.key == "media.save_failed"
    assert all_files(store) == [thumb]  # thumbnail renamed, its dir fsync failed: stop there
    assert thumb.read_bytes() == known.thumb_path.read_bytes()
