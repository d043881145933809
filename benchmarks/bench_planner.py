"""The covert-visit planner on a month for 20,000 outlets and 300 shoppers with a year of
history, against a bare pass that only checks the rotation rule.

    .venv/bin/python benchmarks/bench_planner.py [--outlets 20000] [--shoppers 300]
                                                 [--seed 1] [--repeat 1]

The bare pass reads the same history into a (shopper, outlet) -> visit times dict and
calls app.programme.rotation.blocking_visit (both ways: earlier visits and later planned
ones) for every (shopper, outlet) pair the planner considers: each due visit against every
shopper of the outlet's region. Both are timed in the same run; the script prints both
times, their ratio (target: the plan within 10x the bare pass and under 30 s), coverage,
the share of important outlets covered, coverage per priority class, and the result of the
independent rule check (violations) on the plan, which is timed apart.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.i18n import t  # noqa: E402
from app.programme import rotation  # noqa: E402
from app.programme.months import YearMonth  # noqa: E402
from app.programme.planning import plan_covert, violations  # noqa: E402
from app.programme.planning.covert import monthly_visits  # noqa: E402
from app.programme.planning.model import (  # noqa: E402
    PRIORITY_KEYS,
    CovertInputs,
    KnownVisit,
    Outlet,
    Shopper,
)
from app.programme.planning.timing import CHINA, OpeningHours, at  # noqa: E402

MONTH = YearMonth(2025, 6)
TIERS = [("flagship", 1), ("level2", 4), ("level3", 10), ("partner_operated", 10),
         ("exclusive", 15), ("agent", 40), ("village", 20)]
CITY = ["central", "county", "town", "village"]
HOURS = [OpeningHours.every_day("09:00-21:00"),
         OpeningHours.weekly({i: "09:00-18:00" for i in range(6)}),
         OpeningHours.every_day("08:30-12:00,14:00-18:00"),
         OpeningHours.weekly({i: "10:00-20:00" for i in range(1, 7)})]


def build(n_outlets: int, n_shoppers: int, seed: int) -> CovertInputs:
    rng = random.Random(seed)
    regions = [f"区域{i:02d}" for i in range(max(1, n_shoppers // 10))]
    tiers = [name for name, weight in TIERS for _ in range(weight)]
    outlets = []
    for i in range(n_outlets):
        tier = rng.choice(tiers)
        important = tier == "flagship" or rng.random() < 0.04
        competitor = rng.random() < 0.05
        outlets.append(Outlet(
            code=f"O{i:05d}", tier=tier, hours=rng.choice(HOURS), region=rng.choice(regions),
            city_class=rng.choice(CITY), important=important,
            visits_per_month=4 if tier == "flagship" and rng.random() < 0.5 else None,
            competitor=competitor, every_months=3 if competitor else 1))
    by_region: dict[str, list[str]] = defaultdict(list)
    for o in outlets:
        by_region[o.region].append(o.code)
    shoppers = []
    for i in range(n_shoppers):
        home = regions[i % len(regions)]
        # a third of the shoppers also work the next region
        further = frozenset({regions[(i + 1) % len(regions)]}) if i % 3 == 0 else frozenset()
        shoppers.append(Shopper(
            id=f"S{i:03d}", home_region=home, regions=further,
            weekdays=frozenset(rng.sample(range(7), rng.randint(4, 6))),
            unavailable=frozenset(MONTH.first_day + timedelta(days=rng.randrange(30))
                                  for _ in range(rng.randint(0, 3))),
            max_per_day=rng.randint(3, 4),
            excluded=frozenset(rng.sample(by_region[home], min(15, len(by_region[home]))))))
    pool: dict[str, list[str]] = defaultdict(list)
    for s in shoppers:
        for region in {s.home_region} | s.regions:
            pool[region].append(s.id)
    # a year of visits as a programme makes them: a shopper who visited the outlet less
    # than three months before is avoided when the region allows it
    last: dict[tuple[str, str], datetime] = {}
    history: list[KnownVisit] = []
    start = MONTH.shift(-12)
    for m in range(12):
        month = start.shift(m)
        for o in outlets:
            for _ in range(monthly_visits(o, CovertInputs(MONTH, (), ()).rules)):
                day = month.first_day + timedelta(days=rng.randrange(month.length))
                moment = at(day, datetime.min.time(), CHINA) + timedelta(
                    minutes=rng.randrange(9 * 60, 18 * 60))
                for _ in range(6):
                    sid = rng.choice(pool[o.region])
                    seen = last.get((sid, o.code))
                    if seen is None or moment - seen >= rotation.WINDOW:
                        break
                last[(sid, o.code)] = moment
                history.append(KnownVisit(sid, o.code, moment, source=f"device-{sid}"))
    # visits already planned in another plan (a competitor study next month)
    for o in rng.sample(outlets, n_outlets // 50):
        day = MONTH.shift(1).first_day + timedelta(days=rng.randrange(20))
        begin = at(day, datetime.min.time(), CHINA) + timedelta(hours=10)
        history.append(KnownVisit(rng.choice(pool[o.region]), o.code, begin,
                                  begin + timedelta(hours=2), source="plan:2025-07"))
    return CovertInputs(MONTH, outlets, shoppers, history, seed=seed)


def bare_pass(inputs: CovertInputs, wanted: dict[str, int]) -> int:
    """Only the rotation rule, for every pair the planner considers: each visit it tried
    to fill (`wanted`, per outlet) against every shopper of the outlet's region."""
    tz = inputs.tz
    start = at(inputs.month.first_day, datetime.min.time(), tz)
    end = at(inputs.month.last_day, datetime.max.time(), tz)
    times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
    for k in inputs.history:
        times[(k.shopper, k.outlet)].append(k.at)
    pools: dict[str, list[str]] = defaultdict(list)
    for s in sorted(inputs.shoppers, key=lambda s: s.id):
        for region in sorted({s.home_region} | s.regions):
            pools[region].append(s.id)
    pairs = 0
    allowed = 0  # counted so the checks' results are used
    for o in sorted(inputs.outlets, key=lambda o: o.code):
        for _ in range(wanted.get(o.code, 0)):
            for sid in pools.get(o.region, ()):
                pairs += 1
                known = times.get((sid, o.code), ())
                if rotation.blocking_visit(known, start) is None and not any(
                        rotation.blocking_visit((end,), k) for k in known if k > end):
                    allowed += 1
    assert allowed <= pairs
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--outlets", type=int, default=20_000)
    ap.add_argument("--shoppers", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    t0 = time.perf_counter()
    inputs = build(args.outlets, args.shoppers, args.seed)
    print(f"inputs: {len(inputs.outlets)} outlets, {len(inputs.shoppers)} shoppers, "
          f"{len(inputs.history)} known visits ({time.perf_counter() - t0:.1f} s to build)")
    bare_times, plan_times, bare_wall, plan_wall = [], [], [], []
    for _ in range(args.repeat):
        gc.collect()  # each step from a full collection: no step pays for another's garbage
        t0, c0 = time.perf_counter(), time.process_time()
        plan = plan_covert(inputs)
        plan_times.append(time.process_time() - c0)
        plan_wall.append(time.perf_counter() - t0)
        wanted: dict[str, int] = defaultdict(int)
        for v in plan.visits:
            wanted[v.outlet] += 1
        for gap in plan.shortfall:
            wanted[gap.outlet] += gap.missing
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        pairs = bare_pass(inputs, wanted)
        bare_times.append(time.process_time() - c0)
        bare_wall.append(time.perf_counter() - t0)
    bare, planner = min(bare_times), min(plan_times)
    s = plan.stats
    # CPU time of this process (the machine is shared; wall time is shown beside it)
    print(f"bare rotation pass: {bare:.2f} s CPU ({min(bare_wall):.2f} s wall) over "
          f"{pairs} pairs")
    print(f"planner:            {planner:.2f} s CPU ({min(plan_wall):.2f} s wall) over "
          f"{s.pairs_considered} pairs (+ repair; {s.repaired} visits planned by repair)")
    print(f"ratio: {planner / bare:.1f}x (target <= 10x, planner < 30 s)")
    print(f"coverage: {s.planned}/{s.wanted} visits ({100 * s.planned / max(1, s.wanted):.1f} %)"
          f", outlets fully covered {s.outlets_covered}/{s.outlets_due}")
    print(f"important outlets fully covered: {s.important_covered}/{s.important_due} "
          f"({100 * s.important_covered / max(1, s.important_due):.1f} %)")
    for cls, (wanted, planned) in enumerate(s.by_priority):
        print(f"  {t(PRIORITY_KEYS[cls], 'en'):30s} {planned:6d}/{wanted:6d}"
              f" ({100 * planned / max(1, wanted):5.1f} %)")
    print(f"shortfall: {len(plan.shortfall)} outlets; not due: {len(plan.not_due)}")
    t0 = time.perf_counter()
    broken = violations(plan, inputs)
    print(f"independent rule check: {len(broken)} violations "
          f"({time.perf_counter() - t0:.1f} s)")
    if broken:
        print(broken[0].text("en"))
        sys.exit(1)


if __name__ == "__main__":
    main()
