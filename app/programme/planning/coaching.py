"""The area managers' (片区经理) coaching visits (明查 / 走访指导) for a month, from the ranking
of the latest closed month.

The cadence (domain, "Visit planning"):
- the 10 lowest-ranked outlets of each business unit (营业部): twice a week. Outlets are
  ranked within their business unit (and province); the unit is where an area manager's
  outlets compete, so "the 10 lowest" is per business unit. An outlet is among them when
  fewer than 10 outlets of its unit rank strictly below it (ties at the boundary are all
  in: a tie cannot be broken fairly);
- A-class outlets (class A, from the monthly count of distinct customers): once a week;
- every other outlet (and an outlet not ranked that month): once every two weeks.
An outlet that qualifies for more than one gets the most frequent.

How the month's weeks count (timing.month_weeks): a Monday–Sunday week belongs to the month
holding its Thursday, so a month has as many weeks as Thursdays (4 or 5) and no week is
counted twice across two months; the month's days outside its own weeks join its first or
last week. So a month asks, per outlet: 2 × weeks visits (bottom), 1 × weeks (class A),
and one per fortnight (weeks 1–2, 3–4, 5) for the rest: 2 in a 4-week month, 3 in a 5-week
month. Each visit falls on a working day of its week (or fortnight): Monday to Friday, less
holidays, plus make-up working days, less the manager's own days off, and never more than
the manager's daily capacity. Twice-weekly visits go on two different days, at least two
days apart when the week allows it. What does not fit is listed as a shortfall with why.

Filling order when a manager's days are short: bottom outlets first (the worst-ranked
first), then class A, then the rest (by outlet code); the same inputs give the same plan.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from app.errors import UserError
from app.programme.planning.model import (
    CADENCE_KEYS,
    Cadence,
    CoachingInputs,
    CoachingOutlet,
    CoachingPlan,
    CoachingShortfall,
    CoachingTarget,
    CoachingVisit,
    Manager,
    Reason,
    Term,
)
from app.programme.planning.timing import fortnights, month_weeks, working_days

CLASSES = ("A", "B", "C")
PER_WEEK = {"bottom": 2, "class_a": 1}
_ORDER = {"bottom": 0, "class_a": 1, "fortnightly": 2}


def validate(inputs: CoachingInputs) -> None:
    if inputs.ranking_month >= inputs.month:
        raise UserError("planning.invalid.ranking_month", month=str(inputs.month),
                        ranking=str(inputs.ranking_month))
    if inputs.bottom_n < 0:
        raise UserError("planning.invalid.bottom_n", value=inputs.bottom_n)
    seen: set[str] = set()
    for o in inputs.outlets:
        if o.code in seen:
            raise UserError("planning.invalid.duplicate_outlet", outlet=o.code)
        seen.add(o.code)
        if o.unit_rank is not None and o.unit_rank < 1:
            raise UserError("planning.invalid.rank", outlet=o.code, value=o.unit_rank)
        if o.outlet_class is not None and o.outlet_class.upper() not in CLASSES:
            raise UserError("planning.invalid.outlet_class", outlet=o.code,
                            value=o.outlet_class)
    seen = set()
    for m in inputs.managers:
        if m.id in seen:
            raise UserError("planning.invalid.duplicate_manager", manager=m.id)
        seen.add(m.id)
        if m.max_per_day < 1:
            raise UserError("planning.invalid.manager_cap", manager=m.id, value=m.max_per_day)


def bottom_outlets(outlets: Sequence[CoachingOutlet], n: int = 10) -> dict[str, int]:
    """The lowest-ranked outlets of each business unit: code -> how many of its unit rank
    strictly below it (0 = the very last). Fewer than `n` below it: it is in."""
    by_unit: dict[str, list[int]] = defaultdict(list)
    for o in outlets:
        if o.unit_rank is not None:
            by_unit[o.business_unit].append(o.unit_rank)
    for ranks in by_unit.values():
        ranks.sort()
    out: dict[str, int] = {}
    for o in outlets:
        if o.unit_rank is None:
            continue
        ranks = by_unit[o.business_unit]
        below = sum(1 for r in ranks if r > o.unit_rank)
        if below < n:
            out[o.code] = below
    return out


def targets(inputs: CoachingInputs) -> list[CoachingTarget]:
    """What the rule asks for each outlet this month (the counts the plan must meet)."""
    weeks = len(month_weeks(inputs.month))
    pairs = math.ceil(weeks / 2)
    bottom = bottom_outlets(inputs.outlets, inputs.bottom_n)
    out: list[CoachingTarget] = []
    for o in sorted(inputs.outlets, key=lambda o: o.code):
        cadence: Cadence
        if o.code in bottom:
            cadence, required = "bottom", 2 * weeks
            reason = Reason("planning.cadence.reason.bottom",
                            {"rank": o.unit_rank or 0, "unit": o.business_unit or "—",
                             "n": inputs.bottom_n, "ranking": str(inputs.ranking_month),
                             "weeks": weeks, "required": required})
        elif (o.outlet_class or "").upper() == "A":
            cadence, required = "class_a", weeks
            reason = Reason("planning.cadence.reason.class_a",
                            {"weeks": weeks, "required": required})
        else:
            cadence, required = "fortnightly", pairs
            key = ("planning.cadence.reason.unranked" if o.unit_rank is None
                   else "planning.cadence.reason.fortnightly")
            reason = Reason(key, {"fortnights": pairs, "required": required,
                                  "ranking": str(inputs.ranking_month)})
        out.append(CoachingTarget(o.code, o.manager, cadence, required, reason))
    return out


@dataclass
class _Need:
    outlet: CoachingOutlet
    cadence: Cadence
    period: int
    count: int
    days: list[date]
    order: tuple[int, int, str, int]


def plan_coaching(inputs: CoachingInputs) -> CoachingPlan:
    """The month's coaching visits per area manager, and what does not fit."""
    validate(inputs)
    month = inputs.month
    note = None
    if inputs.ranking_month < month.previous():
        note = Reason("planning.coaching.ranking_not_closed",
                      {"wanted": str(month.previous()), "using": str(inputs.ranking_month)})
    weeks = month_weeks(month)
    pairs = fortnights(weeks)
    work = set(working_days(month.days(), inputs.holidays, inputs.workdays))
    managers: dict[str, Manager] = {m.id: m for m in inputs.managers}
    outlets = {o.code: o for o in inputs.outlets}
    goal = targets(inputs)
    bottom = bottom_outlets(inputs.outlets, inputs.bottom_n)

    needs: list[_Need] = []
    for target in goal:
        o = outlets[target.outlet]
        periods = pairs if target.cadence == "fortnightly" else weeks
        count = PER_WEEK.get(target.cadence, 1)
        worst_first = bottom.get(o.code, 0)
        for p, days in enumerate(periods, start=1):
            needs.append(_Need(o, target.cadence, p, count, list(days),
                               (_ORDER[target.cadence], worst_first, o.code, p)))
    needs.sort(key=lambda n: n.order)

    load: dict[tuple[str, date], int] = defaultdict(int)
    placed: list[tuple[CoachingOutlet, date, Cadence, int]] = []
    shortfall: list[CoachingShortfall] = []
    for need in needs:
        o = need.outlet
        manager = managers.get(o.manager)
        if manager is None:
            shortfall.append(CoachingShortfall(o.code, o.manager, need.period, need.count,
                                               Reason("planning.coaching.gap.no_manager",
                                                      {"manager": o.manager or "—"})))
            continue
        days = [d for d in need.days if d in work and d not in manager.unavailable]
        room = [d for d in days if load[(manager.id, d)] < manager.max_per_day]
        chosen = _choose(room, need.count, {d: load[(manager.id, d)] for d in room})
        for d in chosen:
            load[(manager.id, d)] += 1
            placed.append((o, d, need.cadence, need.period))
        missing = need.count - len(chosen)
        if missing:
            if not days:
                reason = Reason("planning.coaching.gap.no_working_day",
                                {"period": need.period, "manager": manager.id})
            elif len(days) < need.count:
                reason = Reason("planning.coaching.gap.too_few_days",
                                {"period": need.period, "days": len(days),
                                 "needed": need.count})
            else:
                reason = Reason("planning.coaching.gap.capacity",
                                {"period": need.period, "manager": manager.id,
                                 "cap": manager.max_per_day})
            shortfall.append(CoachingShortfall(o.code, manager.id, need.period, missing,
                                               reason))

    placed.sort(key=lambda x: (x[0].code, x[1]))
    visits: list[CoachingVisit] = []
    seq: dict[str, int] = defaultdict(int)
    for o, d, cadence, period in placed:
        seq[o.code] += 1
        key = ("planning.coaching.reason.fortnight" if cadence == "fortnightly"
               else "planning.coaching.reason.week")
        visits.append(CoachingVisit(
            id=f"{month}/{o.code}/K{seq[o.code]}", outlet=o.code, manager=o.manager, day=d,
            cadence=cadence, period=period,
            reasons=(Reason(key, {"cadence": Term(CADENCE_KEYS[cadence]),
                                  "period": period}),)))
    visits.sort(key=lambda v: (v.manager, v.day, v.outlet))
    cadence_of = {t.outlet: t.cadence for t in goal}
    shortfall.sort(key=lambda s: (_ORDER[cadence_of[s.outlet]], s.outlet, s.period))
    return CoachingPlan(month, inputs.ranking_month, note, tuple(goal), tuple(visits),
                        tuple(shortfall))


def _choose(room: list[date], count: int, load: Mapping[date, int]) -> list[date]:
    """`count` different days among `room`: the least loaded, and for two visits, two days
    at least two days apart when the period has them (Monday and Wednesday or Thursday
    rather than Monday and Tuesday)."""
    if count <= 0 or not room:
        return []
    if count == 1 or len(room) == 1:
        return [min(room, key=lambda d: (load[d], d))]
    best: tuple[tuple[int, int, int, date], list[date]] | None = None
    for i, a in enumerate(room):
        for b in room[i + 1:]:
            gap = (b - a).days
            key = (int(gap < 2), load[a] + load[b], abs(gap - 3), a)
            if best is None or key < best[0]:
                best = (key, [a, b])
    assert best is not None
    chosen = best[1]
    if count > 2:  # not asked by the rule today; fill the rest by load
        rest = sorted((d for d in room if d not in chosen), key=lambda d: (load[d], d))
        chosen += rest[:count - 2]
    return sorted(chosen)


__all__ = ["bottom_outlets", "plan_coaching", "targets", "validate"]
