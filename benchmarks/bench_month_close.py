"""Closing a month of 20,000 outlets with 4 counted results each and 1,000,000 SMS ratings
on PostgreSQL, beside a bare SQL aggregate of the same rows on the same database.

    .venv/bin/python benchmarks/bench_month_close.py [--outlets 20000] [--results-per 4]
                                                     [--ratings 1000000] [--pg-url URL]

Fills a throwaway PostgreSQL cluster (initdb/pg_ctl, as in the tests; or the empty database
of --pg-url) with bulk COPYs: outlets with class, region, unit and cooperation start, the
commission bases, the issued checklist definitions, finalised and approved results of July
2025 with the server's real score breakdowns and their compact failed items and vetoes (both
columns, as the ingest stores them), and the SMS texts with their counted replies in issue
11's perception tables. Then:

* the bare aggregate: per outlet and kind the results' count, mean score and vetoes, and per
  outlet and reply value the SMS replies (the two GROUP BYs over the same rows), median of 3;
* `hallcheck month close` as the console calls it (`read.close_month`): gathering the
  counted results and their failed items, the perception aggregates (H4's module, grouped
  in SQL), the bases and history, `compute_month`, the export with its explanations, and
  the frozen snapshot written in one transaction; its own phases are printed too.

Target: the close within 5x the bare aggregate, and under 60 s. The figures move 2-3x with
the machine's load: note `uptime` beside them (docs/month.md has runs before and after).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid as uuidlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pydantic_core import to_json  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app.central.context import ServerContext  # noqa: E402
from app.central.month import failed, read  # noqa: E402
from app.central.settings import ServerSettings  # noqa: E402
from app.checklists import Catalog, ItemType, default_checklists_path  # noqa: E402
from app.checklists.schema import to_plain  # noqa: E402
from app.checklists.scoring import score, visibility  # noqa: E402
from app.programme.months import YearMonth  # noqa: E402

MONTH = YearMonth(2025, 7)
TIERS = ["flagship", "level2", "level3", "partner_operated", "exclusive", "agent", "village"]
UNITS = [f"营业部{i:02d}" for i in range(40)]
REGIONS = [f"区域{i}" for i in range(8)]
CHINA = timedelta(hours=8)


def _answers(checklist: Any, rng: random.Random, fail_rate: float) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for item_id, item in checklist.items.items():
        if not visibility(checklist, answers)[item_id]:
            continue
        if item.type is ItemType.YES_NO:
            answers[item_id] = item.pass_if if rng.random() >= fail_rate else not item.pass_if
        elif item.type is ItemType.SCALE:
            answers[item_id] = rng.randint(item.min, item.max)
        elif item.type is ItemType.NUMBER:
            answers[item_id] = item.min if item.min is not None else 0
        elif item.type is ItemType.CHOICE:
            answers[item_id] = rng.choice([o.id for o in item.options or []])
    return answers


def _copy(conn: Any, table: str, columns: list[str], rows: Any) -> int:
    n = 0
    with conn.cursor() as cur, cur.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


def fill(ctx: ServerContext, outlets: int, per: int, ratings: int, seed: int = 9
         ) -> dict[str, float]:
    rng = random.Random(seed)
    took: dict[str, float] = {}
    catalog = Catalog.from_file(default_checklists_path())
    variants: dict[tuple[str, str], list[tuple[float | None, str, bool, int, str]]] = {}
    issued = []
    for tier in TIERS:
        for kind in ("mystery_shop", "open_inspection"):
            cl = catalog.resolve(kind, tier)
            issued.append((cl.content_hash, cl.id, kind, tier, cl.phase, cl.version,
                           json.dumps(to_plain(cl), ensure_ascii=False), datetime.now(UTC)))
            found = []
            for v in range(12):
                res = score(cl, _answers(cl, rng, 0.04 + 0.03 * v))
                breakdown = res.to_dict("zh")  # as the ingest stores it (both columns)
                found.append((res.total, to_json(breakdown).decode(), res.voided,
                              len(res.vetoes), failed.compact(breakdown)))
            variants[kind, tier] = [(cl.content_hash, cl.id, cl.version, f)  # type: ignore[misc]
                                    for f in found]
    t0 = time.perf_counter()
    raw = ctx.engine.raw_connection()
    try:
        conn = raw.driver_connection  # psycopg's own connection: COPY
        now = datetime.now(UTC)
        _copy(conn, "issued_checklists", ["content_hash", "checklist_id", "kind", "tier",
                                          "phase", "version", "body", "first_issued_at"],
              issued)
        codes = [f"O{i:05d}" for i in range(outlets)]
        tiers = {c: rng.choice(TIERS) for c in codes}
        _copy(conn, "outlets", ["code", "name", "tier", "region", "business_unit", "active",
                                "updated_at", "outlet_class", "area_manager", "owner",
                                "cooperation_start", "competitor", "important"],
              ((c, f"营业厅 {c}", tiers[c], REGIONS[i % len(REGIONS)],
                UNITS[i % len(UNITS)], True, now, rng.choice("ABC"), f"am-{i % 300:03d}",
                None, date(2012, 1, 1) + timedelta(days=rng.randrange(4900)),
                rng.random() < 0.01, False) for i, c in enumerate(codes)))
        _copy(conn, "commission_bases", ["outlet_class", "region", "period", "amount_cents",
                                         "imported_at"],
              ((k, r, "2025-Q3", 80000 + 20000 * "CBA".index(k) + 50 * j, now)
               for k in "ABC" for j, r in enumerate(REGIONS)))
        _copy(conn, "inspectors", ["id", "name", "role", "active", "created_at"],
              ((f"ms-{i:03d}", f"暗访员 {i}", "mystery_shopper", True, now)
               for i in range(300)))
        start = datetime(2025, 7, 1, tzinfo=UTC) - CHINA

        def inspections() -> Any:
            seq = 0
            for c in codes:
                for k in range(per):
                    seq += 1
                    kind = "open_inspection" if k == per - 1 and per > 1 else "mystery_shop"
                    h, cid, ver, (total, detail, voided, vetoes, compact) = rng.choice(
                        variants[kind, tiers[c]])
                    at = start + timedelta(minutes=rng.randrange(30 * 24 * 60))
                    yield (seq, str(uuidlib.UUID(int=rng.getrandbits(128), version=4)),
                           f"dev-{seq % 400}", f"ms-{seq % 300:03d}", c, kind, tiers[c],
                           "finalized", cid, ver, h, at, at + timedelta(minutes=30),
                           at + timedelta(hours=2), at + timedelta(hours=2), total, total,
                           detail, compact, voided, vetoes, "[]", 1800, "approved",
                           at + timedelta(hours=5), "rev", "b" * 64, "{}")
        n = _copy(conn, "inspections", [
            "seq", "uuid", "device_id", "inspector_id", "outlet_code", "kind", "tier",
            "status", "checklist_id", "checklist_version", "checklist_hash", "started_at",
            "finalized_at", "received_at", "updated_at", "score_total", "device_score_total",
            "score_detail", "failed_items", "voided", "veto_count", "flags", "time_on_site_s",
            "review_state", "reviewed_at", "reviewed_by", "body_sha256", "body"], inspections())
        took[f"{n} results"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        base_at = int((datetime(2025, 7, 1) - datetime(1970, 1, 1)).total_seconds()) + 8 * 3600
        def send(i: int) -> tuple[Any, ...]:
            o = rng.randrange(outlets)  # the outlet's own front-line staff (3 each)
            return (f"S{i:08d}", "Bbench", f"{rng.getrandbits(128):032x}",
                    base_at + rng.randrange(30 * 86400), base_at + rng.randrange(30 * 86400),
                    "2025-07", codes[o], f"staff-{o:05d}-{rng.randrange(3)}", "换卡",
                    "service", i + 2, "k" * 16)
        sends = (send(i) for i in range(ratings))
        _copy(conn, "perception_sends", [
            "send_id", "batch_id", "customer_hash", "at", "transaction_at", "month",
            "outlet_code", "staff_id", "business_type", "category", "line",
            "key_fingerprint"], sends)
        replies = ((f"S{i:08d}", rng.choices("123", weights=(6, 3, 1))[0],
                    base_at + 86400 * 31, 1, i + 2) for i in range(ratings))
        _copy(conn, "perception_replies", ["send_id", "value", "received_at", "import_id",
                                           "line"], replies)
        conn.commit()
        took[f"{ratings} SMS ratings"] = time.perf_counter() - t1
    finally:
        raw.close()
    with ctx.engine.connect() as c2:
        c2.execute(text("COMMIT"))
        for table in ("inspections", "outlets", "perception_sends", "perception_replies"):
            c2.execute(text(f"ANALYZE {table}"))
    return took


BARE = [
    """SELECT outlet_code, kind, count(*), avg(score_total), sum(veto_count),
              sum(CASE WHEN voided THEN 1 ELSE 0 END)
       FROM inspections
       WHERE status = 'finalized' AND review_state = 'approved'
         AND started_at >= :lo AND started_at < :hi
       GROUP BY outlet_code, kind""",
    """SELECT s.outlet_code, r.value, count(*)
       FROM perception_sends s JOIN perception_replies r ON r.send_id = s.send_id
       WHERE s.month = :month
       GROUP BY s.outlet_code, r.value""",
]


def bare_aggregate(ctx: ServerContext) -> tuple[float, int]:
    lo = datetime(2025, 7, 1, tzinfo=UTC) - CHINA
    hi = datetime(2025, 8, 1, tzinfo=UTC) - CHINA
    t0 = time.perf_counter()
    rows = 0
    with ctx.engine.connect() as conn:
        for q in BARE:
            rows += len(conn.execute(text(q), {"lo": lo, "hi": hi, "month": str(MONTH)}).all())
    return time.perf_counter() - t0, rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outlets", type=int, default=20_000)
    ap.add_argument("--results-per", type=int, default=4)
    ap.add_argument("--ratings", type=int, default=1_000_000)
    ap.add_argument("--pg-url", default=None, help="an empty PostgreSQL database to fill")
    ap.add_argument("--profile", default=None, help="write a cProfile of the close here")
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
    ctx = ServerContext(ServerSettings(data_dir=Path(tempfile.mkdtemp()), database_url=url,
                                       checklists_path=default_checklists_path()))
    try:
        for what, s in fill(ctx, args.outlets, args.results_per, args.ratings).items():
            print(f"filled {what} in {s:.1f} s")
        bare_aggregate(ctx)  # warm the cache the close will find warm too
        timings: dict[str, float] = {}
        from app.central.month import close as closing

        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        closing.close_month(ctx, MONTH, by="bench", timings=timings)
        close_s = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        bare = [bare_aggregate(ctx) for _ in range(3)]
        bare_s = statistics.median(b for b, _ in bare)
        closed = read.closed_month(ctx, MONTH)
        assert closed is not None
        scored = sum(1 for r in closed.outlets() if r["composite"] is not None)
        with_sms = sum(1 for r in closed.outlets()
                       if r["components"]["sms_satisfaction"]["present"])
        print(f"closed {MONTH}: {closed.totals()['outlets']} outlets, {scored} scored, "
              f"{closed.totals()['ranked']} ranked, {with_sms} with an SMS score, "
              f"{len(closed.result_uuids)} counted results, payable "
              f"{closed.totals()['payable']} yuan")
        for phase, s in timings.items():
            print(f"  {phase:22} {s:7.2f} s")
        ratio = close_s / bare_s
        print(f"month close {close_s:7.2f} s   bare SQL aggregate {bare_s:6.2f} s "
              f"({bare[0][1]} groups)   ratio {ratio:5.1f}x   (target <= 5x and < 60 s): "
              + ("OK" if ratio <= 5 and close_s < 60 else "MISSED"))
        return 0 if ratio <= 5 and close_s < 60 else 1
    finally:
        ctx.close()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
