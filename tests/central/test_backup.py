"""Backup and restore (`hallcheck admin backup DIR` / `restore DIR`) of a running endpoint
on SQLite and on PostgreSQL, with real server processes and devices syncing during the
backup; restored elsewhere and compared: every result, audit line and photo hash.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync.conftest import BACKENDS
from sync.helpers import REPO, ServerProcess, create_database, wait_until

from app.central.photos import FileSystemPhotoStore, photo_store_at

from .s3_support import MotoServer, environ
from .scale_support import DeviceLoad, photo_hashes, table_rows

IMMUTABLE = ("inspections", "audit_log", "photos", "inspection_photos")


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[Callable[[str], ServerProcess]]:
    """Endpoints (real processes) on SQLite or a fresh PostgreSQL database, closed after."""
    made: list[ServerProcess] = []

    def make(backend: str) -> ServerProcess:
        url = (create_database(request.getfixturevalue("pg_admin_url"))
               if backend == "postgresql" else None)
        made.append(ServerProcess(tmp_path / f"server-{len(made)}", url))
        return made[-1]

    try:
        yield make
    finally:
        for proc in made:
            proc.close()


def admin(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    run_env = {**os.environ, **(env or {})}
    run_env.pop("HALLCHECK_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "app", "--lang", "en", "admin", *args],
                          cwd=REPO, env=run_env, capture_output=True, text=True, timeout=300,
                          check=False)


def db_args(data_dir: Path, url: str | None) -> list[str]:
    return ["--data-dir", str(data_dir), *(["--database-url", url] if url else [])]


def sqlalchemy_url(data_dir: Path, url: str | None) -> str:
    return url or f"sqlite:///{data_dir / 'server.db'}"


def fresh_target(backend: str, tmp: Path, name: str, request: pytest.FixtureRequest
                 ) -> tuple[Path, str | None]:
    url = (create_database(request.getfixturevalue("pg_admin_url"))
           if backend == "postgresql" else None)
    return tmp / name, url


@pytest.mark.parametrize("backend", BACKENDS)
def test_backup_under_load_restores_every_result_audit_line_and_photo(
        backend: str, make_server, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    server: ServerProcess = make_server(backend).start()
    devices = [server.enrol(f"ms-{i:03d}") for i in range(4)]
    load = DeviceLoad(server.url, devices, per_device=1000, photos_per=2).start()
    wait_until(lambda: load.count >= 12, timeout=120, what="the first results")

    # 1. a backup while the devices keep syncing
    during = tmp_path / "backup-during"
    before = load.count
    done = admin("backup", str(during), *db_args(server.data_dir, server.database_url))
    assert done.returncode == 0, done.stderr
    assert "Backup written" in done.stdout
    assert load.count > before, "no result arrived during the backup: not under load"
    load.stop()
    assert load.errors == []
    manifest = json.loads((during / "manifest.json").read_text())
    assert manifest["database"]["kind"] == backend

    dir1, url1 = fresh_target(backend, tmp_path, "restored-during", request)
    done = admin("restore", str(during), *db_args(dir1, url1))
    assert done.returncode == 0, done.stderr
    source = table_rows(sqlalchemy_url(server.data_dir, server.database_url))
    restored = table_rows(sqlalchemy_url(dir1, url1))
    assert set(restored) == set(source)  # every table, found by reflection
    results = {r for r in restored["inspections"]}
    assert 12 <= len(results) < len(load.acked), "a backup under load holds a moment of it"
    for table in IMMUTABLE:  # every restored row is exactly a row of the source
        assert set(restored[table]) <= set(source[table]), table
    assert len(restored["audit_log"]) == len(restored["inspections"])  # one 'received' each
    # consistent: every photo the restored results name is there, with its bytes
    restored_store = FileSystemPhotoStore(dir1 / "photos")
    hashes = photo_hashes(restored_store)
    assert all(name == digest for name, digest in hashes.items())
    assert len(hashes) == len(restored["photos"])
    named = {row[1] for row in restored["inspection_photos"]}
    assert named <= set(hashes), "a restored result lacks a photo"

    # 2. once the devices are done: a second backup, restored, equals the source exactly
    after = tmp_path / "backup-after"
    assert admin("backup", str(after), *db_args(server.data_dir, server.database_url)
                 ).returncode == 0
    dir2, url2 = fresh_target(backend, tmp_path, "restored-after", request)
    done = admin("restore", str(after), *db_args(dir2, url2))
    assert done.returncode == 0, done.stderr
    assert table_rows(sqlalchemy_url(dir2, url2)) == table_rows(
        sqlalchemy_url(server.data_dir, server.database_url))
    source_photos = photo_hashes(FileSystemPhotoStore(server.data_dir / "photos"))
    assert photo_hashes(FileSystemPhotoStore(dir2 / "photos")) == source_photos
    assert set(source_photos) == set(load.photos)
    # the restored endpoint serves what it holds: a restarted server on the restored data
    again = ServerProcess(dir2, url2).start()
    try:
        import httpx

        uuid = next(iter(load.acked))
        manager = again.enrol("", role="manager")
        r = httpx.get(f"{again.url}/api/v1/inspections/{uuid}", headers=manager.headers)
        assert r.status_code == 200
        assert r.json()["summary"]["body_sha256"] == load.acked[uuid]
    finally:
        again.close()


def test_restore_refuses_a_damaged_backup_and_writes_nothing(make_server, tmp_path: Path
                                                              ) -> None:
    server: ServerProcess = make_server("sqlite").start()
    device = server.enrol("ms-001")
    DeviceLoad(server.url, [device], per_device=3, photos_per=1).start().join()
    backup = tmp_path / "b"
    assert admin("backup", str(backup), *db_args(server.data_dir, None)).returncode == 0
    photo = next((backup / "photos").glob("*/*/*"))
    photo.write_bytes(photo.read_bytes()[:-1] + b"!")  # one byte changed
    target = tmp_path / "target"
    done = admin("restore", str(backup), "--data-dir", str(target))
    assert done.returncode == 2
    assert "damaged" in done.stderr and photo.name in done.stderr
    assert "Traceback" not in done.stderr
    assert not (target / "server.db").exists() or table_rows(
        f"sqlite:///{target / 'server.db'}") == {}


def test_restore_refuses_a_target_that_holds_data(make_server, tmp_path: Path) -> None:
    server: ServerProcess = make_server("sqlite").start()
    backup = tmp_path / "b"
    assert admin("backup", str(backup), *db_args(server.data_dir, None)).returncode == 0
    before = table_rows(f"sqlite:///{server.data_dir / 'server.db'}")
    done = admin("restore", str(backup), "--data-dir", str(server.data_dir))
    assert done.returncode == 2
    assert "not empty" in done.stderr
    assert table_rows(f"sqlite:///{server.data_dir / 'server.db'}") == before


def test_backup_refuses_a_directory_in_use_and_a_directory_without_manifest_is_no_backup(
        make_server, tmp_path: Path) -> None:
    server: ServerProcess = make_server("sqlite").start()
    used = tmp_path / "used"
    used.mkdir()
    (used / "notes.txt").write_text("mine")
    done = admin("backup", str(used), *db_args(server.data_dir, None))
    assert done.returncode == 2 and "not empty" in done.stderr
    assert sorted(p.name for p in used.iterdir()) == ["notes.txt"]
    done = admin("restore", str(used), "--data-dir", str(tmp_path / "t"))
    assert done.returncode == 2 and "manifest" in done.stderr


def test_an_endpoint_with_photos_in_s3_backs_up_and_restores_into_another_bucket(
        moto: MotoServer, tmp_path: Path) -> None:
    source_store = f"s3://{moto.make_bucket()}/photos"
    server = ServerProcess(tmp_path / "server", env={**moto.env(),
                                                     "HALLCHECK_PHOTO_STORE": source_store})
    server.start()
    try:
        load = DeviceLoad(server.url, [server.enrol("ms-001"), server.enrol("ms-002")],
                          per_device=5, photos_per=2).start().join()
        assert load.errors == []
        backup = tmp_path / "b"
        wrong = admin("backup", str(tmp_path / "wrong"), "--data-dir", str(server.data_dir))
        assert wrong.returncode == 2  # the folder store is not where this server's photos are
        assert "not in the photo store" in wrong.stderr and "Traceback" not in wrong.stderr
        done = admin("backup", str(backup), "--data-dir", str(server.data_dir),
                     env={**moto.env(), "HALLCHECK_PHOTO_STORE": source_store})
        assert done.returncode == 0, done.stderr
        listing = tmp_path / "listing"
        done = admin("backup", str(listing), "--photos-listing-only", "--data-dir",
                     str(server.data_dir), "--photo-store", source_store, env=moto.env())
        assert done.returncode == 0, done.stderr
    finally:
        server.close()
    assert not (listing / "photos").exists()
    items = json.loads((listing / "manifest.json").read_text())["photos"]["items"]
    assert dict(items) == load.photos  # the bucket's listing with every hash and size

    target_store = f"s3://{moto.make_bucket()}/restored"
    target = tmp_path / "restored"
    done = admin("restore", str(backup), "--data-dir", str(target), "--photo-store",
                 target_store, env=moto.env())
    assert done.returncode == 0, done.stderr
    assert moto.secret not in done.stdout + done.stderr
    assert table_rows(f"sqlite:///{target / 'server.db'}") == table_rows(
        f"sqlite:///{server.data_dir / 'server.db'}")
    with environ(moto.env()):
        restored = photo_hashes(photo_store_at(target_store))
        original = photo_hashes(photo_store_at(source_store))
    assert restored == original and set(restored) == set(load.photos)
    assert all(name == digest for name, digest in restored.items())
