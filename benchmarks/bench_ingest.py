"""Ingest benchmark: what re-scoring costs the central endpoint, beside a baseline measured
in the same run.

    .venv/bin/python benchmarks/bench_ingest.py [--inspections 300] [--rounds 3]
        [--paths service http] [--database-url ADMIN_URL] [--json FILE]

N finalised mystery shops of a realistic checklist (the shipped checklists.yaml, flagship
hall, 50-odd items with vetoes and photos) from 20 enrolled shoppers, each as the JSON bytes
their device sends, go into a fresh database through the real path, once with re-scoring
(the definition looked up by hash, answers validated, finalise rules, scoring, the
breakdown and failed items stored, the score flags) and once with it switched off (the
device's score taken at its word: the baseline; identity, idempotency, the rotation flag
and the audit line as always). Two paths: `service` (parse the bytes,
`service.put_inspection`: identity,
idempotency, storing, the audit line) and `http` (the same PUTs through the FastAPI app in
process: middleware, validation, token look-up, service, ack). The rounds alternate the
two modes; the best wall-clock and CPU time of each are reported with their ratios
(target: re-scoring adds at most 20 %).

Timings are measured here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def fresh_database(admin_url: str) -> str:
    import secrets

    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    name = "hc_bench_" + secrets.token_hex(4)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


_VISITS: dict[int, Any] = {}  # seed -> honest visit (the same visits in every run)


def make_bodies(n: int, devices: dict[str, str]) -> list[bytes]:
    """N honest finalised visits (random answers, some vetoes) by the shoppers of `devices`
    (inspector id -> their device id), as the JSON bytes a device sends."""
    from central.trust_support import honest_visit, upload_body

    from app.checklists import Catalog, default_checklists_path

    checklist = Catalog.from_file(default_checklists_path()).resolve("mystery_shop",
                                                                      "flagship")
    rng = random.Random(8)
    shoppers = sorted(devices)
    start = datetime.now(UTC) - timedelta(days=60)
    out = []
    for i in range(n):
        if i not in _VISITS:
            _VISITS[i] = honest_visit(checklist, seed=i, fail_rate=0.1)
        visit = _VISITS[i]
        inspector = shoppers[i % len(shoppers)]
        body = upload_body(checklist, visit, device_id=devices[inspector],
                           inspector_id=inspector, outlet=f"HALL-{rng.randrange(200):03d}",
                           finalized_at=start + timedelta(minutes=7 * i),
                           uuid=str(uuidlib.UUID(int=rng.getrandbits(128), version=4)))
        out.append(json.dumps(body, ensure_ascii=False).encode())
    return out


def ingest(n: int, rescore: bool, path: str, database_url: str | None,
           shoppers: int = 20) -> tuple[float, float]:
    """(Wall, CPU) seconds to take N uploads into a fresh endpoint's database (CPU: this
    process's, which a busy machine disturbs less than the wall clock), by `path`: "service"
    (parse the bytes, then service.put_inspection) or "http" (PUT through the FastAPI app
    in process: middleware, validation, token, service, ack)."""
    import functools

    from fastapi.testclient import TestClient
    from sqlmodel import select

    from app.central import admin, service
    from app.central.api import create_app
    from app.central.context import ServerContext
    from app.central.models import Device
    from app.central.settings import ServerSettings
    from app.checklists import default_checklists_path
    from app.sync.protocol import InspectionUpload

    with tempfile.TemporaryDirectory(prefix="hc-bench-ingest-") as tmp:
        url = fresh_database(database_url) if database_url else None
        ctx = ServerContext(ServerSettings(data_dir=Path(tmp), database_url=url,
                                           checklists_path=default_checklists_path()))
        original = service.put_inspection
        try:
            app = create_app(ctx.settings, ctx)  # issues and records the checklists
            client = TestClient(app)
            tokens: dict[str, str] = {}
            for k in range(shoppers):
                inspector = f"ms-{k:03d}"
                admin.add_inspector(ctx, inspector, inspector)
                code, _ = admin.create_enrol_code(ctx, inspector)
                tokens[inspector] = client.post(
                    "/api/v1/enrol", json={"code": code, "device_name": "bench"}).json()["token"]
            with ctx.session() as s:
                devices = {d.inspector_id: d for d in s.exec(select(Device)).all()}
            bodies = make_bodies(n, {i: d.id for i, d in devices.items()})  # type: ignore[misc]
            service.put_inspection = functools.partial(original, rescore=rescore)  # type: ignore[assignment]
            begin, cpu = time.perf_counter(), time.process_time()
            for raw in bodies:
                if path == "http":
                    inspector = json.loads(raw)["inspector_id"]
                    uuid = json.loads(raw)["uuid"]
                    r = client.put(f"/api/v1/inspections/{uuid}", content=raw, headers={
                        "Authorization": f"Bearer {tokens[inspector]}",
                        "Content-Type": "application/json"})
                    assert r.status_code == 200 and r.json()["stored"] == "created", r.text
                else:
                    upload = InspectionUpload.model_validate_json(raw)
                    ack = service.put_inspection(ctx, devices[upload.inspector_id],
                                                 upload.uuid, upload)
                    assert ack.stored == "created"
            return time.perf_counter() - begin, time.process_time() - cpu
        finally:
            service.put_inspection = original  # type: ignore[assignment]
            ctx.close()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--inspections", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--database-url", default=None,
                    help="a PostgreSQL admin URL (a fresh database per run); default SQLite")
    ap.add_argument("--paths", nargs="+", default=["service", "http"],
                    choices=["service", "http"])
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    n = args.inspections
    result: dict[str, Any] = {"inspections": n}
    ingest(20, True, "service", args.database_url)  # warm: imports, parsers, caches
    for path in args.paths:
        times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
        for r in range(args.rounds):  # alternate the order: drifting load hits both
            for rescore in ((True, False) if r % 2 == 0 else (False, True)):
                times[rescore].append(ingest(n, rescore, path, args.database_url))
        print(f"ingest of {n} finalised inspections through the {path} path "
              f"({'PostgreSQL' if args.database_url else 'SQLite'}), best of {args.rounds}:")
        result[path] = {}
        for k, clock in enumerate(("wall", "cpu")):
            on = min(t[k] for t in times[True])
            off = min(t[k] for t in times[False])
            ratio = on / off
            print(f"  {clock:4s} with re-scoring {on:7.2f} s ({1000 * on / n:6.2f} ms each), "
                  f"baseline (claimed) {off:7.2f} s ({1000 * off / n:6.2f} ms each): "
                  f"ratio {ratio:.2f}, re-scoring adds {100 * (ratio - 1):+.0f} % "
                  f"(target at most +20 %) {'OK' if ratio <= 1.2 else 'OVER TARGET'}")
            result[path][clock] = {"rescore_s": on, "baseline_s": off, "ratio": ratio}
        result[path]["rounds"] = {"rescore": times[True], "baseline": times[False]}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
