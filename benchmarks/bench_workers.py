"""Several workers: ingest throughput of the central endpoint on PostgreSQL with 1, 2 and 4
worker processes, beside a bare FastAPI route run the same way in the same run.

    .venv/bin/python benchmarks/bench_workers.py [--inspections 600] [--devices 20]
        [--workers 1 2 4] [--database-url ADMIN_URL] [--json FILE]

20 enrolled shoppers' devices send finalised mystery shops of the shipped checklist
(flagship hall, 50-odd items, vetoes; no photos) at once, each device one connection, as
the JSON bytes a device sends, to `hallcheck server --workers N` (token look-up, validation,
idempotency, server re-scoring against the issued definition, the rotation query, the row
and its audit line). The baseline is a bare FastAPI route under the same uvicorn with the
same worker count that parses the same bytes and inserts the same rows (the inspection,
the links to the photos it names, its audit line: into copies of the `inspections`,
`inspection_photos` and `audit_log` tables) with nothing else. Targets (issue 13): at least
100 inspections/s with 2 workers on this 2-core machine, within 2x the bare route.

Each device's first two uploads warm the workers before the clock starts (both servers
alike); the rates are of the rest. The load generator runs on the same 2 cores as the
servers (both sides pay for it alike).
Timings are measured here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import Request  # the bare route's annotation, resolved at module level

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))


# --- the bare route (uvicorn imports this module by name in each worker) ---------------------


def bare_app() -> Any:
    """PUT /bare/inspections/{uuid}: parse the bytes, insert the row, the links to the
    photos it names and its audit line: the rows the endpoint inserts."""
    import hashlib
    from datetime import UTC, datetime

    from fastapi import FastAPI
    from sqlalchemy import create_engine, text
    from starlette.concurrency import run_in_threadpool

    engine = create_engine(os.environ["BENCH_BARE_URL"], pool_size=10, max_overflow=20)
    app = FastAPI()
    insert = text(
        "INSERT INTO bare_inspections (uuid, device_id, inspector_id, outlet_code, kind, "
        "tier, status, checklist_id, checklist_version, checklist_hash, started_at, "
        "finalized_at, received_at, updated_at, device_score_total, score_total, flags, "
        "voided, veto_count, review_state, body_sha256, body) VALUES (:uuid, :device_id, "
        ":inspector_id, :outlet_code, :kind, :tier, :status, :checklist_id, "
        ":checklist_version, :checklist_hash, :started_at, :finalized_at, :now, :now, "
        ":score, :score, '[]', false, 0, 'received', :sha, :body) RETURNING seq")
    links = text("INSERT INTO bare_photo_links (inspection_seq, sha256) "
                 "VALUES (:seq, :sha256)")
    audit = text("INSERT INTO bare_audit (inspection_uuid, at, actor_kind, actor_id, action, "
                 "to_state) VALUES (:uuid, :now, 'device', :device_id, 'received', "
                 "'received')")

    def store(raw: bytes) -> dict[str, Any]:
        body = json.loads(raw)
        now = datetime.now(UTC)
        row = {k: body[k] for k in ("uuid", "device_id", "inspector_id", "outlet_code",
                                    "kind", "tier", "status", "checklist_id",
                                    "checklist_version", "checklist_hash")}
        row.update(started_at=datetime.fromisoformat(body["started_at"]),
                   finalized_at=datetime.fromisoformat(body["finalized_at"]), now=now,
                   score=(body.get("score") or {}).get("total"),
                   sha=hashlib.sha256(raw).hexdigest(), body=raw.decode())
        photos = list(dict.fromkeys(p["sha256"] for p in body.get("photos", [])))
        with engine.begin() as conn:
            seq = conn.execute(insert, row).scalar_one()
            if photos:
                conn.execute(links, [{"seq": seq, "sha256": h} for h in photos])
            conn.execute(audit, row)
        return {"ack": "inspection", "uuid": row["uuid"], "stored": "created"}

    @app.put("/bare/inspections/{uuid}")
    async def put(uuid: str, request: Request) -> dict[str, Any]:
        return await run_in_threadpool(store, await request.body())

    @app.get("/bare/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


# --- processes -------------------------------------------------------------------------------


def _wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited:\n" + log.read_text()[-3000:])
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError("server not ready:\n" + log.read_text()[-3000:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by process `pid` and its descendants (the
    supervisor and its workers): what the server side cost, whatever else the loaded
    machine runs."""
    ppids: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        ppids[int(entry.name)] = int(fields[1])
        ticks[int(entry.name)] = int(fields[11]) + int(fields[12])
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo.extend(c for c, pp in ppids.items() if pp == p and c not in tree)
    return sum(ticks.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


WARM_UP = 2  # uploads per device sent before the clock starts


def _blast(url: str, bodies: dict[str, list[tuple[str, bytes]]], tokens: dict[str, str],
           path: str, pid: int | None = None) -> tuple[float, float]:
    """Send every device's bodies at once (one thread and connection per device):
    (wall-clock seconds until the last ack, server CPU seconds meanwhile)."""
    import httpx

    errors: list[str] = []
    go = threading.Barrier(len(bodies) + 1)

    def device(inspector: str) -> None:
        headers = {"Content-Type": "application/json"}
        if tokens:
            headers["Authorization"] = f"Bearer {tokens[inspector]}"
        with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
            c.get("/api/v1/health" if tokens else "/bare/health")  # connection open

            def send(items: list[tuple[str, bytes]]) -> bool:
                for uuid, raw in items:
                    r = c.put(f"{path}/{uuid}", content=raw)
                    if r.status_code != 200 or r.json().get("stored") != "created":
                        errors.append(f"{r.status_code} {r.text[:200]}")
                        return False
                return True

            # each device's first uploads warm the workers (imports, compiled statements,
            # the issued definition) before the clock starts, for both servers alike
            warmed = send(bodies[inspector][:WARM_UP])
            go.wait()
            if warmed:
                send(bodies[inspector][WARM_UP:])

    threads = [threading.Thread(target=device, args=(i,)) for i in bodies]
    for th in threads:
        th.start()
    go.wait()
    begin, cpu = time.perf_counter(), tree_cpu(pid) if pid else 0.0
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - begin
    cpu = (tree_cpu(pid) - cpu) if pid else 0.0
    if errors:
        raise RuntimeError(f"{len(errors)} uploads failed, first: {errors[0]}")
    return elapsed, cpu


def run_endpoint(admin_url: str, workers: int, n: int, devices: int) -> tuple[float, float]:
    """(inspections/s, server CPU ms per inspection) of `hallcheck server --workers N` on a
    fresh database."""
    import httpx
    from bench_ingest import fresh_database, make_bodies
    from sqlmodel import select
    from sync.helpers import free_port

    from app.central import admin
    from app.central.context import ServerContext
    from app.central.models import Device
    from app.central.settings import ServerSettings
    from app.checklists import default_checklists_path

    url = fresh_database(admin_url)
    with tempfile.TemporaryDirectory(prefix="hc-bench-workers-") as tmp:
        port = free_port()
        log = Path(tmp) / "server.log"
        env = {**os.environ, "HALLCHECK_DATABASE_URL": url}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "app", "server", "--port", str(port), "--workers",
                 str(workers), "--data-dir", tmp, "--log-level", "warning",
                 "--checklists", str(default_checklists_path())],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(f"{base}/api/v1/health", proc, log)
            ctx = ServerContext(ServerSettings(data_dir=Path(tmp) / "admin", database_url=url,
                                               checklists_path=default_checklists_path()))
            tokens: dict[str, str] = {}
            for k in range(devices):
                inspector = f"ms-{k:03d}"
                admin.add_inspector(ctx, inspector, inspector)
                code, _ = admin.create_enrol_code(ctx, inspector)
                tokens[inspector] = httpx.post(f"{base}/api/v1/enrol", json={
                    "code": code, "device_name": "bench"}).json()["token"]
            with ctx.session() as s:
                ids = {d.inspector_id: d.id for d in s.exec(select(Device)).all()}
            ctx.close()
            bodies = _by_device(make_bodies(n, ids))  # type: ignore[arg-type]
            wall, cpu = _blast(base, bodies, tokens, "/api/v1/inspections", proc.pid)
            return _timed(n, devices) / wall, 1000 * cpu / _timed(n, devices)
        finally:
            _stop(proc)


def run_bare(admin_url: str, workers: int, n: int, devices: int) -> tuple[float, float]:
    """(inspections/s, server CPU ms per inspection) of the bare route with the same
    worker count, on a fresh database migrated like the endpoint's (its two tables copies
    of the real ones)."""
    from bench_ingest import fresh_database, make_bodies
    from sqlalchemy import text
    from sync.helpers import free_port

    from app.central.db import make_engine, upgrade

    url = fresh_database(admin_url)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE bare_inspections (LIKE inspections INCLUDING ALL)"))
        conn.execute(text("CREATE TABLE bare_audit (LIKE audit_log INCLUDING ALL)"))
        conn.execute(text("CREATE TABLE bare_photo_links (LIKE inspection_photos "
                          "INCLUDING ALL)"))
    engine.dispose()
    with tempfile.TemporaryDirectory(prefix="hc-bench-bare-") as tmp:
        port = free_port()
        log = Path(tmp) / "bare.log"
        env = {**os.environ, "BENCH_BARE_URL": url}
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--factory", "bench_workers:bare_app",
                 "--app-dir", str(Path(__file__).resolve().parent), "--port", str(port),
                 "--workers", str(workers), "--log-level", "warning", "--no-access-log"],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(f"{base}/bare/health", proc, log)
            ids = {f"ms-{k:03d}": f"dev-bare-{k:03d}" for k in range(devices)}
            bodies = _by_device(make_bodies(n, ids))
            wall, cpu = _blast(base, bodies, {}, "/bare/inspections", proc.pid)
            return _timed(n, devices) / wall, 1000 * cpu / _timed(n, devices)
        finally:
            _stop(proc)


def _timed(n: int, devices: int) -> int:
    """How many of the `n` uploads are sent after the warm-up, on the clock."""
    return n - min(WARM_UP, n // devices) * devices


def _by_device(raws: list[bytes]) -> dict[str, list[tuple[str, bytes]]]:
    out: dict[str, list[tuple[str, bytes]]] = {}
    for raw in raws:
        body = json.loads(raw)
        out.setdefault(body["inspector_id"], []).append((body["uuid"], raw))
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inspections", type=int, default=600)
    ap.add_argument("--devices", type=int, default=20)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--database-url", default=None,
                    help="a PostgreSQL admin URL (fresh databases per run); default: a "
                    "throwaway cluster")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    cluster = None
    admin_url = args.database_url
    if admin_url is None:
        from sync.helpers import PgCluster, pg_bin_dir

        bin_dir = pg_bin_dir()
        if bin_dir is None:
            sys.exit("PostgreSQL binaries are needed (Debian's postgresql package)")
        cluster = PgCluster(bin_dir)
        admin_url = cluster.start()
    result: dict[str, Any] = {"inspections": args.inspections, "devices": args.devices,
                              "workers": {}}
    try:
        print(f"ingest of {args.inspections} finalised inspections (no photos) from "
              f"{args.devices} devices at once, PostgreSQL, best of {args.rounds}:")
        for workers in args.workers:
            endpoint, bare = (0.0, 0.0), (0.0, 0.0)
            for _ in range(args.rounds):  # best of the rounds for each
                endpoint = max(endpoint, run_endpoint(admin_url, workers, args.inspections,
                                                      args.devices))
                bare = max(bare, run_bare(admin_url, workers, args.inspections,
                                          args.devices))
            ratio = bare[0] / endpoint[0]
            cpu_ratio = endpoint[1] / bare[1]
            notes = [f"{ratio:.2f}x the bare route's time, {cpu_ratio:.2f}x its server CPU "
                     f"(target at most 2x) {'OK' if ratio <= 2 else 'OVER TARGET'}"]
            if workers == 2:
                met = "OK" if endpoint[0] >= 100 else "UNDER TARGET"
                notes.append(f"target >= 100/s {met}")
            print(f"  {workers} worker(s): endpoint {endpoint[0]:6.1f} inspections/s "
                  f"({endpoint[1]:5.1f} ms server CPU each, re-scored), bare route "
                  f"{bare[0]:6.1f}/s ({bare[1]:5.1f} ms CPU each): " + "; ".join(notes))
            result["workers"][workers] = {
                "endpoint_per_s": endpoint[0], "endpoint_cpu_ms": endpoint[1],
                "bare_per_s": bare[0], "bare_cpu_ms": bare[1], "ratio": ratio,
                "cpu_ratio": cpu_ratio}
        print(f"  (load average while measuring: {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores)")
    finally:
        if cluster is not None:
            cluster.stop()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
