"""The candidate lists over months of closed results: the exit rule over a year (bottom 5 of
the province by annual mean AND bottom 3 of the unit in more than 6 months), tier moves, and
the area-manager reward for a climb of 10 places in a quarter. Worked by hand."""

from __future__ import annotations

from decimal import Decimal

from app.programme.inputs import History
from app.programme.month import Flag, compute_month
from app.programme.months import YearMonth

from .helpers import every_half_year, outlet, rules_with, run_months, shipped, visit

JAN = YearMonth(2025, 1)
BASES = every_half_year(1000_00)


def test_the_exit_rule_over_a_year() -> None:
    unit1 = {"C": 70, "D": 72, "E": 74, "F": 90, "G": 92, "H": 94}
    outlets = [outlet(c, unit="一部") for c in "ABCDEFGH"] + [
        outlet(c, unit="二部") for c in "PQY"]
    months = []
    for i in range(12):
        m = dict(unit1)
        m["A"] = 60 if i < 7 else 99  # the unit's bottom 3 in months 1-7 (7 months)
        m["B"] = 61 if i < 6 else 99  # ... in months 1-6 (6 months: not more than 6)
        m.update(P=96, Q=97, Y=95)  # Y: always its small unit's lowest, but a high mean
        months.append(m)
    result = run_months(shipped(), outlets, months, JAN, BASES)[-1]
    # province means (agents): C 70, D 72, E 74, A 76.25, B 80 | F 90 ... Q 97
    # unit 一部 bottom-3 months: A 7, B 6, C 12, D 6 (months 7-12), E 5; Y 12 in 二部
    assert [o.code for o in result.exit_candidates] == ["A", "C"]
    a = result.outlets["A"].exit
    assert a is not None
    assert (a.year_mean, a.year_bottom_rank, a.year_ranked, len(a.unit_bottom_months)) == (
        Decimal("76.25"), 4, 11, 7)
    assert (a.first, a.last) == (JAN, YearMonth(2025, 12))
    b, d, y = (result.outlets[c].exit for c in "BDY")
    assert b is not None and (b.year_bottom_rank, len(b.unit_bottom_months)) == (5, 6)
    assert d is not None and (d.year_bottom_rank, len(d.unit_bottom_months)) == (2, 6)
    assert y is not None and (y.year_bottom_rank, len(y.unit_bottom_months)) == (9, 12)
    assert not (b.candidate or d.candidate or y.candidate)
    assert Flag.EXIT_CANDIDATE in result.outlets["A"].flags
    assert "76.25" in result.outlets["A"].why["exit"].render("zh")
    # the calendar year looks from January only
    calendar = rules_with(**{"exit.year": "calendar_year"})
    march = run_months(calendar, outlets, months[:3], JAN, BASES)[-1].outlets["A"].exit
    assert march is not None and (march.first, march.last) == (JAN, YearMonth(2025, 3))


def test_tier_moves_up_and_down_after_enough_months_at_the_tier() -> None:
    outlets = [outlet("U", tier="agent"), outlet("D", tier="agent"),
               outlet("T", tier="partner_operated"), outlet("V", tier="village"),
               outlet("H", tier="flagship", family="self_run_hall"),
               outlet("X", tier="not_listed")]
    scores = [{"U": 96, "D": 60, "T": 99, "V": 50, "H": 95, "X": 99} for _ in range(6)]
    scores[1]["D"] = 75  # the down run starts again after month 2
    results = run_months(shipped(), outlets, scores, JAN, BASES)
    moves = [{o.code: (o.tier_move.direction, o.tier_move.to_tier)
              for o in m.tier_moves} for m in results]
    # V is the lowest tier (never "down"), T and H the highest (never "up"); D's run of
    # months below 70 restarts after month 2 and reaches 3 in month 5
    assert moves == [{}, {}, {}, {}, {"D": ("down", "village")},
                     {"U": ("up", "exclusive"), "D": ("down", "village")}]
    last = results[5].outlets
    assert last["U"].tier_move is not None and last["U"].tier_move.months[0] == JAN
    assert Flag.TIER_UP in last["U"].flags and Flag.TIER_DOWN in last["D"].flags
    assert last["T"].tier_move is None and last["T"].why["tier_move"].key == \
        "programme.why.tier.top"
    assert last["V"].tier_move is None and last["V"].why["tier_move"].key == \
        "programme.why.tier.bottom"
    assert last["X"].why["tier_move"].key == "programme.why.tier.not_on_ladder"
    assert last["H"].tier_move is None and last["H"].why["tier_move"].key == \
        "programme.why.tier.top"


def test_a_new_tier_starts_its_count_again() -> None:
    scores = [{"U": 96} for _ in range(7)]
    first = run_months(shipped(), [outlet("U", tier="agent")], scores[:6], JAN, BASES)
    assert first[-1].outlets["U"].tier_move is not None
    # the outlet was moved up: at its new tier the six months start again
    moved = outlet("U", tier="exclusive")
    history = History({m.month: m.as_past() for m in first})
    seventh = compute_month(JAN.shift(6), shipped(), [moved], [visit("U", 96)],
                            bases=BASES, history=history).outlets["U"]
    assert seventh.tier_move is None and seventh.facts.tier is not None
    assert seventh.facts.tier.up == 1


def test_an_area_manager_is_rewarded_for_a_climb_of_ten_places() -> None:
    others = {f"O{i}": 80 + i for i in range(11)}  # 80 ... 90
    outlets = [outlet(c) for c in others] + [outlet("X", manager="张经理"), outlet("Y")]
    months = [  # Dec, Jan, Feb, Mar
        {**others, "X": 79.7, "Y": 79.5},
        {**others, "X": 85.5, "Y": 79.5},
        {**others, "X": 70, "Y": 79.5},
        {**others, "X": 89.5, "Y": 88.5},
    ]
    dec = YearMonth(2024, 12)
    by_start = run_months(shipped(), outlets, months, dec, BASES)
    # quarter start (January): X from rank 6 to 2 (4 places); Y from 13 to 4 (9 places)
    march = by_start[-1]
    assert (march.outlets["X"].rank_unit, march.outlets["Y"].rank_unit) == (2, 4)
    assert march.rewards == []
    assert march.outlets["Y"].why["reward"].key == "programme.why.reward.none"
    # the previous quarter's end (December): X from rank 12 to 2, ten places
    by_end = run_months(rules_with(**{"area_manager_reward.baseline": "previous_quarter_end"}),
                        outlets, months, dec, BASES)
    rewarded = by_end[-1].rewards
    assert [o.code for o in rewarded] == ["X"]
    found = rewarded[0].reward
    assert found is not None
    assert (found.area_manager, found.owner, found.baseline_month, found.baseline_rank,
            found.rank, found.places) == ("张经理", "X", dec, 12, 2, 10)
    assert Flag.REWARD in rewarded[0].flags
    assert "张经理" in rewarded[0].why["reward"].render("zh")
    # outside a quarter's last month nothing is looked at
    assert "reward" not in by_end[2].outlets["X"].why
    assert all(m.rewards == [] for m in by_end[:3])
