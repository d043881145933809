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

from app.programme.explain import Why
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
    why: Why


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
    for code in ranked:
        scores: list[Decimal] = []
        low: list[YearMonth] = []
        for m in window:
            rec = _record(m, code, current, history)
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
        in_year = rank is not None and rank <= rule.year_bottom
        in_unit = len(months_low) > rule.unit_months_more_than
        candidate = in_year and in_unit
        params: dict[str, str | int] = {
            "first": str(first), "last": str(last),
            "mean": plain(means[code]) if code in means else "-",
            "rank": rank or 0, "ranked": size.get(code, 0), "year_bottom": rule.year_bottom,
            "months": len(months_low), "unit_bottom": rule.unit_bottom,
            "more_than": rule.unit_months_more_than,
        }
        if code not in means:
            key_ = "programme.why.exit.no_scores"
        elif candidate:
            key_ = "programme.why.exit.candidate"
        else:
            key_ = "programme.why.exit.not_candidate"
        out[code] = ExitFacts(candidate, first, last, means.get(code), counts[code], rank,
                              size.get(code, 0), months_low, Why(key_, params, rule="exit"))
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


def tier_move(outlet: OutletInfo, month: YearMonth, rule: TierMoves, current: PastMonth,
              history: History) -> tuple[TierMove | None, Why]:
    """Up when the composite was >= up.score in each of up.months consecutive months at the
    current tier; down when < down.score in each of down.months."""
    ladder = rule.ladders.get(outlet.family, [])
    if outlet.tier not in ladder:
        return None, Why("programme.why.tier.not_on_ladder", {"tier": outlet.tier},
                         rule="tier_moves.ladders")
    pos = ladder.index(outlet.tier)
    up = _run(outlet.code, outlet.tier, month, current, history, rule.up.score, None,
              rule.up.months)
    down = _run(outlet.code, outlet.tier, month, current, history, None, rule.down.score,
                rule.down.months)
    params: dict[str, str | int] = {
        "up": len(up), "up_months": rule.up.months, "up_score": plain(rule.up.score),
        "down": len(down), "down_months": rule.down.months,
        "down_score": plain(rule.down.score), "tier": outlet.tier,
    }
    if len(up) >= rule.up.months:
        if pos + 1 < len(ladder):
            to = ladder[pos + 1]
            return TierMove("up", outlet.tier, to, up), Why(
                "programme.why.tier.up", {**params, "to": to}, rule="tier_moves.up")
        return None, Why("programme.why.tier.top", params, rule="tier_moves.up")
    if len(down) >= rule.down.months:
        if pos > 0:
            to = ladder[pos - 1]
            return TierMove("down", outlet.tier, to, down), Why(
                "programme.why.tier.down", {**params, "to": to}, rule="tier_moves.down")
        return None, Why("programme.why.tier.bottom", params, rule="tier_moves.down")
    return None, Why("programme.why.tier.none", params, rule="tier_moves")


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


def reward(outlet: OutletInfo, month: YearMonth, rule: RewardRule, current: PastMonth,
           history: History) -> tuple[Reward | None, Why | None]:
    """At a quarter's last month: climbed min_places or more in the unit ranking since the
    baseline month. None (and no explanation) in the other months."""
    if not month.is_quarter_end:
        return None, None
    base_m = baseline_month(month, rule)
    now = current.outlets.get(outlet.code)
    before = _record(base_m, outlet.code, current, history)
    params: dict[str, str | int] = {"baseline": str(base_m), "min_places": rule.min_places}
    if now is None or now.rank_unit is None or before is None or before.rank_unit is None:
        return None, Why("programme.why.reward.no_rank", params, rule="area_manager_reward")
    if before.business_unit != now.business_unit or before.family != now.family:
        return None, Why("programme.why.reward.moved", params, rule="area_manager_reward")
    places = before.rank_unit - now.rank_unit
    params.update(before=before.rank_unit, now=now.rank_unit, places=places)
    if places < rule.min_places:
        return None, Why("programme.why.reward.none", params, rule="area_manager_reward")
    owner = (outlet.owner or outlet.code) if rule.owner_rewarded else None
    key = ("programme.why.reward.candidate" if rule.owner_rewarded
           else "programme.why.reward.candidate_no_owner")
    return Reward(outlet.area_manager, owner, base_m, before.rank_unit, now.rank_unit,
                  places), Why(key, {**params, "manager": outlet.area_manager or "-"},
                               rule="area_manager_reward")
