"""Several workers on one PostgreSQL database (`hallcheck server --workers 2`), photos in an
S3 bucket (moto's server process): devices sync while workers are killed with SIGKILL and
restarted by the supervisor; every result and photo arrives exactly once, nothing is lost,
and no credential reaches the log. Migrations run once when several servers start at once.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sync.helpers import ServerProcess, create_database, wait_until

from app.central.db import make_engine, upgrade
from app.central.photos import hash_of, photo_store_at

from .s3_support import MotoServer, environ
from .scale_support import DeviceLoad

pytestmark = pytest.mark.postgres


def children(pid: int) -> list[int]:
    """The worker processes of a uvicorn supervisor (spawned interpreters, not its
    multiprocessing helpers)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        ppid = int(stat.rpartition(")")[2].split()[1])
        if ppid == pid and b"multiprocessing" in cmdline and b"resource_tracker" not in cmdline:
            out.append(int(entry.name))
    return sorted(out)


def workers_ready(server: ServerProcess, n: int) -> list[int] | None:
    assert server.proc is not None
    found = children(server.proc.pid)
    return found if len(found) == n else None


def test_devices_sync_through_two_workers_while_each_is_killed(
        pg_admin_url: str, moto: MotoServer, tmp_path: Path) -> None:
    bucket = moto.make_bucket()
    url = create_database(pg_admin_url)
    server = ServerProcess(tmp_path / "data", url, env={
        **moto.env(), "HALLCHECK_SERVER_WORKERS": "2",
        "HALLCHECK_PHOTO_STORE": f"s3://{bucket}/photos"})
    server.start()
    try:
        first = wait_until(lambda: workers_ready(server, 2), timeout=60, what="2 workers")
        devices = [server.enrol(f"ms-{i:03d}") for i in range(6)]
        load = DeviceLoad(server.url, devices, per_device=1000, photos_per=1).start()
        health_failures = 0
        for victim in first:  # kill each original worker in turn, mid-run
            target = 10 + 20 * first.index(victim)
            wait_until(lambda t=target: load.count >= t, timeout=120,
                       what="results before the kill")
            os.kill(victim, signal.SIGKILL)
            replaced = wait_until(
                lambda v=victim: (w := workers_ready(server, 2)) and v not in w and w,
                timeout=60, what="the supervisor to start a new worker")
            assert victim not in replaced
            # the API answers throughout (the other worker serves while one restarts)
            for _ in range(20):
                try:
                    ok = httpx.get(f"{server.url}/api/v1/health", timeout=5).status_code
                except httpx.TransportError:
                    ok = 0
                health_failures += ok != 200
        before_stop = load.count
        wait_until(lambda: load.count >= before_stop + 10, timeout=120, what="more results")
        load.stop()
        assert load.errors == []
        assert health_failures <= 2, "the API stopped answering while a worker restarted"
        assert set(first).isdisjoint(children(server.proc.pid))  # type: ignore[union-attr]

        # every acked result exactly once, as acked; every photo once, its bytes intact
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT uuid, body_sha256 FROM inspections")).all()
            audit = conn.execute(text(
                "SELECT inspection_uuid, count(*) FROM audit_log GROUP BY 1")).all()
            photos = conn.execute(text("SELECT sha256, size FROM photos")).all()
        engine.dispose()
        assert dict(rows) == load.acked and len(rows) == len(load.acked)
        assert all(n == 1 for _, n in audit) and len(audit) == len(rows)
        assert dict(photos) == load.photos
        with environ(moto.env()):
            store = photo_store_at(f"s3://{bucket}/photos")
            assert sorted(store.hashes()) == sorted(load.photos)
            for sha, size in list(load.photos.items())[:40]:
                assert hash_of(store, sha) == (sha, size)
        log = server.log_text()
        assert moto.secret not in log
        assert "Traceback" not in log
    finally:
        server.close()


def test_two_servers_starting_together_migrate_once(pg_admin_url: str, tmp_path: Path
                                                    ) -> None:
    url = create_database(pg_admin_url)
    servers = [ServerProcess(tmp_path / f"data-{i}", url, env={"HALLCHECK_SERVER_WORKERS": "2"})
               for i in range(2)]
    errors: list[BaseException] = []

    def start(s: ServerProcess) -> None:
        try:
            s.start(timeout=120)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(s,)) for s in servers]
    try:
        for th in threads:
            th.start()
        for th in threads:
            th.join(150)
        assert errors == []
        for s in servers:
            assert httpx.get(f"{s.url}/api/v1/health").status_code == 200
        engine = create_engine(url)
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        engine.dispose()
        assert len(versions) == 1
    finally:
        for s in servers:
            s.close()


def test_upgrade_from_many_threads_at_once_is_safe(pg_admin_url: str) -> None:
    """Without the advisory lock, concurrent alembic upgrades of a fresh database collide
    (they hang on each other's locks, or fail on duplicate tables); with it, one migrates
    and the others find it done."""
    url = create_database(pg_admin_url)
    errors: list[BaseException] = []
    go = threading.Barrier(4)

    def run() -> None:
        engine = make_engine(url)
        try:
            go.wait()
            upgrade(engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert not any(th.is_alive() for th in threads), "upgrades hung on each other"
    assert errors == []
    engine = create_engine(url)
    with engine.connect() as conn:
        assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    engine.dispose()
