"""Photo ingest throughput of the central endpoint for the folder store and the S3 backend,
beside a bare upload of the same bytes to the same store in the same run.

    .venv/bin/python benchmarks/bench_photo_store.py [--photos 200] [--size 600000]
        [--devices 10] [--stores folder s3] [--json FILE]

`--devices` enrolled devices PUT distinct photos of `--size` bytes at once to
`hallcheck server` (token look-up, SHA-256 verified while storing, S3: HEAD, conditional
PUT with MD5 + SHA-256, read-back check; the `photos` row). The baseline is a bare FastAPI
route under the same uvicorn that writes the same bytes to the same kind of store (a file
written, fsynced and renamed in a folder; `put_object` into the same S3 service) with nothing
else. The S3 service is moto's server process on 127.0.0.1 (the only S3 that runs here).
Target (issue 13): the endpoint within 1.5x the bare upload's time.

Timings are measured here, never asserted in the test suite.
"""

from __future__ import annotations

import hashlib
import json
import os
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


def bare_app() -> Any:
    """PUT /bare/photos/{sha256}: the bytes into the store, nothing else."""
    import uuid

    from fastapi import FastAPI
    from starlette.concurrency import run_in_threadpool

    target = os.environ["BENCH_BARE_STORE"]
    app = FastAPI()
    if target.startswith("s3://"):
        from app.central.photo_s3 import make_client

        client = make_client()
        bucket, _, prefix = target[5:].partition("/")

        def store(name: str, data: bytes) -> None:
            client.put_object(Bucket=bucket, Key=f"{prefix}/{name}", Body=data)
    else:
        root = Path(target)
        root.mkdir(parents=True, exist_ok=True)

        def store(name: str, data: bytes) -> None:
            tmp = root / f".{uuid.uuid4().hex}"
            with tmp.open("wb") as fh:  # as durable as the folder store: fsync, rename
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, root / name)

    @app.put("/bare/photos/{name}")
    async def put(name: str, request: Request) -> dict[str, str]:
        await run_in_threadpool(store, name, await request.body())
        return {"ack": "photo"}

    @app.get("/bare/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _blast(url: str, photos: list[list[bytes]], tokens: list[str], path: str, pid: int
           ) -> tuple[float, float]:
    """(wall seconds until the last ack, server CPU seconds meanwhile)."""
    import httpx
    from bench_workers import tree_cpu

    errors: list[str] = []
    go = threading.Barrier(len(photos) + 1)

    def device(k: int) -> None:
        headers = {"Content-Type": "application/octet-stream"}
        if tokens:
            headers["Authorization"] = f"Bearer {tokens[k]}"
        with httpx.Client(base_url=url, headers=headers, timeout=120) as c:
            c.get("/api/v1/health" if tokens else "/bare/health")
            go.wait()
            for data in photos[k]:
                r = c.put(f"{path}/{hashlib.sha256(data).hexdigest()}", content=data)
                if r.status_code != 200:
                    errors.append(f"{r.status_code} {r.text[:200]}")
                    return

    threads = [threading.Thread(target=device, args=(k,)) for k in range(len(photos))]
    for th in threads:
        th.start()
    go.wait()
    begin, cpu = time.perf_counter(), tree_cpu(pid)
    for th in threads:
        th.join()
    elapsed, cpu = time.perf_counter() - begin, tree_cpu(pid) - cpu
    if errors:
        raise RuntimeError(f"{len(errors)} uploads failed, first: {errors[0]}")
    return elapsed, cpu


def _photos(devices: int, n: int, size: int, seed: int) -> list[list[bytes]]:
    import random

    rng = random.Random(seed)
    per = n // devices
    return [[rng.randbytes(size) for _ in range(per)] for _ in range(devices)]


def run(kind: str, which: str, n: int, size: int, devices: int, moto: Any, seed: int
        ) -> tuple[float, float]:
    """(bytes/s, server CPU ms per photo) of the endpoint (`which` = "endpoint") or the
    bare route ("bare"); the S3 service's own CPU is not counted on either side."""
    import httpx
    from bench_workers import _stop, _wait_ready
    from sync.helpers import free_port

    from app.central import admin
    from app.central.context import ServerContext
    from app.central.settings import ServerSettings

    with tempfile.TemporaryDirectory(prefix="hc-bench-photos-") as tmp:
        env = {**os.environ}
        env.pop("HALLCHECK_DATABASE_URL", None)
        store = f"{tmp}/photos"
        if kind == "s3":
            env.update(moto.env())
            store = f"s3://{moto.make_bucket()}/photos"
        port = free_port()
        log = Path(tmp) / "server.log"
        if which == "endpoint":
            cmd = [sys.executable, "-m", "app", "server", "--port", str(port), "--data-dir",
                   f"{tmp}/data", "--log-level", "warning"]
            if kind == "s3":
                cmd += ["--photo-store", store]
            health = "/api/v1/health"
        else:
            env["BENCH_BARE_STORE"] = store
            cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench_photo_store:bare_app",
                   "--app-dir", str(Path(__file__).resolve().parent), "--port", str(port),
                   "--log-level", "warning", "--no-access-log"]
            health = "/bare/health"
        with log.open("wb") as out:
            proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base + health, proc, log)
            tokens: list[str] = []
            if which == "endpoint":
                ctx = ServerContext(ServerSettings(data_dir=Path(tmp) / "data"))
                for k in range(devices):
                    admin.add_inspector(ctx, f"ms-{k:03d}", "bench")
                    code, _ = admin.create_enrol_code(ctx, f"ms-{k:03d}")
                    tokens.append(httpx.post(f"{base}/api/v1/enrol", json={
                        "code": code, "device_name": "bench"}).json()["token"])
                ctx.close()
            photos = _photos(devices, n, size, seed)
            path = "/api/v1/photos" if which == "endpoint" else "/bare/photos"
            wall, cpu = _blast(base, photos, tokens, path, proc.pid)
            count = sum(len(p) for p in photos)
            return sum(len(d) for p in photos for d in p) / wall, 1000 * cpu / count
        finally:
            _stop(proc)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--size", type=int, default=600_000, help="bytes per photo")
    ap.add_argument("--devices", type=int, default=10)
    ap.add_argument("--stores", nargs="+", default=["folder", "s3"], choices=["folder", "s3"])
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    moto = None
    result: dict[str, Any] = {"photos": args.photos, "size": args.size, "stores": {}}
    try:
        if "s3" in args.stores:
            from central.s3_support import MotoServer

            moto = MotoServer(Path(tempfile.mkdtemp(prefix="hc-bench-moto-"))).start()
        print(f"photo ingest: {args.photos} photos of {args.size} bytes from {args.devices} "
              f"devices at once, best of {args.rounds}:")
        for kind in args.stores:
            best = {"endpoint": (0.0, 0.0), "bare": (0.0, 0.0)}
            for r in range(args.rounds):  # alternate the order: drifting load hits both
                for which in (("endpoint", "bare") if r % 2 == 0 else ("bare", "endpoint")):
                    best[which] = max(best[which], run(kind, which, args.photos, args.size,
                                                       args.devices, moto, seed=r))
            (rate, cpu), (bare, bare_cpu) = best["endpoint"], best["bare"]
            ratio = bare / rate
            print(f"  {kind:6s}: endpoint {rate / 1e6:6.1f} MB/s ({rate / args.size:6.1f} "
                  f"photos/s, {cpu:5.1f} ms server CPU each), bare upload {bare / 1e6:6.1f} "
                  f"MB/s ({bare_cpu:5.1f} ms CPU each): {ratio:.2f}x the bare time, "
                  f"{cpu / bare_cpu:.2f}x its CPU (target at most 1.5x) "
                  f"{'OK' if ratio <= 1.5 else 'OVER TARGET'}")
            result["stores"][kind] = {"endpoint_bytes_per_s": rate, "endpoint_cpu_ms": cpu,
                                      "bare_bytes_per_s": bare, "bare_cpu_ms": bare_cpu,
                                      "ratio": ratio}
        print(f"  (load average while measuring: {os.getloadavg()[0]:.1f} on "
              f"{os.cpu_count()} cores)")
    finally:
        if moto is not None:
            moto.stop()
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
