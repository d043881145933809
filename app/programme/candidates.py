"""The month's candidate lists: outlets to remove (exit rule), to move up or down a tier,
and area managers (and owners) to reward for a climb. Candidates are proposals for channel
management to decide; nothing here changes an outlet.

Each rule reads the outlet's record month by month: the closed months (`History`) and the
month being computed, given in the same shape (`PastMonth`), so "this month" and "a closed
month" are never two different calculations.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.programme.explain import Param, Why
from app.programme.inputs import History, OutletInfo, PastMonth, PastOutlet
from app.programme.money import plain, quantize
from app.programme.months import YearMonth, months_between
from app.programme.ranking import bottom_ranks
from app.programme.rules_schema import ExitRule, RewardRule, TierMoves

ZERO = Decimal(0)


def _record(month: YearMonth, code: str, current: PastMonth, history: History
            ) -> PastOutlet | None:
    if month == current.month:
        return current.outlets.get(code)
    return history.outlet(month, code)


# --- exit -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitFacts:
    candidate: bool
    first: YearMonth  # the year's window
    last: YearMonth
    year_mean: Decimal | None  # mean composite over the window's scored months
    scored_months: int
    year_bottom_rank: int | None  # 1 = the lowest mean (ties share)
    year_ranked: int  # outlets in that annual ranking
    unit_bottom_months: tuple[YearMonth, ...]  # months in the unit's bottom N
    rule: ExitRule

    @property
    def why(self) -> Why:
        r = self.rule
        params: dict[str, Param] = {
            "first": str(self.first), "last": str(self.last),
            "mean": plain(self.year_mean) if self.year_mean is not None else "-",
            "rank": self.year_bottom_rank or 0, "ranked": self.year_ranked,
            "year_bottom": r.year_bottom, "months": len(self.unit_bottom_months),
            "unit_bottom": r.unit_bottom, "more_than": r.unit_months_more_than,
        }
        if self.year_mean is None:
            key = "programme.why.exit.no_scores"
        elif self.candidate:
            key = "programme.why.exit.candidate"
        else:
            key = "programme.why.exit.not_candidate"
        return Why(key, params, rule="exit")


def year_window(month: YearMonth, rule: ExitRule) -> tuple[YearMonth, YearMonth]:
    if rule.year == "calendar_year":
        return YearMonth(month.year, 1), month
    return month.shift(-11), month


def exit_facts(month: YearMonth, rule: ExitRule, decimals: int, current: PastMonth,
               ranked: Mapping[str, OutletInfo], history: History) -> dict[str, ExitFacts]:
    """The exit rule for every outlet in `ranked` (active, not competitors)."""
    first, last = year_window(month, rule)
    window = months_between(first, last)
    means: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    bottoms: dict[str, tuple[YearMonth, ...]] = {}
    maps = []  # each window month's records, looked up once (20,000 outlets x 12 months)
    for m in window:
        closed = current if m == current.month else history.months.get(m)
        if closed is not None:
            maps.append((m, closed.outlets))
    for code in ranked:
        scores: list[Decimal] = []
        low: list[YearMonth] = []
        for m, records in maps:
            rec = records.get(code)
            if rec is None:
                continue
            if rec.composite is not None:
                scores.append(rec.composite)
            if rec.rank_unit_bottom is not None and rec.rank_unit_bottom <= rule.unit_bottom:
                low.append(m)
        counts[code] = len(scores)
        bottoms[code] = tuple(low)
        if scores:
            means[code] = quantize(sum(scores, ZERO) / len(scores), decimals)

    groups: dict[Hashable, dict[str, Decimal]] = {}
    for code, mean in means.items():
        info = ranked[code]
        key: Hashable = ((info.family,) if rule.year_ranked_in == "province"
                         else (info.family, info.business_unit))
        groups.setdefault(key, {})[code] = mean
    bottom: dict[str, int] = {}
    size: dict[str, int] = {}
    for members in groups.values():
        bottom.update(bottom_ranks(members))
        size.update(dict.fromkeys(members, len(members)))

    out = {}
    for code in ranked:
        rank = bottom.get(code)
        months_low = bottoms[code]
        candidate = (rank is not None and rank <= rule.year_bottom
                     and len(months_low) > rule.unit_months_more_than)
        out[code] = ExitFacts(candidate, first, last, means.get(code), counts[code], rank,
                              size.get(code, 0), months_low, rule)
    return out


# --- tier moves -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TierMove:
    direction: Literal["up", "down"]
    from_tier: str
    to_tier: str
    months: tuple[YearMonth, ...]  # the months that qualified


def _run(code: str, tier: str, month: YearMonth, current: PastMonth, history: History,
         good: Decimal | None, bad: Decimal | None, limit: int) -> tuple[YearMonth, ...]:
    """Consecutive months ending now at `tier` meeting the test (>= good, or < bad), at
    most `limit` long."""
    out: list[YearMonth] = []
    m = month
    while len(out) < limit:
        rec = _record(m, code, current, history)
        if rec is None or rec.tier != tier or rec.composite is None:
            break
        if good is not None and rec.composite < good:
            break
        if bad is not None and rec.composite >= bad:
            break
        out.append(m)
        m = m.shift(-1)
    return tuple(reversed(out))


@dataclass(frozen=True)
class TierCheck:
    """The tier-move rule applied to one outlet: the move proposed (or None) and the runs
    of qualifying months behind it."""

    move: TierMove | None
    tier: str
    on_ladder: bool
    up: int  # consecutive months at the tier >= up.score (at most up.months counted)
    down: int  # consecutive months at the tier < down.score
    blocked: Literal["top", "bottom"] | None  # qualified, but no tier above / below
    rule: TierMoves

    @property
    def why(self) -> Why:
        r = self.rule
        if not self.on_ladder:
            return Why("programme.why.tier.not_on_ladder", {"tier": self.tier},
                       rule="tier_moves.ladders")
        params: dict[str, Param] = {
            "up": self.up, "up_months": r.up.months, "up_score": plain(r.up.score),
            "down": self.down, "down_months": r.down.months,
            "down_score": plain(r.down.score), "tier": self.tier,
        }
        if self.move is not None and self.move.direction == "up":
            return Why("programme.why.tier.up", {**params, "to": self.move.to_tier},
                       rule="tier_moves.up")
        if self.move is not None:
            return Why("programme.why.tier.down", {**params, "to": self.move.to_tier},
                       rule="tier_moves.down")
        if self.blocked == "top":
            return Why("programme.why.tier.top", params, rule="tier_moves.up")
        if self.blocked == "bottom":
            return Why("programme.why.tier.bottom", params, rule="tier_moves.down")
        return Why("programme.why.tier.none", params, rule="tier_moves")


def tier_move(outlet: OutletInfo, month: YearMonth, rule: TierMoves, current: PastMonth,
              history: History) -> TierCheck:
    """Up when the composite was >= up.score in each of up.months consecutive months at the
    current tier; down when < down.score in each of down.months."""
    ladder = rule.ladders.get(outlet.family, [])
    if outlet.tier not in ladder:
        return TierCheck(None, outlet.tier, False, 0, 0, None, rule)
    pos = ladder.index(outlet.tier)
    up = _run(outlet.code, outlet.tier, month, current, history, rule.up.score, None,
              rule.up.months)
    down = _run(outlet.code, outlet.tier, month, current, history, None, rule.down.score,
                rule.down.months)
    move = None
    blocked: Literal["top", "bottom"] | None = None
    if len(up) >= rule.up.months:
        if pos + 1 < len(ladder):
            move = TierMove("up", outlet.tier, ladder[pos + 1], up)
        else:
            blocked = "top"
    elif len(down) >= rule.down.months:
        if pos > 0:
            move = TierMove("down", outlet.tier, ladder[pos - 1], down)
        else:
            blocked = "bottom"
    return TierCheck(move, outlet.tier, True, len(up), len(down), blocked, rule)


# --- area-manager reward --------------------------------------------------------------------


@dataclass(frozen=True)
class Reward:
    area_manager: str | None
    owner: str | None  # rewarded too (None when the rules do not reward owners)
    baseline_month: YearMonth
    baseline_rank: int
    rank: int
    places: int


def baseline_month(month: YearMonth, rule: RewardRule) -> YearMonth:
    if rule.baseline == "previous_quarter_end":
        return month.quarter_start.shift(-1)
    return month.quarter_start


@dataclass(frozen=True)
class RewardCheck:
    """The reward rule applied to one outlet at a quarter's end."""

    reward: Reward | None
    reason: Literal["candidate", "none", "no_rank", "moved"]
    baseline: YearMonth
    before: int | None
    now: int | None
    manager: str | None
    rule: RewardRule

    @property
    def why(self) -> Why:
        r = self.rule
        params: dict[str, Param] = {"baseline": str(self.baseline), "min_places": r.min_places}
        if self.reason == "no_rank":
            return Why("programme.why.reward.no_rank", params, rule="area_manager_reward")
        if self.reason == "moved":
            return Why("programme.why.reward.moved", params, rule="area_manager_reward")
        params.update(before=self.before or 0, now=self.now or 0,
                      places=(self.before or 0) - (self.now or 0))
        if self.reason == "none":
            return Why("programme.why.reward.none", params, rule="area_manager_reward")
        key = ("programme.why.reward.candidate" if r.owner_rewarded
               else "programme.why.reward.candidate_no_owner")
        return Why(key, {**params, "manager": self.manager or "-"}, rule="area_manager_reward")


def reward(outlet: OutletInfo, month: YearMonth, rule: RewardRule, current: PastMonth,
           history: History) -> RewardCheck | None:
    """At a quarter's last month: climbed min_places or more in the unit ranking since the
    baseline month. None in the other months."""
    if not month.is_quarter_end:
        return None
    base_m = baseline_month(month, rule)
    now = current.outlets.get(outlet.code)
    before = _record(base_m, outlet.code, current, history)

    def check(reason: Literal["candidate", "none", "no_rank", "moved"],
              found: Reward | None = None) -> RewardCheck:
        return RewardCheck(found, reason, base_m, before.rank_unit if before else None,
                           now.rank_unit if now else None, outlet.area_manager, rule)

    if now is None or now.rank_unit is None or before is None or before.rank_unit is None:
        return check("no_rank")
    if before.business_unit != now.business_unit or before.family != now.family:
        return check("moved")
    places = before.rank_unit - now.rank_unit
    if places < rule.min_places:
        return check("none")
    owner = (outlet.owner or outlet.code) if rule.owner_rewarded else None
    return check("candidate", Reward(outlet.area_manager, owner, base_m, before.rank_unit,
                                     now.rank_unit, places))
