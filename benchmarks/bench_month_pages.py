"""The month pages' work on a large month: what a click costs in the console.

    .venv/bin/python benchmarks/bench_month_pages.py [--outlets 20000] [--units 40]

Builds one month of `--outlets` agent outlets in `--units` business units with the pure
month computation (two mystery shops each, some with a failed 一票否决 item, ties on
purpose), freezes it as the close does (`to_export(explanations=True)` through JSON), and
times, on that document:

* the baseline: `json.loads` of the frozen month, the least any reader of it pays, and of
  the month without its explanations (what the list pages read, once per closed month);
* the page work once the document is in memory (a closed month is kept once read): the
  unit ranking sorted each way and the tie lookup of one page of rows, the province
  ranking, the commission statement's totals, the candidate lists;
* one outlet's statement PDF (fpdf2, CJK font embedded).

Prints each figure beside the baseline from the same run. Target: every page's work well
under the baseline (the document is read once, then each click only sorts and slices).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.central.exports.labels import Labels
from app.central.exports.statement import write_statement
from app.console.months import (
    PAGE_SIZE,
    MonthDoc,
    candidates,
    not_ranked,
    ranked,
    sort_rows,
)
from app.console.theme import font_path
from app.programme.inputs import CommissionBase, CountedVisit, FailedItem, OutletInfo
from app.programme.month import compute_month
from app.programme.months import YearMonth
from app.programme.rules_loader import default_programme_path, load_rules_file

MONTH = YearMonth(2025, 3)
VETO = FailedItem("uniform", "着工装", "Wears the uniform", "conduct", "section")
GREET = FailedItem("greet", "主动问候", "Greets the customer", "conduct", None)


def build(outlets: int, units: int) -> dict[str, Any]:
    rules = load_rules_file(default_programme_path()).versions[0]
    infos = [OutletInfo(code=f"O{i:05d}", name=f"网点{i}", tier="agent",
                        family="agent_channel", business_unit=f"营业部{i % units:02d}",
                        region="西湖", outlet_class="ABC"[i % 3],
                        cooperation_start=date(2010 + i % 15, 1 + i % 12, 1),
                        area_manager=f"am-{i % 200}") for i in range(outlets)]
    results = []
    for i in range(outlets):
        for k in range(2):
            score = float((i * 7 + k * 13) % 41 + 60)  # 60..100: many equal scores
            failed = (VETO,) if (i + k) % 17 == 0 else (GREET,) if (i + k) % 5 == 0 else ()
            results.append(CountedVisit(f"u{i}-{k}", f"O{i:05d}", "mystery_shop",
                                        0.0 if failed and failed[0].veto else score,
                                        veto_count=int(bool(failed and failed[0].veto)),
                                        failed=failed))
    bases = [CommissionBase(c, "西湖", "2025-H1", 100000 + 25000 * n)
             for n, c in enumerate("ABC")]
    result = compute_month(MONTH, rules, infos, results, bases=bases)
    doc: dict[str, Any] = json.loads(json.dumps(result.to_export(explanations=True),
                                                ensure_ascii=False))
    return doc


def timed(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--outlets", type=int, default=20000)
    ap.add_argument("--units", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    t0 = time.perf_counter()
    doc = build(args.outlets, args.units)
    raw = json.dumps(doc, ensure_ascii=False)
    print(f"month of {args.outlets} outlets in {args.units} units built in "
          f"{time.perf_counter() - t0:.1f} s; frozen document {len(raw) / 1e6:.1f} MB")

    baseline = timed(lambda: json.loads(raw), args.repeat)
    slim_raw = json.dumps({**doc, "outlets": [{k: v for k, v in r.items() if k != "why"}
                                              for r in doc["outlets"]]}, ensure_ascii=False)
    slim = timed(lambda: json.loads(slim_raw), args.repeat)
    month = MonthDoc(MONTH, doc, True)
    unit = month.units()[0]
    rows = month.rows
    _ = month.sharing  # built once per document, like the page does on its first click

    def unit_page(sort: str) -> Callable[[], Any]:
        def run() -> Any:
            mine = sort_rows(ranked(rows, "agent_channel", unit), sort, unit)[:PAGE_SIZE]
            return [month.tied(r, "unit") for r in mine], not_ranked(rows, "agent_channel",
                                                                      unit)
        return run

    def province_page() -> Any:
        mine = ranked(rows, "agent_channel", None)[:PAGE_SIZE]
        return [month.tied(r, "province") for r in mine]

    def statement_totals() -> Any:
        return sum(int(float(r["payable"]) * 100) for r in month.visible(None))

    figures = {
        "unit ranking, by rank": timed(unit_page("rank"), args.repeat),
        "unit ranking, by score": timed(unit_page("score"), args.repeat),
        "unit ranking, by commission": timed(unit_page("commission"), args.repeat),
        "province ranking page": timed(province_page, args.repeat),
        "commission totals": timed(statement_totals, args.repeat),
        "candidate lists": timed(lambda: candidates(rows), args.repeat),
        "tie counts (once per document)": timed(
            lambda: MonthDoc(MONTH, doc, True).sharing, args.repeat),
    }
    with tempfile.TemporaryDirectory() as tmp:
        labels = Labels("zh")
        code = rows[17]["outlet_code"]  # one with a veto
        figures["statement PDF, one outlet"] = timed(
            lambda: write_statement(doc, code, Path(tmp) / "s.pdf", labels, font_path()),
            args.repeat)
        size = (Path(tmp) / "s.pdf").stat().st_size

    print(f"baseline: json.loads of the frozen month  {baseline * 1000:8.1f} ms")
    print(f"{'json.loads without the explanations':<40} {slim * 1000:8.1f} ms  "
          f"({slim / baseline:5.2f}x baseline; {len(slim_raw) / 1e6:.1f} MB, what the list "
          "pages read with why=False)")
    for name, seconds in figures.items():
        print(f"{name:<40} {seconds * 1000:8.1f} ms  ({seconds / baseline:5.2f}x baseline)")
    print(f"statement PDF size: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
