"""Random inputs for the planners (hypothesis), and an independent check of the covert
plan's hard rules that does not use the planner's own checking code."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import strategies as st

from app.programme import rotation
from app.programme.months import YearMonth
from app.programme.planning.model import (
    AGENT_TIERS,
    CITY_CLASSES,
    HALL_TIERS,
    CovertInputs,
    CovertPlan,
    KnownVisit,
    Outlet,
    Shopper,
)
from app.programme.planning.timing import CHINA, OpeningHours

UTC = UTC
HOURS = [
    OpeningHours.every_day("09:00-21:00"),
    OpeningHours.weekly({i: "09:00-18:00" for i in range(5)}),  # closed at weekends
    OpeningHours.every_day("08:30-12:00,14:00-18:00"),  # a lunch break
    OpeningHours.weekly({5: "10:00-11:00", 6: "10:00-11:00"}),  # one hour, weekends only
    OpeningHours.weekly({}),  # closed all week
]
MONTHS = [YearMonth(2025, 2), YearMonth(2025, 3), YearMonth(2025, 6), YearMonth(2024, 12)]


@st.composite
def covert_inputs(draw: st.DrawFn, max_outlets: int = 14, max_shoppers: int = 8,
                  max_history: int = 40) -> CovertInputs:
    """Sizes and odds come from hypothesis, the details from a seeded random.Random (a
    hypothesis draw per field would spend the test's time generating, not planning)."""
    month = draw(st.sampled_from(MONTHS))
    n_regions = draw(st.integers(1, 3))
    n_outlets = draw(st.integers(1, max_outlets))
    n_shoppers = draw(st.integers(1, max_shoppers))
    n_history = draw(st.integers(0, max_history))
    busy_days = draw(st.integers(2, 7))  # how many weekdays a shopper works, at most
    rng = random.Random(draw(st.integers(0, 2**32)))
    if rng.random() < 0.05:
        n_shoppers = 0  # now and then no pool at all
    regions = [f"R{i}" for i in range(n_regions)]
    codes = [f"O{i:02d}" for i in range(n_outlets)]
    days = month.days()
    outlets = []
    for code in codes:
        outlets.append(Outlet(
            code=code, tier=rng.choice(HALL_TIERS + AGENT_TIERS),
            hours=rng.choice(HOURS[:-1]) if rng.random() < 0.9 else HOURS[-1],
            region=rng.choice(regions), city_class=rng.choice((*CITY_CLASSES, None)),
            visits_per_month=rng.choice((None, None, None, 0, 1, 2, 3, 4)),
            important=rng.random() < 0.3, competitor=rng.random() < 0.2,
            every_months=rng.choice((1, 1, 1, 2, 3)),
            closed_dates=frozenset(rng.sample(days, rng.randint(0, 4)))))
    shoppers = []
    for i in range(n_shoppers):
        shoppers.append(Shopper(
            id=f"S{i:02d}", home_region=rng.choice(regions),
            regions=frozenset(rng.sample(regions, rng.randint(0, len(regions)))),
            weekdays=frozenset(rng.sample(range(7), rng.randint(1, busy_days))
                               if rng.random() < 0.9 else ()),
            dates=frozenset(rng.sample(days, rng.randint(0, 3))),
            unavailable=frozenset(rng.sample(days, rng.randint(0, 6))),
            max_per_day=rng.randint(1, 3),
            excluded=frozenset(rng.sample(codes, rng.randint(0, min(3, len(codes) // 2))))))
    ids = [s.id for s in shoppers] + ["GONE"]  # a shopper no longer in the pool
    start = datetime(month.first_day.year, month.first_day.month, 1, tzinfo=CHINA) - timedelta(
        days=150)
    history = []
    for _ in range(n_history):
        at = start + timedelta(minutes=rng.randrange(60 * 24 * 280))
        planned = rng.random() < 0.25
        history.append(KnownVisit(
            shopper=rng.choice(ids), outlet=rng.choice(codes),
            at=at.astimezone(rng.choice((CHINA, UTC))),
            until=at + timedelta(hours=2) if planned else None,
            source="plan" if planned else "device"))
    return CovertInputs(month, outlets, shoppers, history, seed=rng.randrange(2**32))


def shuffled(inputs: CovertInputs, seed: int) -> CovertInputs:
    rng = random.Random(seed)
    outlets, shoppers, history = (list(inputs.outlets), list(inputs.shoppers),
                                  list(inputs.history))
    rng.shuffle(outlets)
    rng.shuffle(shoppers)
    rng.shuffle(history)
    return CovertInputs(inputs.month, outlets, shoppers, history, inputs.seed, inputs.rules,
                        inputs.tz)


def hard_rule_breaks(plan: CovertPlan, inputs: CovertInputs) -> list[str]:
    """Every broken hard rule, found without the planner's code (only the rotation rule's
    own function, app.programme.rotation.blocking_visit)."""
    tz = inputs.tz
    outlets = {o.code: o for o in inputs.outlets}
    shoppers = {s.id: s for s in inputs.shoppers}
    breaks: list[str] = []
    per_day = Counter((v.shopper, v.day) for v in plan.visits)
    events: dict[tuple[str, str], list[tuple[datetime, datetime, str]]] = {}
    for k in inputs.history:
        events.setdefault((k.shopper, k.outlet), []).append(
            (k.at, k.until or k.at, f"known {k.at.isoformat()}"))
    for v in plan.visits:
        begin = datetime.combine(v.day, v.window.start, tzinfo=tz)
        end = datetime.combine(v.day, v.window.end, tzinfo=tz)
        events.setdefault((v.shopper, v.outlet), []).append((begin, end, v.id))
    for v in plan.visits:
        o, s = outlets.get(v.outlet), shoppers.get(v.shopper)
        if o is None or s is None:
            breaks.append(f"{v.id}: unknown outlet or shopper")
            continue
        if (v.day.year, v.day.month) != (inputs.month.year, inputs.month.month):
            breaks.append(f"{v.id}: outside the month")
        if v.outlet in s.excluded:
            breaks.append(f"{v.id}: excluded")
        if o.region != s.home_region and o.region not in s.regions:
            breaks.append(f"{v.id}: region")
        if (v.day.weekday() not in s.weekdays and v.day not in s.dates) or \
                v.day in s.unavailable:
            breaks.append(f"{v.id}: shopper not available")
        if per_day[(v.shopper, v.day)] > s.max_per_day:
            breaks.append(f"{v.id}: over the daily cap")
        if v.day in o.closed_dates or not any(
                span.open <= v.window.start and v.window.end <= span.close
                and v.window.start < v.window.end
                for span in o.hours.week[v.day.weekday()]):
            breaks.append(f"{v.id}: outside opening hours")
        begin = datetime.combine(v.day, v.window.start, tzinfo=tz)
        end = datetime.combine(v.day, v.window.end, tzinfo=tz)
        for a, b, what in events[(v.shopper, v.outlet)]:
            if what == v.id:
                continue
            if b <= begin:
                bad = rotation.blocking_visit([b], begin) is not None
            elif end <= a:
                bad = rotation.blocking_visit([end], a) is not None
            else:
                bad = True
            if bad:
                breaks.append(f"{v.id}: rotation against {what}")
    return breaks


def expected_wanted(inputs: CovertInputs) -> dict[str, int]:
    """The visits each outlet is due this month, as the rules say (independently)."""
    tz = inputs.tz
    rules = inputs.rules
    first = inputs.month.first_day
    last = inputs.month.last_day
    wanted: dict[str, int] = {}
    for o in inputs.outlets:
        base = (o.visits_per_month if o.visits_per_month is not None
                else rules.important_visits if (o.important or o.high_traffic)
                else rules.default_visits)
        mine = [k.at.astimezone(tz).date() for k in inputs.history if k.outlet == o.code]
        before = [d for d in mine if d < first]
        inside = [d for d in mine if first <= d <= last]
        if o.every_months > 1 and before:
            latest = max(before)
            months_since = (first.year - latest.year) * 12 + first.month - latest.month
            if months_since < o.every_months:
                continue
        n = max(0, base - len(inside))
        if n:
            wanted[o.code] = n
    return wanted


def capacity(inputs: CovertInputs) -> int:
    """An upper bound of the visits the pool can make this month."""
    days: list[date] = inputs.month.days()
    return sum(s.max_per_day * sum(1 for d in days if (d.weekday() in s.weekdays
                                                       or d in s.dates)
                                   and d not in s.unavailable) for s in inputs.shoppers)


@st.composite
def tight_inputs(draw: st.DrawFn) -> CovertInputs:
    """Few shoppers with one visit a day on a few dates, covering overlapping regions:
    the shape where the greedy pass leaves gaps and the repair step moves visits."""
    month = draw(st.sampled_from(MONTHS))
    n_outlets = draw(st.integers(2, 12))
    n_shoppers = draw(st.integers(2, 6))
    rng = random.Random(draw(st.integers(0, 2**32)))
    days = month.days()
    regions = ["R0", "R1", "R2"]
    outlets = [Outlet(f"O{i:02d}", rng.choice(("flagship", "level2", "agent", "village")),
                      OpeningHours.every_day("09:00-18:00"), region=rng.choice(regions),
                      visits_per_month=rng.choice((None, 1, 2)))
               for i in range(n_outlets)]
    shoppers = [Shopper(f"S{i}", rng.choice(regions),
                        regions=frozenset(rng.sample(regions, rng.randint(0, 2))),
                        weekdays=frozenset(), dates=frozenset(rng.sample(days, rng.randint(1, 3))),
                        max_per_day=1)
                for i in range(n_shoppers)]
    return CovertInputs(month, outlets, shoppers, seed=rng.randrange(2**32))
