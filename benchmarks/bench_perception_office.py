"""The office's send list and reply import end to end, against the pure rules on the same
bytes, in the same run.

    .venv/bin/python benchmarks/bench_perception_office.py [--rows 200000] [--seed 1]
                                                           [--database-url URL]

A transaction export of --rows rows (a third of them repeat customers, half qualifying)
is written as the business system writes it. Timed:

* baseline: the pure rules on the file's bytes (read_transactions with the numbers kept,
  build_send_list, the independent check) - what any send list must do;
* office: `make_send_list` (the same, plus the stored two-month history read back, the
  gateway file written owner-only and every send kept in the database);
* replies: a reply file answering half of the texts (by send id and by number), matched
  and kept by `import_replies`, then the month's satisfaction grouped in SQL.

The database is a fresh SQLite file (or --database-url, e.g. a throwaway PostgreSQL
database). Prints every time, the office's ratio to the baseline and the counts.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.central.context import ServerContext  # noqa: E402
from app.central.models import Outlet  # noqa: E402
from app.central.perception.imports import import_replies, make_send_list  # noqa: E402
from app.central.perception.sms import satisfaction_report  # noqa: E402
from app.central.settings import ServerSettings  # noqa: E402
from app.programme.months import YearMonth  # noqa: E402
from app.programme.perception.hashing import CustomerHasher  # noqa: E402
from app.programme.perception.sendlist import build_send_list, violations  # noqa: E402
from app.programme.perception.transactions import read_transactions  # noqa: E402

KEY = "0123456789abcdef" * 4
TYPES = ["积分兑换", "业务办理", "资料变更", "开户", "充值缴费", "话费查询"]
OUTLETS = [f"HZ-{i:04d}" for i in range(1, 201)]


def export(rows: int, seed: int) -> bytes:
    rng = random.Random(seed)
    customers = max(1, rows * 2 // 3)
    lines = ["办理时间,营业厅编码,工号,客户号码,业务类型"]
    for _ in range(rows):
        second = rng.randrange(8 * 3600, 21 * 3600)
        when = f"2025-06-03 {second // 3600:02d}:{second % 3600 // 60:02d}:{second % 60:02d}"
        outlet = rng.choice(OUTLETS)
        lines.append(f"{when},{outlet},S{rng.randrange(1, 9)}{outlet[-3:]},"
                     f"139{rng.randrange(customers):08d},{rng.choice(TYPES)}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    os.environ["HALLCHECK_PERCEPTION_KEY"] = KEY
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        raw = export(args.rows, args.seed)
        (d / "tx.csv").write_bytes(raw)
        now = datetime(2025, 6, 3, 21, 30)

        hasher = CustomerHasher.from_setting(KEY)
        t0 = time.perf_counter()
        parsed = read_transactions(raw, hasher=hasher, outlets=set(OUTLETS), keep_numbers=True)
        made = build_send_list(parsed.rows, now=now, batch_id="B1")
        broken = violations(made.sends)
        baseline = time.perf_counter() - t0
        assert parsed.ok and not broken

        ctx = ServerContext(ServerSettings.from_env(d / "server", args.database_url))
        with ctx.session() as s:
            for code in OUTLETS:
                s.add(Outlet(code=code, name=f"营业厅{code}", tier="flagship"))
            s.commit()
        t0 = time.perf_counter()
        done = make_send_list(ctx, d / "tx.csv", now=now, batch_id="B20250603-1",
                              output=d / "gateway.csv")
        office = time.perf_counter() - t0
        assert done.counts == made.counts, (done.counts, made.counts)

        import csv
        import io

        sent = list(csv.DictReader(io.StringIO((d / "gateway.csv").read_text("utf-8"))))
        rng = random.Random(args.seed)
        lines = ["发送编号,手机号码,回复时间,回复内容"]
        for i, row in enumerate(sent[::2]):
            ref = (f"{row['send_id']}," if i % 2 else f",{row['mobile']}")
            lines.append(f"{ref},2025-06-04 10:{i % 60:02d}:00,{rng.choice('1123')}")
        (d / "replies.csv").write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
        t0 = time.perf_counter()
        replies = import_replies(ctx, d / "replies.csv")
        reply_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = satisfaction_report(ctx, YearMonth(2025, 6))
        grouped = time.perf_counter() - t0
        ctx.close()

    print(f"rows {args.rows:,}; texts {done.texts:,}; outcomes {done.counts}")
    print(f"baseline (parse + rules + check, pure)  {baseline:8.2f} s")
    print(f"office send-list (+ history, file, DB)  {office:8.2f} s   "
          f"ratio {office / baseline:.2f}x")
    print(f"reply import ({len(lines) - 1:,} replies)        {reply_s:8.2f} s   "
          f"outcomes {dict(replies.outcomes)}")
    print(f"satisfaction of the month, in SQL       {grouped:8.2f} s   "
          f"{len(report.by_outlet)} outlets, {len(report.by_staff)} staff")


if __name__ == "__main__":
    main()
