"""Export benchmark: the review queue's results as XLSX (results sheet + answers sheet) and
CSV, through `exports.export_results` as the console runs it.

    .venv/bin/python benchmarks/bench_exports.py [--results 10000] [--database-url ADMIN_URL]
        [--per-view-sample 300] [--json FILE]

Fills a fresh database (SQLite by default) with `--results` honest mystery shops of the
shipped checklist (flagship hall, 57 items) stored as the ingest stores them
(tests/console/bulk.py), then times the XLSX export of all of them (answers read with
`review.sections_of`, 500 results per query) and the CSV export, wall clock and this
process's CPU. Beside it, the way the answers sheet used to be fed (one
`review.result_view` per result) is timed on a sample and extrapolated, for comparison.

Timings are measured here, never asserted in the test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=int, default=10_000)
    ap.add_argument("--database-url", default=None,
                    help="a PostgreSQL admin URL (a fresh database); default SQLite")
    ap.add_argument("--per-view-sample", type=int, default=300)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)

    from console.bulk import fill_results

    from app.central import accounts, review
    from app.central.context import ServerContext
    from app.central.exports import export_results
    from app.central.settings import ServerSettings
    from app.checklists import default_checklists_path

    n = args.results
    out: dict[str, Any] = {"results": n}
    with tempfile.TemporaryDirectory(prefix="hc-bench-export-") as tmp:
        url = None
        if args.database_url:
            from bench_ingest import fresh_database

            url = fresh_database(args.database_url)
        shipped = default_checklists_path()
        ctx = ServerContext(ServerSettings(data_dir=Path(tmp), database_url=url,
                                           checklists_path=shipped))
        try:
            begin = time.perf_counter()
            uuids = fill_results(ctx, n, shipped, outlets=200)
            print(f"filled {n} results in {time.perf_counter() - begin:.1f} s")
            accounts.add_manager(ctx, "bench.export", "导出", "manager", "bench pass 123")
            manager = accounts.get_manager(ctx, "bench.export")
            flt = review.QueueFilter(state=None)
            steps: list[tuple[float, int]] = []
            for fmt in ("xlsx", "csv"):
                steps.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                path = export_results(
                    ctx, manager, flt, fmt, Path(tmp) / f"export.{fmt}", "zh",  # type: ignore[arg-type]
                    progress=lambda d, _t: steps.append((time.perf_counter(), d)))
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                first_row = next((at for at, d in steps if d > 0), None)
                out[fmt] = {"wall_s": wall, "cpu_s": cpu, "bytes": path.stat().st_size,
                            "progress_reports": len(steps)}
                print(f"{fmt}: {n} results in {wall:.1f} s wall, {cpu:.1f} s CPU, "
                      f"{path.stat().st_size / 1e6:.1f} MB, {len(steps)} progress reports"
                      + (f", first row written after {first_row - steps[0][0]:.1f} s"
                         if first_row else ""))
            sample = uuids[: args.per_view_sample]
            wall, cpu = time.perf_counter(), time.process_time()
            for uid in sample:
                review.result_view(ctx, manager, uid, "zh")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            wall_b, cpu_b = time.perf_counter(), time.process_time()
            for k in range(0, len(sample), 500):
                review.sections_of(ctx, manager, sample[k:k + 500], "zh")
            wall_b, cpu_b = time.perf_counter() - wall_b, time.process_time() - cpu_b
            scale = n / len(sample)
            out["answers_read"] = {"per_view_s": wall, "per_view_cpu_s": cpu,
                                   "batched_s": wall_b, "batched_cpu_s": cpu_b,
                                   "sample": len(sample)}
            print(f"reading the answers of {len(sample)} results: one result_view each "
                  f"{wall:.2f} s ({cpu:.2f} s CPU; ~{wall * scale:.0f} s for {n}), batched "
                  f"{wall_b:.2f} s ({cpu_b:.2f} s CPU; ~{wall_b * scale:.0f} s for {n})")
        finally:
            ctx.close()
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return out


if __name__ == "__main__":
    main()
