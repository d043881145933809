"""The month's covert-visit (暗访) plan: which shopper shops which outlet, on which day, in
which window, and why; and what could not be covered, and why.

A seeded greedy planner with one repair step (see `plan_covert`). The hard rules hold for
every visit it proposes, whatever the inputs:
- never the same shopper at the same outlet within three months (app.programme.rotation),
  counting every known visit from every device, visits planned in other plans, and this
  plan's own visits;
- never a shopper at an outlet on their exclusion list, nor outside the regions they cover;
- only on a day the shopper is available, never more than their daily cap;
- only on a day the outlet is open, in a window wholly inside its opening hours.
What the rules leave unfilled goes to the shortfall with the count of shoppers each rule
ruled out; nothing is silently dropped. A manager's move is checked against the same rules
(`check_move`), and `violations` re-checks a whole plan from scratch (tests, and the server
when it loads a stored plan).

Unpredictable timing: the day and the time-of-day band are drawn from `random.Random(seed)`,
avoiding the weekdays and bands of the outlet's recent visits (its last few known visits
and this plan's) and keeping an outlet's visits in the month apart; when no day or band
allows it the visit says so. Inputs are sorted first, so the same seed and inputs give the
same plan whatever order they come in.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timezone, tzinfo

from app.errors import UserError
from app.programme import rotation
from app.programme.months import YearMonth
from app.programme.planning.model import (
    AGENT_TIERS,
    CITY_CLASSES,
    HALL_TIERS,
    MAX_VISITS_PER_MONTH,
    PRIORITY_KEYS,
    CovertInputs,
    CovertPlan,
    CovertRules,
    CovertShortfall,
    CovertVisit,
    KnownVisit,
    NotDue,
    Outlet,
    Param,
    PlanStats,
    Reason,
    Shopper,
    Term,
    hours_text,
)
from app.programme.planning.timing import (
    BAND_KEYS,
    DAY,
    WEEKDAY_KEYS,
    OpeningHours,
    Window,
    at,
    band_of,
    midnight,
    window_options,
)

WINDOW = rotation.WINDOW
REPAIR_BUDGET = 400  # visits looked at to make room for one unfilled visit
_CITY_RANK = {c: i for i, c in enumerate(CITY_CLASSES)}


# -- the rotation rule for visits that last a while ----------------------------------------


def too_close(first_end: datetime, second_start: datetime) -> bool:
    """A visit starting at `second_start` repeats one that ended at `first_end`."""
    return rotation.blocking_visit((first_end,), second_start) is not None


def clash(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Two visits of one shopper to one outlet, each happening some time in its interval,
    break the rotation rule for some choice of times: they are less than three months apart
    in the worst case (or overlap). The rule itself is app.programme.rotation's."""
    if a_end <= b_start:
        return too_close(a_end, b_start)
    if b_end <= a_start:
        return too_close(b_end, a_start)
    return True


# -- outlets: priority and how many visits --------------------------------------------------


def family_of(outlet: Outlet) -> str:
    if outlet.family is not None:
        return outlet.family
    return "hall" if outlet.tier in HALL_TIERS else "agent"


def priority_class(outlet: Outlet) -> int:
    """The outlet's priority class (model.PRIORITY_KEYS; 0 first)."""
    if outlet.priority is not None:
        return outlet.priority
    if family_of(outlet) == "hall":
        if outlet.tier == "flagship":
            return 0
        return {"central": 1, "county": 2}.get(outlet.city_class or "", 3)
    return 5 if outlet.tier == "village" else 4


def is_important(outlet: Outlet, rules: CovertRules) -> bool:
    """Important for the coverage figures: marked important or high-traffic, or wanted more
    than once a month."""
    return outlet.important or outlet.high_traffic or monthly_visits(outlet, rules) > 1


def monthly_visits(outlet: Outlet, rules: CovertRules) -> int:
    """Visits wanted in a month the outlet is due: its own setting, else the rules' (the
    default, or the important-outlet number for important or high-traffic outlets)."""
    if outlet.visits_per_month is not None:
        return outlet.visits_per_month
    if outlet.important or outlet.high_traffic:
        return rules.important_visits
    return rules.default_visits


# -- checking the inputs -------------------------------------------------------------------


def validate(inputs: CovertInputs) -> None:
    """Refuse inputs the planner cannot honour, with what to fix (nothing is planned)."""
    rules = inputs.rules
    for name, value in (("default_visits", rules.default_visits),
                        ("important_visits", rules.important_visits)):
        if not 0 <= value <= MAX_VISITS_PER_MONTH:
            raise UserError("planning.invalid.rule_visits", rule=name, value=value,
                            max=MAX_VISITS_PER_MONTH)
    if not 15 <= rules.window_minutes <= 12 * 60 or not 5 <= rules.step_minutes <= 120:
        raise UserError("planning.invalid.window_rule", minutes=rules.window_minutes,
                        step=rules.step_minutes)
    if inputs.tz.utcoffset(datetime(2000, 1, 1)) is None:
        raise UserError("planning.invalid.tz")
    seen: set[str] = set()
    for o in inputs.outlets:
        if o.code in seen:
            raise UserError("planning.invalid.duplicate_outlet", outlet=o.code)
        seen.add(o.code)
        if o.family is None and o.tier not in HALL_TIERS and o.tier not in AGENT_TIERS:
            raise UserError("planning.invalid.tier", outlet=o.code, tier=o.tier)
        if o.city_class is not None and o.city_class not in CITY_CLASSES:
            raise UserError("planning.invalid.city_class", outlet=o.code, value=o.city_class)
        if o.priority is not None and not 0 <= o.priority < len(PRIORITY_KEYS):
            raise UserError("planning.invalid.priority", outlet=o.code, value=o.priority,
                            max=len(PRIORITY_KEYS) - 1)
        if o.visits_per_month is not None and not 0 <= o.visits_per_month <= \
                MAX_VISITS_PER_MONTH:
            raise UserError("planning.invalid.visits", outlet=o.code,
                            value=o.visits_per_month, max=MAX_VISITS_PER_MONTH)
        if not 1 <= o.every_months <= 12:
            raise UserError("planning.invalid.every_months", outlet=o.code,
                            value=o.every_months)
    seen = set()
    for s in inputs.shoppers:
        if s.id in seen:
            raise UserError("planning.invalid.duplicate_shopper", shopper=s.id)
        seen.add(s.id)
        if s.max_per_day < 1:
            raise UserError("planning.invalid.cap", shopper=s.id, value=s.max_per_day)
        bad = sorted(d for d in s.weekdays if not 0 <= d <= 6)
        if bad:
            raise UserError("planning.invalid.weekday", value=bad[0])
    for k in inputs.history:
        if k.at.tzinfo is None or (k.until is not None and k.until.tzinfo is None):
            raise UserError("planning.invalid.naive_time", shopper=k.shopper, outlet=k.outlet)
        if k.until is not None and k.until < k.at:
            raise UserError("planning.invalid.known_window", shopper=k.shopper,
                            outlet=k.outlet)


# -- the planner -----------------------------------------------------------------------------


@dataclass
class _Slot:
    """One visit an outlet is due, in the order the planner fills them."""

    oi: int
    round: int  # 0 = the outlet's first visit this month
    order: tuple[int, int, int, int, float]


@dataclass
class _Chosen:
    oi: int
    si: int
    day: int
    window: Window
    feasible: int  # shoppers who could have gone
    load: int  # the chosen shopper's visits this month before this one
    weekday_repeat: bool
    band_repeat: bool
    spacing_short: bool
    moved_from: str | None = None  # reassigned from this shopper to make room (repair)
    made_room: str | None = None  # this visit was planned by moving the visit of this outlet


class _Planner:
    def __init__(self, inputs: CovertInputs) -> None:
        self.inputs = inputs
        self.rules = inputs.rules
        self.tz = inputs.tz
        self.month = inputs.month
        self.outlets = sorted(inputs.outlets, key=lambda o: o.code)
        self.shoppers = sorted(inputs.shoppers, key=lambda s: s.id)
        self.rng = random.Random(inputs.seed)
        self.days = self.month.days()
        self.n = len(self.days)
        self.full = (1 << self.n) - 1
        self.weekday = [d.weekday() for d in self.days]
        self.no = len(self.outlets)
        self.o_index = {o.code: i for i, o in enumerate(self.outlets)}
        s_index = {s.id: i for i, s in enumerate(self.shoppers)}
        self.s_index = s_index
        self.pairs = 0
        self.repaired = 0

        # shoppers: the days they can go (then the days they still have room), caps, pools
        self.avail = [self._mask(s.available) for s in self.shoppers]
        self.free = list(self.avail)
        self.cap = [s.max_per_day for s in self.shoppers]
        self.load = [0] * len(self.shoppers)
        self.day_load = [[0] * self.n for _ in self.shoppers]
        self.day_visits: list[list[list[int]]] = [[[] for _ in range(self.n)]
                                                  for _ in self.shoppers]
        ranks = list(range(len(self.shoppers)))
        self.rng.shuffle(ranks)
        self.rank = ranks  # ties between equally loaded shoppers: the seed's order
        pools: dict[str, list[int]] = defaultdict(list)
        for si, s in enumerate(self.shoppers):
            for region in sorted({s.home_region} | s.regions):
                pools[region].append(si)
        self.pools = dict(pools)
        self.excluded = [s.excluded for s in self.shoppers]

        # outlets: open days
        open_cache: dict[object, int] = {}
        self.open: list[int] = []
        for o in self.outlets:
            closed = frozenset(d for d in o.closed_dates if d.month == self.month.month
                               and d.year == self.month.year)
            key = (o.hours, closed)
            mask = open_cache.get(key)
            if mask is None:
                hours = o.hours

                def is_open(d: date, hours: OpeningHours = hours,
                            closed: frozenset[date] = closed) -> bool:
                    return bool(hours.on(d.weekday())) and d not in closed

                mask = self._mask(is_open)
                open_cache[key] = mask
            self.open.append(mask)

        # history: the allowed days of every (shopper, outlet) pair it touches, the
        # outlets' recent weekdays and bands, visits already known this month
        self.spans: dict[int, int] = {}
        self.recent_wd = [0] * self.no
        self.recent_band = [0] * self.no
        self.known_in_month = [0] * self.no
        self.last_month_index = [-1] * self.no
        self._read_history(inputs.history, s_index)

        self.plan_days: list[list[int]] = [[] for _ in self.outlets]
        self.chosen: list[_Chosen] = []

    def _mask(self, keep: Callable[[date], bool]) -> int:
        mask = 0
        for i, d in enumerate(self.days):
            if keep(d):
                mask |= 1 << i
        return mask

    def _read_history(self, history: Iterable[KnownVisit], s_index: Mapping[str, int]) -> None:
        tz, first, n, no = self.tz, self.days[0], self.n, self.no
        start = midnight(first, tz)
        end = midnight(self.days[-1], tz) + DAY
        before: dict[int, list[datetime]] = defaultdict(list)
        o_index = self.o_index
        spans = self.spans
        full = self.full
        # a fixed offset (the programme's China time) has no daylight saving: a day's index
        # is plain arithmetic on POSIX seconds, ~100,000 known visits without conversions
        fixed = isinstance(tz, timezone)
        start_s, window_s = start.timestamp(), WINDOW.total_seconds()
        for k in history:
            oi = o_index.get(k.outlet)
            if oi is None:
                continue
            when = k.at
            finish = k.until if k.until is not None else when
            if when < start:
                before[oi].append(when)
            elif when < end:
                self.known_in_month[oi] += 1
                local = when.astimezone(tz)
                self.recent_wd[oi] |= 1 << local.weekday()
                self.recent_band[oi] |= 1 << band_of(local.time())
            if finish + WINDOW <= start or when - WINDOW >= end:
                continue  # too far from the month to block any day of it
            si = s_index.get(k.shopper)
            if si is None:
                continue
            # the days whose [midnight, next midnight) comes within three months of the
            # visit: the first day ending after `when - WINDOW`, the last starting before
            # `finish + WINDOW`
            if fixed:  # local days are 86,400 s each from the month's first midnight
                lo = max(0, math.floor((when.timestamp() - window_s - start_s) / 86400))
                hi = min(n - 1,
                         math.ceil((finish.timestamp() + window_s - start_s) / 86400) - 1)
            else:
                x = (when - WINDOW).astimezone(tz)
                lo = max(0, (x.date() - first).days)
                y = (finish + WINDOW).astimezone(tz)
                yd = y.date()
                if y.timetz().replace(tzinfo=None) == time(0):
                    yd -= DAY
                hi = min(n - 1, (yd - first).days)
            if lo <= hi:
                block = ((1 << (hi + 1)) - 1) ^ ((1 << lo) - 1)
                key = si * no + oi
                spans[key] = spans.get(key, full) & ~block
        for oi, times in before.items():
            times.sort()
            self.last_month_index[oi] = YearMonth.of(times[-1].astimezone(tz).date()).index
            for when in times[-self.rules.recent_visits:] if self.rules.recent_visits else ():
                local = when.astimezone(tz)
                self.recent_wd[oi] |= 1 << local.weekday()
                self.recent_band[oi] |= 1 << band_of(local.time())

    # -- demand ---------------------------------------------------------------------------

    def slots(self) -> tuple[list[_Slot], list[NotDue], list[int]]:
        """The visits due, in planning order; the outlets with none and why; the number
        wanted per outlet."""
        slots: list[_Slot] = []
        not_due: list[NotDue] = []
        wanted = [0] * self.no
        month_index = self.month.index
        for oi, o in enumerate(self.outlets):
            draw = self.rng.random()
            base = monthly_visits(o, self.rules)
            last = self.last_month_index[oi]
            if base == 0:
                not_due.append(NotDue(o.code, Reason("planning.not_due.none")))
                continue
            if o.every_months > 1 and last >= 0 and month_index - last < o.every_months:
                not_due.append(NotDue(o.code, Reason(
                    "planning.not_due.frequency",
                    {"every": o.every_months, "last": str(_month_of_index(last))})))
                continue
            known = self.known_in_month[oi]
            count = max(0, base - known)
            if count == 0:
                not_due.append(NotDue(o.code, Reason("planning.not_due.known",
                                                     {"known": known, "wanted": base})))
                continue
            wanted[oi] = count
            cls = priority_class(o)
            city = _CITY_RANK.get(o.city_class or "", len(CITY_CLASSES))
            for r in range(count):
                slots.append(_Slot(oi, r, (cls, r, int(o.competitor), city, draw)))
        slots.sort(key=lambda s: (s.order, s.oi))
        return slots, not_due, wanted

    # -- filling one visit ----------------------------------------------------------------

    def fill(self, slot: _Slot, wanted: int) -> bool:
        oi = slot.oi
        o = self.outlets[oi]
        base = self.open[oi]
        if not base:
            return False
        pool = self.pools.get(o.region, ())
        self.pairs += len(pool)
        spans, free, excluded, no, code = self.spans, self.free, self.excluded, self.no, o.code
        feasible: list[tuple[int, int]] = []
        union = 0
        for si in pool:
            m = base & free[si]
            if not m:
                continue
            sp = spans.get(si * no + oi)
            if sp is not None:
                m &= sp
                if not m:
                    continue
            if code in excluded[si]:
                continue
            feasible.append((si, m))
            union |= m
        if not union:
            return False
        day, weekday_repeat, spacing_short = self._pick_day(oi, union, wanted)
        bit = 1 << day
        load, rank = self.load, self.rank
        si = min((s for s, m in feasible if m & bit), key=lambda s: (load[s], rank[s]))
        self._assign(oi, si, day, len(feasible), weekday_repeat, spacing_short)
        return True

    def _pick_day(self, oi: int, union: int, wanted: int) -> tuple[int, bool, bool]:
        """The day: drawn from the seed among the days someone can go. In order of
        precedence: never the day of another visit of the outlet this month, then a
        weekday none of its recent visits fell on, then a day at least `gap` days from its
        other visits this month; the draw decides among what is left (scores: same day
        +12, recent weekday +5, too close +2, the draw < 1)."""
        rng_random = self.rng.random
        wd_mask = self.recent_wd[oi]
        planned = self.plan_days[oi]
        gap = max(2, self.n // (2 * max(1, wanted)))
        weekday = self.weekday
        best, best_score = -1, 99.0
        u = union
        while u:
            low = u & -u
            d = low.bit_length() - 1
            u ^= low
            score = rng_random()
            if (wd_mask >> weekday[d]) & 1:
                score += 5.0
            for p in planned:
                if p == d:
                    score += 12.0
                    break
                if abs(p - d) < gap:
                    score += 2.0
                    break
            if score < best_score:
                best, best_score = d, score
        weekday_repeat = bool((wd_mask >> weekday[best]) & 1)
        spacing_short = any(abs(p - best) < gap for p in planned)
        return best, weekday_repeat, spacing_short

    def _pick_window(self, oi: int, day: int) -> tuple[Window, bool]:
        o = self.outlets[oi]
        options = window_options(o.hours.on(self.weekday[day]), self.rules.window_minutes,
                                 self.rules.step_minutes)
        bands = [b for b in range(len(options)) if options[b]]
        used = self.recent_band[oi]
        fresh = [b for b in bands if not (used >> b) & 1]
        band = (fresh or bands)[self.rng.randrange(len(fresh or bands))]
        windows = options[band]
        return windows[self.rng.randrange(len(windows))], not fresh

    def _assign(self, oi: int, si: int, day: int, feasible: int, weekday_repeat: bool,
                spacing_short: bool, made_room: str | None = None) -> None:
        window, band_repeat = self._pick_window(oi, day)
        self.chosen.append(_Chosen(oi, si, day, window, feasible, self.load[si],
                                   weekday_repeat, band_repeat, spacing_short,
                                   made_room=made_room))
        self._take(si, day, len(self.chosen) - 1)
        self.spans[si * self.no + oi] = 0  # this visit blocks the pair for the whole month
        self.plan_days[oi].append(day)
        self.recent_wd[oi] |= 1 << self.weekday[day]
        self.recent_band[oi] |= 1 << window.band

    def _take(self, si: int, day: int, ci: int) -> None:
        self.load[si] += 1
        self.day_load[si][day] += 1
        self.day_visits[si][day].append(ci)
        if self.day_load[si][day] >= self.cap[si]:
            self.free[si] &= ~(1 << day)

    def _give_back(self, si: int, day: int, ci: int) -> None:
        self.load[si] -= 1
        self.day_load[si][day] -= 1
        self.day_visits[si][day].remove(ci)
        self.free[si] |= 1 << day

    # -- repair: make room by handing a visit on that day to another shopper ---------------

    def repair(self, slot: _Slot, wanted: int) -> bool:
        """An unfilled visit whose shoppers are only full: hand one of a full shopper's
        visits that day to another shopper who may make it (same day, same window, every
        rule checked), then give the freed place to this visit."""
        oi = slot.oi
        o = self.outlets[oi]
        base = self.open[oi]
        pool = self.pools.get(o.region, ())
        region_free: dict[str, int] = {}
        budget = REPAIR_BUDGET
        for si in pool:
            if o.code in self.excluded[si]:
                continue
            sp = self.spans.get(si * self.no + oi, self.full)
            full_days = base & self.avail[si] & sp & ~self.free[si]
            while full_days:
                low = full_days & -full_days
                day = low.bit_length() - 1
                full_days ^= low
                for ci in list(self.day_visits[si][day]):
                    budget -= 1
                    if budget < 0:
                        return False
                    c = self.chosen[ci]
                    other = self.outlets[c.oi]
                    room = region_free.get(other.region)
                    if room is None:
                        room = 0
                        for s3 in self.pools.get(other.region, ()):
                            room |= self.free[s3]
                        region_free[other.region] = room
                    if not room & low:
                        continue
                    s2 = self._substitute(c, si, day)
                    if s2 is None:
                        continue
                    self._reassign(ci, si, s2)
                    day_repeat = bool((self.recent_wd[oi] >> self.weekday[day]) & 1)
                    gap = max(2, self.n // (2 * max(1, wanted)))
                    short = any(abs(p - day) < gap for p in self.plan_days[oi])
                    self._assign(oi, si, day, 1, day_repeat, short,
                                 made_room=self.outlets[c.oi].code)
                    self.repaired += 1
                    return True
        return False

    def _substitute(self, c: _Chosen, si: int, day: int) -> int | None:
        """Another shopper who may make visit `c` on its day in its window."""
        other = self.outlets[c.oi]
        bit = 1 << day
        best: int | None = None
        for s2 in self.pools.get(other.region, ()):
            if s2 == si or not self.free[s2] & bit or other.code in self.excluded[s2]:
                continue
            if not self.spans.get(s2 * self.no + c.oi, self.full) & bit:
                continue
            if best is None or (self.load[s2], self.rank[s2]) < (self.load[best],
                                                                   self.rank[best]):
                best = s2
        return best

    def _reassign(self, ci: int, si: int, s2: int) -> None:
        c = self.chosen[ci]
        self._give_back(si, c.day, ci)
        # the pair (si, outlet) is free again for this month only if nothing else blocks
        # it: recompute from the history-derived span (kept blocked: simpler and safe)
        self._take(s2, c.day, ci)
        self.spans[s2 * self.no + c.oi] = 0
        self.chosen[ci] = replace(c, si=s2, moved_from=self.shoppers[si].id,
                                  load=self.load[s2] - 1)

    # -- why an outlet stays short --------------------------------------------------------

    def gap_reasons(self, oi: int, wanted: int, missing: int) -> tuple[Reason, ...]:
        o = self.outlets[oi]
        cls = priority_class(o)
        reasons = [Reason("planning.gap.summary",
                          {"missing": missing, "wanted": wanted,
                           "class": Term(PRIORITY_KEYS[cls])})]
        base = self.open[oi]
        pool = self.pools.get(o.region, ())
        if not base:
            reasons.append(Reason("planning.gap.closed", {"month": str(self.month)}))
            return tuple(reasons)
        if not pool:
            reasons.append(Reason("planning.gap.no_shopper_in_region",
                                  {"region": o.region or "—"}))
            return tuple(reasons)
        counts = {"excluded": 0, "rotation": 0, "availability": 0, "caps": 0, "other": 0}
        for si in pool:
            sp = self.spans.get(si * self.no + oi, self.full)
            if o.code in self.excluded[si]:
                counts["excluded"] += 1
            elif not sp & base:
                counts["rotation"] += 1
            elif not sp & base & self.avail[si]:
                counts["availability"] += 1
            elif not sp & base & self.free[si]:
                counts["caps"] += 1
            else:
                counts["other"] += 1
        keys = {"excluded": "planning.gap.excluded", "rotation": "planning.gap.rotation",
                "availability": "planning.gap.availability", "caps": "planning.gap.caps",
                "other": "planning.gap.other"}
        reasons.append(Reason("planning.gap.pool", {"count": len(pool),
                                                    "region": o.region or "—"}))
        for cause, count in counts.items():
            if count:
                reasons.append(Reason(keys[cause], {"count": count}))
        return tuple(reasons)


def _month_of_index(index: int) -> YearMonth:
    return YearMonth(index // 12, index % 12 + 1)


def plan_covert(inputs: CovertInputs) -> CovertPlan:
    """Propose the month's covert visits.

    1. Demand: each outlet due this month gets its visits (monthly_visits, less those
       already known this month; outlets visited every N months are due N months after
       their last known visit).
    2. Order: by priority class, then round (every first visit of a class before second
       visits), own before competitors', city class, then the seed's draw.
    3. Greedy: for each visit, the shoppers of the outlet's region who are not excluded,
       whose rotation allows a day of the month, who are available and have room that day;
       the day is drawn (recent weekdays and days near the outlet's other visits avoided),
       the least-loaded shopper that day goes, and the window is drawn inside the opening
       hours in a band the outlet has not seen recently.
    4. Repair: a visit left unfilled because its shoppers are full takes the place of a
       visit handed to another shopper the same day (all rules checked again).
    5. Shortfall: every visit still unfilled, per outlet, with the count of shoppers each
       rule ruled out.
    """
    validate(inputs)
    p = _Planner(inputs)
    slots, not_due, wanted = p.slots()
    unfilled = [s for s in slots if not p.fill(s, wanted[s.oi])]
    still = [s for s in unfilled if not p.repair(s, wanted[s.oi])]
    return _finish(p, still, not_due, wanted)


def _finish(p: _Planner, still: Sequence[_Slot], not_due: list[NotDue],
            wanted: list[int]) -> CovertPlan:
    month = p.month
    missing = [0] * p.no
    for s in still:
        missing[s.oi] += 1
    order = sorted(range(len(p.chosen)),
                   key=lambda i: (p.chosen[i].oi, p.chosen[i].day, p.chosen[i].window))
    visits: list[CovertVisit] = []
    seq: dict[int, int] = defaultdict(int)
    for ci in order:
        c = p.chosen[ci]
        o = p.outlets[c.oi]
        seq[c.oi] += 1
        visits.append(CovertVisit(
            id=f"{month}/{o.code}/{seq[c.oi]}", outlet=o.code, shopper=p.shoppers[c.si].id,
            day=p.days[c.day], window=c.window, priority=priority_class(o),
            reasons=_visit_reasons(p, c, wanted[c.oi], seq[c.oi])))
    visits.sort(key=lambda v: (v.day, v.window, v.outlet))
    shortfall = tuple(
        CovertShortfall(o.code, wanted[oi], missing[oi], priority_class(o),
                        p.gap_reasons(oi, wanted[oi], missing[oi]))
        for oi, o in sorted(enumerate(p.outlets),
                            key=lambda x: (priority_class(x[1]), x[1].code))
        if missing[oi])
    classes = len(PRIORITY_KEYS)
    per_wanted, per_planned = [0] * classes, [0] * classes
    important_due = important_covered = outlets_due = outlets_covered = 0
    for oi, o in enumerate(p.outlets):
        if not wanted[oi]:
            continue
        cls = priority_class(o)
        per_wanted[cls] += wanted[oi]
        per_planned[cls] += wanted[oi] - missing[oi]
        outlets_due += 1
        outlets_covered += not missing[oi]
        if is_important(o, p.rules):
            important_due += 1
            important_covered += not missing[oi]
    stats = PlanStats(
        wanted=sum(wanted), planned=len(visits), outlets_due=outlets_due,
        outlets_covered=outlets_covered, important_due=important_due,
        important_covered=important_covered,
        by_priority=tuple(zip(per_wanted, per_planned, strict=True)),
        pairs_considered=p.pairs, repaired=p.repaired)
    return CovertPlan(month, p.inputs.seed, tuple(visits), shortfall,
                      tuple(sorted(not_due, key=lambda n: n.outlet)), stats)


def _visit_reasons(p: _Planner, c: _Chosen, wanted: int, number: int) -> tuple[Reason, ...]:
    o = p.outlets[c.oi]
    shopper = p.shoppers[c.si].id
    day = p.days[c.day]
    weekday = Term(WEEKDAY_KEYS[day.weekday()])
    band = Term(BAND_KEYS[c.window.band])
    reasons = [Reason("planning.reason.priority",
                      {"class": Term(PRIORITY_KEYS[priority_class(o)]), "number": number,
                       "wanted": wanted})]
    if c.made_room is not None:
        reasons.append(Reason("planning.reason.made_room",
                              {"shopper": shopper, "outlet": c.made_room}))
    elif c.moved_from is not None:
        reasons.append(Reason("planning.reason.reassigned",
                              {"shopper": shopper, "previous": c.moved_from}))
    else:
        reasons.append(Reason("planning.reason.shopper",
                              {"shopper": shopper, "feasible": c.feasible, "load": c.load}))
    reasons.append(Reason("planning.reason.weekday_repeat" if c.weekday_repeat
                          else "planning.reason.weekday_fresh", {"weekday": weekday}))
    reasons.append(Reason("planning.reason.band_repeat" if c.band_repeat
                          else "planning.reason.band_fresh", {"band": band}))
    if c.spacing_short:
        reasons.append(Reason("planning.reason.spacing_short", {}))
    return tuple(reasons)


# -- checking visits against the hard rules (moves, and whole plans) -----------------------


class HistoryIndex:
    """Known visits by (shopper, outlet), built once for many checks (a manager's moves)."""

    def __init__(self, history: Iterable[KnownVisit]) -> None:
        by_pair: dict[tuple[str, str], list[KnownVisit]] = defaultdict(list)
        for k in history:
            by_pair[(k.shopper, k.outlet)].append(k)
        self._by_pair = dict(by_pair)

    def of(self, shopper: str, outlet: str) -> Sequence[KnownVisit]:
        return self._by_pair.get((shopper, outlet), ())


def _span(v: CovertVisit, tz: tzinfo) -> tuple[datetime, datetime]:
    return at(v.day, v.window.start, tz), at(v.day, v.window.end, tz)


def refusal(visit: CovertVisit, others: Sequence[CovertVisit], inputs: CovertInputs,
            index: HistoryIndex | None = None) -> Reason | None:
    """Why `visit` may not stand beside `others` (the rest of its plan), or None: the
    planner's hard rules, checked on their own."""
    outlet = next((o for o in inputs.outlets if o.code == visit.outlet), None)
    shopper = next((s for s in inputs.shoppers if s.id == visit.shopper), None)
    return _refusal(visit, others, inputs, index or HistoryIndex(inputs.history), outlet,
                    shopper)


def _refusal(visit: CovertVisit, others: Sequence[CovertVisit], inputs: CovertInputs,
             index: HistoryIndex, outlet: Outlet | None, shopper: Shopper | None
             ) -> Reason | None:
    tz = inputs.tz
    params: dict[str, Param] = {"shopper": visit.shopper, "outlet": visit.outlet,
                                "day": visit.day.isoformat(), "window": str(visit.window)}
    if outlet is None:
        return Reason("planning.refuse.unknown_outlet", params)
    if shopper is None:
        return Reason("planning.refuse.unknown_shopper", params)
    if YearMonth.of(visit.day) != inputs.month:
        return Reason("planning.refuse.outside_month", {**params, "month": str(inputs.month)})
    if not shopper.covers(outlet.region):
        return Reason("planning.refuse.region", {**params, "region": outlet.region or "—"})
    if visit.outlet in shopper.excluded:
        return Reason("planning.refuse.excluded", params)
    if not shopper.available(visit.day):
        return Reason("planning.refuse.unavailable", params)
    weekday = visit.day.weekday()
    if visit.day in outlet.closed_dates or not outlet.hours.on(weekday):
        return Reason("planning.refuse.closed", params)
    if not visit.window.start < visit.window.end or not outlet.hours.holds(weekday,
                                                                          visit.window):
        return Reason("planning.refuse.outside_hours",
                      {**params, "hours": hours_text(outlet.hours, weekday)})
    same_day = sum(1 for v in others if v.shopper == visit.shopper and v.day == visit.day)
    if same_day + 1 > shopper.max_per_day:
        return Reason("planning.refuse.cap", {**params, "cap": shopper.max_per_day})
    start, end = _span(visit, tz)
    for v in others:
        if v.shopper == visit.shopper and v.outlet == visit.outlet:
            o_start, o_end = _span(v, tz)
            if clash(start, end, o_start, o_end):
                return Reason("planning.refuse.rotation_plan",
                              {**params, "other": v.day.isoformat()})
    for k in index.of(visit.shopper, visit.outlet):
        if clash(start, end, k.at, k.end):
            local = k.at.astimezone(tz).date()
            if k.at <= start:
                return Reason("planning.refuse.rotation",
                              {**params, "last": local.isoformat(),
                               "next": rotation.next_allowed(k.end).astimezone(tz)
                               .date().isoformat(), "source": k.source or "—"})
            return Reason("planning.refuse.rotation_later",
                          {**params, "later": local.isoformat(), "source": k.source or "—"})
    return None


def check_move(plan: CovertPlan, visit_id: str, inputs: CovertInputs, *,
               shopper: str | None = None, day: date | None = None,
               window: Window | None = None, index: HistoryIndex | None = None
               ) -> Reason | None:
    """A manager moves or reassigns one visit: None when the rules allow it, else the
    refusal (a key and params, e.g. planning.refuse.rotation with the last visit and the
    first allowed day). The window stays as it was unless a new one is given."""
    old = plan.visit(visit_id)
    if old is None:
        return Reason("planning.refuse.unknown_visit", {"visit": visit_id})
    new = _moved(old, shopper, day, window)
    others = [v for v in plan.visits if v.id != visit_id]
    return refusal(new, others, inputs, index)


def move(plan: CovertPlan, visit_id: str, inputs: CovertInputs, *,
         shopper: str | None = None, day: date | None = None, window: Window | None = None,
         by: str = "", index: HistoryIndex | None = None) -> CovertPlan:
    """The plan with one visit moved, or a UserError with the refusal (nothing changed)."""
    reason = check_move(plan, visit_id, inputs, shopper=shopper, day=day, window=window,
                        index=index)
    if reason is not None:
        raise UserError(reason.key, **reason.params)
    old = plan.visit(visit_id)
    assert old is not None
    new = _moved(old, shopper, day, window)
    moved = Reason("planning.reason.moved",
                   {"by": by or "—", "shopper": old.shopper, "day": old.day.isoformat(),
                    "window": str(old.window)})
    new = replace(new, reasons=(*old.reasons[:1], moved))
    visits = tuple(sorted((new if v.id == visit_id else v for v in plan.visits),
                          key=lambda v: (v.day, v.window, v.outlet)))
    return replace(plan, visits=visits)


def _moved(old: CovertVisit, shopper: str | None, day: date | None,
           window: Window | None) -> CovertVisit:
    return replace(old, shopper=shopper if shopper is not None else old.shopper,
                   day=day if day is not None else old.day,
                   window=window if window is not None else old.window)


def violations(plan: CovertPlan, inputs: CovertInputs) -> list[Reason]:
    """Every hard rule a plan breaks (empty for a good plan), checked from scratch: the
    tests' and the server's independent check of what the planner (or a person) made."""
    wanted_pairs = {(v.shopper, v.outlet) for v in plan.visits}
    index = HistoryIndex(k for k in inputs.history if (k.shopper, k.outlet) in wanted_pairs)
    outlets = {o.code: o for o in inputs.outlets}
    shoppers = {s.id: s for s in inputs.shoppers}
    by_pair: dict[tuple[str, str], list[CovertVisit]] = defaultdict(list)
    by_day: dict[tuple[str, date], list[CovertVisit]] = defaultdict(list)
    for v in plan.visits:
        by_pair[(v.shopper, v.outlet)].append(v)
        by_day[(v.shopper, v.day)].append(v)
    found: list[Reason] = []
    for v in plan.visits:
        # only the visits that share a rule with v matter: same pair or same shopper-day
        near = {x.id: x for x in (*by_pair[(v.shopper, v.outlet)],
                                  *by_day[(v.shopper, v.day)]) if x.id != v.id}
        others = list(near.values())
        reason = _refusal(v, others, inputs, index, outlets.get(v.outlet),
                          shoppers.get(v.shopper))
        if reason is not None:
            found.append(Reason(reason.key, {**reason.params, "visit": v.id}))
    return found


def inputs_digest(inputs: CovertInputs) -> str:
    """A fingerprint of the inputs, blind to their order (and to the time zone a known
    visit's time is written in): stored with the plan beside the seed, it tells whether
    planning again would give the same plan or the inputs have changed since."""
    h = hashlib.sha256()
    offset = inputs.tz.utcoffset(datetime(2000, 1, 1))
    h.update(repr((str(inputs.month), inputs.seed, inputs.rules, offset)).encode())
    hours: dict[OpeningHours, str] = {}  # outlets share a few opening hours: repr each once
    for o in sorted(inputs.outlets, key=lambda o: o.code):
        shown = hours.get(o.hours)
        if shown is None:
            shown = hours[o.hours] = repr(o.hours)
        h.update(repr((o.code, o.tier, shown, o.region, o.city_class, o.family,
                       o.priority, o.visits_per_month, o.important, o.high_traffic,
                       o.competitor, o.every_months, sorted(o.closed_dates))).encode())
    for s in sorted(inputs.shoppers, key=lambda s: s.id):
        h.update(repr((s.id, s.home_region, sorted(s.regions), sorted(s.weekdays),
                       sorted(s.dates), sorted(s.unavailable), s.max_per_day,
                       sorted(s.excluded))).encode())
    # a known visit's instants as POSIX seconds (its time zone does not matter), the whole
    # history hashed as one text: a year of visits is ~100,000 of them
    history = sorted((k.shopper, k.outlet, k.at.timestamp(), k.end.timestamp(), k.source)
                     for k in inputs.history)
    h.update("\n".join(map(repr, history)).encode())
    return h.hexdigest()


__all__ = ["HistoryIndex", "check_move", "clash", "family_of", "inputs_digest",
           "is_important", "monthly_visits", "move", "plan_covert", "priority_class",
           "refusal", "too_close", "validate", "violations"]
