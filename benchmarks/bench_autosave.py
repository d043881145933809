"""Autosave latency: how long one answer takes until it is durable on disk.

    .venv/bin/python benchmarks/bench_autosave.py [--answers 1000] [--dir /path/on/device/disk]

Measures `ws.inspections.answer(...)` end to end (validation, BEGIN IMMEDIATE, the status
check, the upsert, the veto-flag refresh, COMMIT with the WAL fsynced: synchronous=FULL) on
a real database file, beside a bare sqlite3 upsert + commit of the same row shape with the
same pragmas on the same disk, so the overhead of our layers shows as a ratio. Target:
p99 under 5 ms per answer.
"""

from __future__ import annotations

import argparse
import gc
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.checklists import Item, ItemType, default_checklists_path
from app.services import OutletData, Workspace
from app.store.engine import PRAGMAS as STORE_PRAGMAS
from app.store.engine import apply_pragmas


def values_for(item: Item) -> list[object]:
    """A few valid answers for an item (failing ones included, so vetoes fire)."""
    if item.type is ItemType.YES_NO:
        return [True, False]
    if item.type is ItemType.SCALE:
        assert item.min is not None and item.max is not None
        return list(range(item.min, item.max + 1))
    if item.type is ItemType.NUMBER:
        return [1, 7, 25, 60]
    if item.type is ItemType.CHOICE:
        return [o.id for o in item.options or []]
    if item.type is ItemType.TEXT:
        return ["排队人数较多", "ok"]
    return []


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def setup_service(root: Path, checklists: Path, n: int) -> tuple[Callable[[int], object],
                                                                  Callable[[], None], str]:
    ws = Workspace.open(root / "service", checklists)
    catalog = ws.catalog
    kind, tier = catalog.combinations()[0]
    ws.outlets.upsert(OutletData(code="BENCH-1", name="基准测试厅", tier=tier))
    ws.settings.set_inspector("BENCH")
    checklist = catalog.resolve(kind, tier)
    plan = [(it.id, v) for it in checklist.items.values() for v in values_for(it)]
    # visits are started beforehand: only answers are timed
    visits = [ws.inspections.start(kind, "BENCH-1") for _ in range(n // len(plan) + 2)]

    def answer(i: int) -> None:
        item_id, value = plan[i % len(plan)]
        ws.inspections.answer(visits[i // len(plan)], item_id, value)

    vetoes = sum(1 for it in checklist.items.values() if it.veto is not None)
    info = (f"{checklist.id} ({kind.value} x {tier}): {checklist.item_count()} items, "
            f"{vetoes} veto items")
    return answer, ws.close, info


def setup_bare(root: Path, synchronous: str) -> tuple[Callable[[int], object],
                                                      Callable[[], None]]:
    """The same row shape upserted with bare sqlite3: BEGIN IMMEDIATE, upsert, COMMIT."""
    db = root / f"bare-{synchronous.lower()}.db"
    conn = sqlite3.connect(db, isolation_level=None)
    pragmas = tuple((k, synchronous if k == "synchronous" else v) for k, v in STORE_PRAGMAS)
    apply_pragmas(conn, pragmas)
    conn.execute("CREATE TABLE answer (inspection_uuid TEXT, item_id TEXT, value_json TEXT, "
                 "answered_at TEXT, note TEXT, PRIMARY KEY (inspection_uuid, item_id))")
    sql = ("INSERT INTO answer (inspection_uuid, item_id, value_json, answered_at) "
           "VALUES (?, ?, ?, ?) ON CONFLICT (inspection_uuid, item_id) DO UPDATE SET "
           "value_json = excluded.value_json, answered_at = excluded.answered_at")

    def insert(i: int) -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(sql, (f"visit{i // 150}", f"item{i % 150}", json.dumps(i),
                           datetime.now(UTC).isoformat()))
        conn.execute("COMMIT")

    return insert, conn.close


def timed_together(n: int, calls: list[Callable[[int], object]], warmup: int = 50
                   ) -> list[list[float]]:
    """Time the calls in turn (a, b, c, a, b, c, ...) so that each sees the same disk and
    CPU conditions; one list of milliseconds per call."""
    for i in range(warmup):
        for call in calls:
            call(i)
    gc.collect()
    gc.disable()
    out: list[list[float]] = [[] for _ in calls]
    try:
        for i in range(warmup, warmup + n):
            for call, samples in zip(calls, out, strict=True):
                t0 = time.perf_counter_ns()
                call(i)
                samples.append((time.perf_counter_ns() - t0) / 1e6)
    finally:
        gc.enable()
    return out


def line(name: str, s: list[float]) -> str:
    return (f"{name:<34} median {statistics.median(s):6.3f} ms   p90 {percentile(s, 90):6.3f}"
            f"   p99 {percentile(s, 99):6.3f}   max {max(s):7.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="directory on the disk to measure (default: a temp dir)")
    parser.add_argument("--checklists", type=Path, default=default_checklists_path())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hallcheck-bench-", dir=args.dir) as tmp:
        root = Path(tmp)
        answer, close_ws, info = setup_service(root, args.checklists, args.answers + 50)
        bare_full, close_full = setup_bare(root, "FULL")
        bare_normal, close_normal = setup_bare(root, "NORMAL")
        service, full, normal = timed_together(args.answers,
                                               [answer, bare_full, bare_normal])
        close_ws()
        close_full()
        close_normal()
    print(f"autosave latency, {args.answers} answers (interleaved with the bare runs), "
          f"files in {root.parent}")
    print(f"checklist {info}")
    print("pragmas: " + ", ".join(f"{k}={v}" for k, v in STORE_PRAGMAS))
    print(line("ws.inspections.answer()", service))
    print(line("bare sqlite3 upsert+commit (FULL)", full))
    print(line("bare sqlite3 (synchronous=NORMAL)", normal))
    med = statistics.median(service) / statistics.median(full)
    p99 = percentile(service, 99) / percentile(full, 99)
    print(f"ratio answer()/bare (FULL): median x{med:.2f}, p99 x{p99:.2f}")
    verdict = "OK" if percentile(service, 99) < 5.0 else "OVER TARGET"
    print(f"target p99 < 5 ms: {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
