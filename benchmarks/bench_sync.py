"""Sync benchmark: a fresh device to a fresh server over loopback, beside a bare upload.

    .venv/bin/python benchmarks/bench_sync.py [--inspections 200] [--photos 3]
        [--devices 10] [--device-inspections 20] [--database-url ADMIN_URL] [--json FILE]

1. One device with N finalised inspections of P photos each (real JPEGs through the app's
   photo intake, about 300 KB each as stored), synced by `SyncClient.run()` to a fresh
   `hallcheck server` process; beside it, a bare httpx upload of exactly the same bytes
   (every photo PUT, then every inspection body PUT, one keep-alive connection, no
   protocol) to another fresh server. Reported: both times and their ratio (target: sync
   under 2x the bare upload).
2. Server ingest: D devices (separate processes) syncing at once to one fresh server;
   reported as inspections per second from the first request to the last ack.

Timings are measured here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CHECKLISTS = REPO / "tests" / "sync" / "fixtures" / "checklists.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh_database(admin_url: str) -> str:
    """A new empty PostgreSQL database on the server of `admin_url` (each benchmark server
    gets its own, so the runs cannot see each other's photos)."""
    import secrets

    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = "hc_bench_" + secrets.token_hex(4)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


class Server:
    def __init__(self, root: Path, admin_url: str | None) -> None:
        self.data_dir = root
        self.port = free_port()
        self.database_url = fresh_database(admin_url) if admin_url else None
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        import httpx

        cmd = [sys.executable, "-m", "app", "server", "--port", str(self.port), "--data-dir",
               str(self.data_dir), "--checklists", str(CHECKLISTS), "--log-level", "warning"]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        self.proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def __exit__(self, *exc: object) -> None:
        if self.proc:
            self.proc.terminate()
            self.proc.wait(30)

    def ctx(self):  # type: ignore[no-untyped-def]
        from app.central.context import ServerContext
        from app.central.settings import ServerSettings

        return ServerContext(ServerSettings(data_dir=self.data_dir,
                                            database_url=self.database_url,
                                            checklists_path=CHECKLISTS))

    def enrol_code(self, inspector: str) -> str:
        from app.central import admin

        ctx = self.ctx()
        try:
            admin.add_inspector(ctx, inspector, inspector)
            return admin.create_enrol_code(ctx, inspector)[0]
        finally:
            ctx.close()


def photo(seed: int) -> bytes:
    """A JPEG that the app's intake stores at about 300 KB (smooth noise, 1600x1200)."""
    from PIL import Image

    rng = random.Random(seed)
    small = Image.frombytes("RGB", (72, 54), rng.randbytes(72 * 54 * 3))
    out = io.BytesIO()
    small.resize((1600, 1200), Image.BICUBIC).save(out, "JPEG", quality=92)
    return out.getvalue()


def make_device(path: Path, server: Server, inspector: str, n: int, photos: int,
                seed: int) -> Any:
    from app.services import OutletData, Workspace
    from app.sync.client import enrol

    ws = Workspace.open(path, checklists_path=CHECKLISTS)
    # a shopper visits each outlet at most once in three months: one outlet per visit
    for i in range(n):
        ws.outlets.upsert(OutletData(code=f"HALL-{i:03d}", name=f"Hall {i}", tier="flagship"))
    enrol(ws, server.url, server.enrol_code(inspector), f"bench {inspector}")
    for i in range(n):
        uuid = ws.inspections.start("mystery_shop", f"HALL-{i:03d}")
        ws.inspections.answer(uuid, "uniform", True)
        ws.inspections.answer(uuid, "greet_seconds", 5 + i % 20)
        for k in range(photos):
            ws.inspections.attach_photo(uuid, "storefront", photo(seed + i * 31 + k),
                                        source="camera")
        ws.inspections.finalise(uuid)
    return ws


def bare_payload(ws: Any, device_id: str) -> tuple[list[tuple[str, bytes]],
                                                    list[tuple[str, bytes]]]:
    """The same bytes sync sends: each distinct photo, each inspection body."""
    from app.sync import client_store
    from app.sync.protocol import canonical_json

    photos: dict[str, bytes] = {}
    bodies = []
    for item in client_store.outbox(ws.store):
        upload = client_store.build_upload(ws.store, item.uuid, device_id)
        bodies.append((item.uuid, canonical_json(upload)))
        for p in ws.inspections.state(item.uuid).photos.get("storefront", []):
            photos.setdefault(p.sha256, p.path.read_bytes())
    return list(photos.items()), bodies


def bare_upload(url: str, token: str, photos: list[tuple[str, bytes]],
                bodies: list[tuple[str, bytes]]) -> float:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url + "/api/v1", headers=headers, timeout=60) as http:
        t0 = time.perf_counter()
        for sha, data in photos:
            http.put(f"/photos/{sha}", content=data,
                     headers={"Content-Type": "application/octet-stream"}).raise_for_status()
        for uuid, body in bodies:
            http.put(f"/inspections/{uuid}", content=body,
                     headers={"Content-Type": "application/json"}).raise_for_status()
        return time.perf_counter() - t0


def timed_sync(ws: Any) -> tuple[float, Any]:
    from app.sync.client import SyncClient

    with SyncClient.for_workspace(ws) as client:
        t0 = time.perf_counter()
        report = client.run()
        return time.perf_counter() - t0, report


def _fleet_member(path: str, start: Any, results: Any) -> None:
    from app.services import Workspace

    ws = Workspace.open(path, checklists_path=CHECKLISTS)
    start.wait()
    t0 = time.time()
    seconds, report = timed_sync(ws)
    results.put((t0, t0 + seconds, report.sent, report.ok))
    ws.close()


def main() -> int:
    from app.sync import client_store

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--inspections", type=int, default=200)
    ap.add_argument("--photos", type=int, default=3)
    ap.add_argument("--devices", type=int, default=10)
    ap.add_argument("--device-inspections", type=int, default=20)
    ap.add_argument("--database-url", default=None,
                    help="run the servers on PostgreSQL: an admin URL "
                    "(postgresql+psycopg://user@host/postgres); each server gets a new "
                    "database on it")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="hallcheck-bench-"))
    os.environ["HALLCHECK_DATA_DIR"] = str(root / "default")
    out: dict[str, Any] = {"inspections": args.inspections, "photos_each": args.photos,
                           "database": "postgresql" if args.database_url else "sqlite"}
    try:
        # 1. one device: sync vs bare upload
        with Server(root / "srv-sync", args.database_url) as s_sync, \
                Server(root / "srv-bare", args.database_url) as s_bare:
            print(f"preparing a device with {args.inspections} inspections x "
                  f"{args.photos} photos ...", flush=True)
            t0 = time.perf_counter()
            ws = make_device(root / "device", s_sync, "ms-bench", args.inspections,
                             args.photos, seed=1)
            print(f"  prepared in {time.perf_counter() - t0:.1f} s", flush=True)
            bare_ws = _enrol_only(root / "bare-identity", s_bare)
            photos, bodies = bare_payload(ws, client_store.device_id(bare_ws.store))
            total_bytes = sum(len(d) for _, d in photos) + sum(len(b) for _, b in bodies)
            out["photo_kb_mean"] = round(sum(len(d) for _, d in photos) / len(photos) / 1024)
            out["bytes"] = total_bytes
            bare = bare_upload(s_bare.url, bare_ws.settings.device_token, photos, bodies)
            seconds, report = timed_sync(ws)
            assert report.ok and report.sent == args.inspections, report
            out.update(sync_s=round(seconds, 3), bare_s=round(bare, 3),
                       ratio=round(seconds / bare, 2),
                       sync_mb_s=round(total_bytes / seconds / 1e6, 1),
                       bare_mb_s=round(total_bytes / bare / 1e6, 1))
            ws.close()
            bare_ws.close()
        # 2. many devices at once
        with Server(root / "srv-fleet", args.database_url) as s_fleet:
            n = args.device_inspections
            print(f"preparing {args.devices} devices with {n} inspections x {args.photos} "
                  "photos ...", flush=True)
            paths = []
            for d in range(args.devices):
                path = root / f"fleet-{d}"
                make_device(path, s_fleet, f"ms-{d:03d}", n, args.photos,
                            seed=10_000 * (d + 2)).close()
                paths.append(str(path))
            ctx = mp.get_context("spawn")
            start, results = ctx.Event(), ctx.Queue()
            procs = [ctx.Process(target=_fleet_member, args=(p, start, results))
                     for p in paths]
            for p in procs:
                p.start()
            time.sleep(2)  # let every process import and open its store
            start.set()
            rows = [results.get(timeout=600) for _ in procs]
            for p in procs:
                p.join(60)
            first, last = min(r[0] for r in rows), max(r[1] for r in rows)
            sent = sum(r[2] for r in rows)
            assert all(r[3] for r in rows) and sent == args.devices * n, rows
            out.update(fleet_devices=args.devices, fleet_inspections=sent,
                       fleet_s=round(last - first, 3),
                       fleet_inspections_per_s=round(sent / (last - first), 1))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print()
    print(f"server database: {out['database']}")
    print(f"one device, {args.inspections} inspections x {args.photos} photos "
          f"(~{out['photo_kb_mean']} KB each), {out['bytes'] / 1e6:.1f} MB over loopback:")
    print(f"  sync        {out['sync_s']:7.2f} s  ({out['sync_mb_s']} MB/s)")
    print(f"  bare upload {out['bare_s']:7.2f} s  ({out['bare_mb_s']} MB/s)")
    print(f"  ratio       {out['ratio']:7.2f} x  (target < 2)")
    print(f"server ingest, {out['fleet_devices']} devices at once: "
          f"{out['fleet_inspections']} inspections in {out['fleet_s']:.2f} s = "
          f"{out['fleet_inspections_per_s']} inspections/s")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n")
    return 0


def _enrol_only(path: Path, server: Server) -> Any:
    from app.services import Workspace
    from app.sync.client import enrol

    ws = Workspace.open(path, checklists_path=CHECKLISTS)
    enrol(ws, server.url, server.enrol_code("ms-bare"), "bench bare")
    return ws


if __name__ == "__main__":
    sys.exit(main())
