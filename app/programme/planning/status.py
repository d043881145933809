"""A plan against what happened: planned, done, late and missed visits, counted only from
results that arrived.

A result matches a planned visit when it is for the same outlet, by the same person (the
shopper or the area manager), of the visit's kind (a covert visit needs a mystery-shop
result, a coaching visit an open-inspection one). Each result counts for one visit at most,
matched in three passes over each (outlet, person, kind):
1. on the planned day (local time): done ("in_window" when inside the planned window, else
   "on_day");
2. after the planned day: late, the earliest such visit first (catching up);
3. before the planned day but inside the plan's month: done ("early").
A visit with no result is missed once its day has passed, and planned until then (today is
still planned). The attention list puts missed coaching visits to the bottom outlets first,
then the other missed visits, then the late ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, tzinfo
from typing import Protocol

from app.programme.months import YearMonth
from app.programme.planning.model import (
    COACHING_KIND,
    ArrivedResult,
    PlanStatus,
    State,
    StatusCounts,
    Timing,
    VisitStatus,
)
from app.programme.planning.timing import CHINA, Window


class PlanItem(Protocol):
    """A planned visit as the status reads it (CovertVisit and CoachingVisit are)."""

    @property
    def id(self) -> str: ...
    @property
    def outlet(self) -> str: ...
    @property
    def person(self) -> str: ...
    @property
    def day(self) -> date: ...
    @property
    def window(self) -> Window | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def flagged(self) -> bool: ...


def plan_status(items: Sequence[PlanItem], results: Iterable[ArrivedResult], *,
                now: datetime, tz: tzinfo = CHINA, month: YearMonth | None = None,
                outlet_managers: Mapping[str, str] | None = None) -> PlanStatus:
    """Each visit's state, the counts per outlet, person and area manager, and what needs
    attention. `now` is aware; `month` (default: the month of the earliest visit) bounds
    the early matches; `outlet_managers` gives each outlet's area manager (coaching visits
    are counted under their own manager without it)."""
    today = now.astimezone(tz).date()
    if month is None and items:
        month = YearMonth.of(min(i.day for i in items))
    month_first = month.first_day if month is not None else date.min

    by_key: dict[tuple[str, str, str], list[tuple[date, time, ArrivedResult]]] = \
        defaultdict(list)
    for r in results:
        local = r.finalized_at.astimezone(tz)
        by_key[(r.outlet, r.inspector, r.kind)].append((local.date(), local.time(), r))
    groups: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        groups[(item.outlet, item.person, item.kind)].append(i)

    matched: dict[int, tuple[ArrivedResult, Timing]] = {}
    for key, members in groups.items():
        found = sorted(by_key.get(key, ()), key=lambda x: (x[2].finalized_at, x[2].uuid))
        used = [False] * len(found)
        members.sort(key=lambda i: (items[i].day, items[i].id))
        for i in members:  # 1. on the day
            item = items[i]
            for j, (day, clock, r) in enumerate(found):
                if not used[j] and day == item.day:
                    used[j] = True
                    w = item.window
                    inside = w is not None and w.start <= clock <= w.end
                    matched[i] = (r, "in_window" if inside else "on_day")
                    break
        for i in members:  # 2. late
            if i in matched:
                continue
            for j, (day, _clock, r) in enumerate(found):
                if not used[j] and day > items[i].day:
                    used[j] = True
                    matched[i] = (r, "late")
                    break
        for i in members:  # 3. early, within the month
            if i in matched:
                continue
            for j, (day, _clock, r) in enumerate(found):
                if not used[j] and month_first <= day < items[i].day:
                    used[j] = True
                    matched[i] = (r, "early")
                    break

    statuses: list[VisitStatus] = []
    for i, item in enumerate(items):
        state: State
        hit = matched.get(i)
        if hit is not None:
            state = "late" if hit[1] == "late" else "done"
            statuses.append(VisitStatus(item.id, item.outlet, item.person, item.day,
                                        item.kind, item.flagged, state, hit[1],
                                        hit[0].uuid or None, hit[0].finalized_at))
        else:
            state = "missed" if item.day < today else "planned"
            statuses.append(VisitStatus(item.id, item.outlet, item.person, item.day,
                                        item.kind, item.flagged, state))

    def manager_of(s: VisitStatus) -> str | None:
        if outlet_managers is not None:
            return outlet_managers.get(s.outlet)
        return s.person if s.kind == COACHING_KIND else None

    totals: dict[str, int] = defaultdict(int)
    by_outlet: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_person: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_manager: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for s in statuses:
        totals[s.state] += 1
        by_outlet[s.outlet][s.state] += 1
        by_person[s.person][s.state] += 1
        manager = manager_of(s)
        if manager is not None:
            by_manager[manager][s.state] += 1

    rank = {"missed": 1, "late": 2}
    attention = sorted((s for s in statuses if s.state in rank),
                       key=lambda s: (0 if s.state == "missed" and s.flagged
                                      else rank[s.state], s.day, s.outlet, s.visit_id))
    return PlanStatus(tuple(statuses), tuple(attention), _counts(totals),
                      _table(by_outlet), _table(by_person), _table(by_manager))


def _counts(c: Mapping[str, int]) -> StatusCounts:
    return StatusCounts(planned=c.get("planned", 0), done=c.get("done", 0),
                        late=c.get("late", 0), missed=c.get("missed", 0))


def _table(rows: Mapping[str, Mapping[str, int]]) -> dict[str, StatusCounts]:
    return {k: _counts(rows[k]) for k in sorted(rows)}


__all__ = ["PlanItem", "plan_status"]
