"""The review queue over 100,000 results on PostgreSQL: opening its first page.

    .venv/bin/python benchmarks/bench_review_queue.py [--results 100000] [--pg-url URL]

Fills a throwaway PostgreSQL cluster (initdb/pg_ctl, as in the tests; or the database of
--pg-url) with `--results` finalised results over 2,000 outlets in 20 business units,
mixed review states and flags, then times `review.queue(...)` (the first page of 50 rows
with the counts by state and by flag, what the console shows) for a few filters, beside a
bare SQL `count(*)` of the same filter in the same run, and prints both and their ratio.
Target: every first page under 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import insert, text  # noqa: E402

from app.central import review  # noqa: E402
from app.central.accounts import ManagerInfo  # noqa: E402
from app.central.context import ServerContext  # noqa: E402
from app.central.models import Inspection, InspectionPhoto, Inspector, Outlet  # noqa: E402
from app.central.review import QueueFilter  # noqa: E402
from app.central.settings import ServerSettings  # noqa: E402

STATES = ["approved"] * 60 + ["received"] * 30 + ["returned"] * 5 + ["rejected"] * 5
FLAG_ODDS = {"score_disagreement": 0.05, "rotation": 0.03, "short_visit": 0.08,
             "late_upload": 0.04}
UNITS = [f"营业部{i:02d}" for i in range(20)]
TIERS = ["flagship", "level2", "level3", "exclusive", "agent", "village"]


def fill(ctx: ServerContext, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    outlets = [{"code": f"O{i:05d}", "name": f"营业厅 {i}", "tier": rng.choice(TIERS),
                "business_unit": UNITS[i % len(UNITS)], "active": True,
                "updated_at": start} for i in range(2000)]
    inspectors = [{"id": f"ms-{i:03d}", "name": f"暗访员 {i}", "role": "mystery_shopper",
                   "active": True, "created_at": start} for i in range(300)]
    body = json.dumps({"answers": [{"item_id": f"i{k}", "value": True} for k in range(40)]})
    with ctx.engine.begin() as conn:
        conn.execute(insert(Outlet.__table__), outlets)  # type: ignore[attr-defined]
        conn.execute(insert(Inspector.__table__), inspectors)  # type: ignore[attr-defined]
    batch: list[dict[str, object]] = []
    photos: list[dict[str, object]] = []
    for i in range(n):
        seq = i + 1
        o = outlets[rng.randrange(len(outlets))]
        flags = [f for f, p in FLAG_ODDS.items() if rng.random() < p]
        vetoes = 1 if rng.random() < 0.06 else 0
        at = start + timedelta(minutes=5 * i)
        batch.append({
            "seq": seq, "uuid": str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
            "device_id": f"dev-{i % 400}", "inspector_id": f"ms-{rng.randrange(300):03d}",
            "outlet_code": o["code"], "kind": "mystery_shop", "tier": o["tier"],
            "status": "finalized", "checklist_id": "ms", "checklist_version": 1,
            "checklist_hash": "a" * 64, "started_at": at, "finalized_at": at,
            "received_at": at + timedelta(minutes=rng.randrange(1, 600)), "updated_at": at,
            "phase": None, "score_total": round(rng.uniform(40, 100), 1),
            "device_score_total": None, "score_detail": None, "voided": False,
            "veto_count": vetoes, "flags": json.dumps(flags), "time_on_site_s": 1500,
            "review_state": rng.choice(STATES), "amends_uuid": None,
            "body_sha256": "b" * 64, "body": body,
        })
        for k in range(rng.randrange(0, 4)):
            photos.append({"inspection_seq": seq, "sha256": f"{seq:032x}{k:032x}"})
        if len(batch) == 5000:
            with ctx.engine.begin() as conn:
                conn.execute(insert(Inspection.__table__), batch)  # type: ignore[attr-defined]
                if photos:
                    conn.execute(insert(InspectionPhoto.__table__), photos)  # type: ignore[attr-defined]
            batch, photos = [], []
    with ctx.engine.begin() as conn:
        if batch:
            conn.execute(insert(Inspection.__table__), batch)  # type: ignore[attr-defined]
        if photos:
            conn.execute(insert(InspectionPhoto.__table__), photos)  # type: ignore[attr-defined]
    with ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


def bare_count(ctx: ServerContext, where: str, join: bool) -> int:
    sql = ("SELECT count(*) FROM inspections i "
           + ("JOIN outlets o ON o.code = i.outlet_code " if join else "")
           + "WHERE i.status = 'finalized'" + (f" AND {where}" if where else ""))
    with ctx.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def timed(fn, rounds: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    fn()  # warm the caches once, as a console in use has them
    times = []
    result = None
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--results", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database to fill")
    args = ap.parse_args()
    cluster = None
    url = args.pg_url
    if url is None:
        from sync.helpers import PgCluster, create_database, pg_bin_dir

        bin_dir = pg_bin_dir()
        if bin_dir is None:
            print("PostgreSQL binaries not found (install Debian's postgresql)")
            return 2
        cluster = PgCluster(bin_dir)
        url = create_database(cluster.start())
    import tempfile

    ctx = ServerContext(ServerSettings(data_dir=Path(tempfile.mkdtemp()), database_url=url))
    try:
        t0 = time.perf_counter()
        fill(ctx, args.results)
        print(f"filled {args.results} results in {time.perf_counter() - t0:.1f} s")
        everyone = ManagerInfo("bench", "bench", "reviewer", None, True)
        unit = ManagerInfo("bench-unit", "bench", "reviewer", UNITS[3], True)
        cases = [
            ("received (the default queue)", everyone, QueueFilter(),
             "i.review_state = 'received'", False),
            ("received, one business unit", everyone, QueueFilter(business_unit=UNITS[5]),
             f"i.review_state = 'received' AND o.business_unit = '{UNITS[5]}'", True),
            ("unit-limited account, all states", unit, QueueFilter(state=None),
             f"o.business_unit = '{UNITS[3]}'", True),
            ("flag rotation, received", everyone, QueueFilter(flag="rotation"),
             "i.review_state = 'received' AND i.flags LIKE '%\"rotation\"%'", False),
            ("tier flagship, approved", everyone,
             QueueFilter(tier="flagship", state="approved"),
             "i.review_state = 'approved' AND i.tier = 'flagship'", False),
        ]
        print(f"{'filter':36} {'page+counts':>12} {'bare count':>11} {'ratio':>6} "
              f"{'rows':>5} {'total':>7}")
        worst = 0.0
        for name, who, flt, where, join in cases:
            page_s, page = timed(lambda who=who, flt=flt: review.queue(ctx, who, flt),
                                 args.rounds)
            count_s, count = timed(lambda where=where, join=join: bare_count(ctx, where, join),
                                   args.rounds)
            assert page.total == count, (name, page.total, count)  # type: ignore[attr-defined]
            worst = max(worst, page_s)
            print(f"{name:36} {page_s * 1000:9.1f} ms {count_s * 1000:8.1f} ms "
                  f"{page_s / count_s:6.1f} {len(page.rows):5d} {count:7d}")  # type: ignore[attr-defined]
        print(f"slowest first page: {worst * 1000:.1f} ms (target < 1000 ms): "
              + ("OK" if worst < 1.0 else "TOO SLOW"))
        return 0 if worst < 1.0 else 1
    finally:
        ctx.close()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
