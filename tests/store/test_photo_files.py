"""Reclaiming photo files no row refers to: what a crash between writing a photo and
committing it leaves is deleted when the store is opened; a photo any row refers to, a
photo being attached right now by another process, and files not of the store's own shape
are never touched."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import text

from app.media import intake_photo
from app.services import OutletData, Workspace
from app.store import open_store, reclaim
from app.store.photo_files import files_present, store_files

REPO = Path(__file__).resolve().parents[2]
CHECKLISTS = REPO / "tests" / "services" / "fixtures" / "services.yaml"
HOUR_AGO = time.time() - 3600


def _jpeg(seed: int, size: tuple[int, int] = (96, 72)) -> bytes:
    im = Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256))
    im.paste((255 - seed % 256, 0, 0), (0, 0, size[0] // 2, size[1] // 3))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _open(data_dir: Path) -> Workspace:
    ws = Workspace.open(data_dir, CHECKLISTS)
    ws.outlets.upsert(OutletData(code="HZ-001", name="杭州旗舰厅", tier="flagship"))
    ws.settings.set_inspector("INS-1")
    return ws


def _age(*paths: Path) -> None:
    for path in paths:
        os.utime(path, (HOUR_AGO, HOUR_AGO))


def _referenced_files_exist(ws: Workspace) -> list[str]:
    """Store paths that rows refer to but that are missing on disk (must stay empty)."""
    with ws.store.reading() as s:
        rows = s.execute(text("SELECT file, thumb FROM photo")).all()
    return [rel for row in rows for rel in row if rel and not (ws.paths.photos / rel).is_file()]


CRASHING_ATTACH = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {repo!r})
    import app.media.intake as intake
    from app.services import Workspace

    real = intake.intake_photo
    def written_then_killed(*args, **kwargs):
        stored = real(*args, **kwargs)  # both files durable on disk ...
        print(stored.sha256, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # ... and the row never committed
    intake.intake_photo = written_then_killed

    ws = Workspace.open({data!r}, {checklists!r})
    ws.inspections.attach_photo({uuid!r}, "storefront", open({photo!r}, "rb").read())
""")


def test_a_photo_written_before_a_crash_is_reclaimed_when_the_store_is_opened(
        tmp_path: Path) -> None:
    data = tmp_path / "data"
    ws = _open(data)
    uuid = ws.inspections.start("mystery_shop", "HZ-001")
    kept = ws.inspections.attach_photo(uuid, "storefront", _jpeg(1))
    ws.close()
    photo = tmp_path / "orphan.jpg"
    photo.write_bytes(_jpeg(2))

    child = subprocess.run(
        [sys.executable, "-c", CRASHING_ATTACH.format(
            repo=str(REPO), data=str(data), checklists=str(CHECKLISTS), uuid=uuid,
            photo=str(photo))],
        capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -9, child.stderr
    orphan_sha = child.stdout.split()[0]
    photos = data / "photos"
    orphan = photos / orphan_sha[:2] / f"{orphan_sha}.jpg"
    orphan_thumb = photos / "thumbs" / orphan_sha[:2] / f"{orphan_sha}.jpg"
    assert orphan.is_file() and orphan_thumb.is_file()  # written, never committed
    # not of the store's shape: a user's file, another tool's, a misnamed shard
    strangers = [photos / "README.txt", photos / orphan_sha[:2] / "holiday.jpg",
                 photos / "zz" / f"{orphan_sha}.jpg"]
    for path in strangers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"not ours")
    _age(orphan, orphan_thumb, *strangers, kept.path, kept.thumb_path)  # type: ignore[arg-type]

    ws = _open(data)  # opening the store reclaims
    try:
        assert not orphan.exists() and not orphan_thumb.exists()
        assert kept.path.is_file() and kept.thumb_path and kept.thumb_path.is_file()
        assert all(path.is_file() for path in strangers)
        assert _referenced_files_exist(ws) == []
        assert ws.storage_used().photo_count == 1
    finally:
        ws.close()


def test_a_freshly_written_unreferenced_file_waits_for_a_later_open(tmp_path: Path) -> None:
    """A margin on top of the locking: a file younger than ten minutes is left alone."""
    data = tmp_path / "data"
    _open(data).close()
    orphan = intake_photo(_jpeg(3), data / "photos", source_kind="camera")
    _open(data).close()
    assert orphan.path.is_file()
    _age(orphan.path, orphan.thumb_path)
    _open(data).close()
    assert not orphan.path.exists() and not orphan.thumb_path.exists()


def test_every_kind_of_reference_keeps_its_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ws = _open(data)
    try:
        first = ws.inspections.start("mystery_shop", "HZ-001")
        second = ws.inspections.start("mystery_shop", "HZ-001")
        shared = ws.inspections.attach_photo(first, "storefront", _jpeg(4))
        ws.inspections.attach_photo(second, "storefront", _jpeg(4))  # the same photo twice
        evidence = intake_photo(_jpeg(5), ws.paths.photos, source_kind="camera")
        with ws.store.writing_connection() as conn:  # a veto flag citing a photo by hash
            conn.execute(text(
                "INSERT INTO veto_flag (inspection_uuid, item_id, section_id, scope, "
                "reason_zh, reason_en, evidence_photo, raised_at) VALUES "
                "(:u, 'rude', 's', 'visit', '违规', 'Violation', :sha, '2025-01-01')"),
                {"u": first, "sha": evidence.sha256})
        every = [ws.paths.photos / rel for rel in store_files(ws.paths.photos)]
        _age(*every)
        done = reclaim(ws.store, ws.paths.photos, min_age_seconds=0)
        assert done.removed == 0 and done.kept == 4
        # one visit drops the shared photo: the other still refers to it
        ws.inspections.remove_photo(first, "storefront", shared.sha256)
        assert shared.path.is_file()
        ws.inspections.remove_photo(second, "storefront", shared.sha256)
        assert not shared.path.exists()  # the last reference gone: reclaimed at once
        assert evidence.path.is_file()
    finally:
        ws.close()


def test_reclaim_of_named_photos_and_a_missing_directory(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db", photos_dir=tmp_path / "absent")
    try:
        assert reclaim(store, tmp_path / "absent").removed == 0
        photos = tmp_path / "photos"
        a = intake_photo(_jpeg(6), photos, source_kind="camera")
        b = intake_photo(_jpeg(7), photos, source_kind="camera")
        done = reclaim(store, photos, shas=[a.sha256, "not-a-hash"], min_age_seconds=0)
        assert done.removed == 2 and done.removed_bytes > 0  # photo + thumbnail
        assert not a.path.exists() and b.path.is_file()
        assert files_present(photos, "x" * 0, None) and not files_present(photos, "ab/none.jpg")
    finally:
        store.dispose()


WRITER = textwrap.dedent("""
    import io, sys
    sys.path.insert(0, {repo!r})
    from PIL import Image
    from app.services import Workspace

    ws = Workspace.open({data!r}, {checklists!r})
    for n in range({count}):
        im = Image.new("RGB", (640, 480), (n * 7 % 256, n * 53 % 256, 90))
        im.paste((0, 0, n % 256), (0, 0, 320, n % 480 + 1))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=90)
        ws.inspections.attach_photo({uuid!r}, "storefront", buf.getvalue())
        print(n, flush=True)
    ws.close()
""")


@pytest.mark.parametrize("count", [40])
def test_reclaim_racing_a_writer_in_another_process_never_loses_a_photo(
        tmp_path: Path, count: int) -> None:
    """The crash window (file written, row not yet committed) happens on every attach: a
    reclaim with no age margin, run over and over meanwhile, must never delete a file in
    it. Without the writer's check inside its transaction, this loses photos."""
    data = tmp_path / "data"
    ws = _open(data)
    uuid = ws.inspections.start("mystery_shop", "HZ-001")
    stop = threading.Event()
    runs = [0, 0]  # reclaims, files removed

    def reclaim_again_and_again() -> None:
        while not stop.is_set():
            runs[1] += reclaim(ws.store, ws.paths.photos, min_age_seconds=0).removed
            runs[0] += 1

    reclaimer = threading.Thread(target=reclaim_again_and_again)
    reclaimer.start()
    try:
        writer = subprocess.run(
            [sys.executable, "-c", WRITER.format(repo=str(REPO), data=str(data),
                                                 checklists=str(CHECKLISTS), uuid=uuid,
                                                 count=count)],
            capture_output=True, text=True, timeout=300, check=False)
    finally:
        stop.set()
        reclaimer.join(timeout=60)
    try:
        assert writer.returncode == 0, writer.stderr
        assert runs[0] > count  # the reclaims really ran between the attaches
        assert len(ws.inspections.state(uuid).photos["storefront"]) == count
        assert _referenced_files_exist(ws) == []
    finally:
        ws.close()
