"""Ranks: competition ranking ("1224") in the business unit and the province, self-run halls
and agent outlets apart; competitor and inactive outlets never ranked or paid."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.programme.month import Flag, compute_month
from app.programme.months import YearMonth
from app.programme.ranking import bottom_ranks, competition_ranks

from .helpers import every_half_year, outlet, shipped, visit

D = Decimal
MARCH = YearMonth(2025, 3)


def test_ties_share_a_rank_and_the_next_is_skipped() -> None:
    scores = {"a": D(95), "b": D(90), "c": D(90), "d": D(80)}
    assert competition_ranks(scores) == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert bottom_ranks(scores) == {"d": 1, "b": 2, "c": 2, "a": 4}


def test_unit_and_province_ranks_halls_and_agents_apart() -> None:
    outlets = [
        outlet("A1", unit="杭州"), outlet("A2", unit="杭州"), outlet("A3", unit="宁波"),
        outlet("H1", unit="杭州", family="self_run_hall", tier="flagship"),
        outlet("H2", unit="宁波", family="self_run_hall", tier="level2"),
        outlet("X1", unit="杭州", competitor=True), outlet("Z1", unit="杭州", active=False),
    ]
    scores = {"A1": 80, "A2": 90, "A3": 90, "H1": 70, "H2": 75, "X1": 99, "Z1": 100}
    month = compute_month(MARCH, shipped(), outlets, [visit(c, s) for c, s in scores.items()],
                          bases=every_half_year(100_00))
    r = month.outlets
    assert (r["A2"].rank_unit, r["A1"].rank_unit, r["A3"].rank_unit) == (1, 2, 1)
    assert (r["A2"].rank_province, r["A3"].rank_province, r["A1"].rank_province) == (1, 1, 3)
    assert (r["H1"].rank_unit, r["H2"].rank_unit) == (1, 1)  # halls: one per unit
    assert (r["H2"].rank_province, r["H1"].rank_province) == (1, 2)
    assert r["A1"].rank_unit_size == 2 and r["A1"].rank_province_size == 3
    assert r["A1"].rank_unit_bottom == 1 and r["A2"].rank_unit_bottom == 2
    for code in ("X1", "Z1"):  # scored for comparison, never ranked or paid
        o = r[code]
        assert o.composite is not None
        assert (o.rank_unit, o.rank_province, o.commission_cents, o.staff_share_cents,
                o.payment_factor, o.exit, o.tier_move) == (None,) * 7
        assert o.payable_cents == 0
    assert Flag.COMPETITOR in r["X1"].flags and Flag.INACTIVE in r["Z1"].flags
    assert [o.code for o in month.ranking("agent_channel", "杭州")] == ["A2", "A1"]
    assert [o.code for o in month.ranking("agent_channel")] == ["A2", "A3", "A1"]
    # the competitor's 99 takes nobody's place
    assert all(o.rank_province != 0 for o in month.ranking("agent_channel"))


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.text("abcdefgh", min_size=1, max_size=3),
                       st.decimals(0, 100, places=1), min_size=1, max_size=20))
def test_ranks_are_consistent_with_the_scores(scores: dict[str, Decimal]) -> None:
    ranks = competition_ranks(scores)
    bottom = bottom_ranks(scores)
    n = len(scores)
    for a in scores:
        # rank = 1 + how many scored higher; bottom rank = 1 + how many scored lower
        assert ranks[a] == 1 + sum(1 for b in scores if scores[b] > scores[a])
        assert bottom[a] == 1 + sum(1 for b in scores if scores[b] < scores[a])
        for b in scores:
            assert (scores[a] == scores[b]) == (ranks[a] == ranks[b])
            if scores[a] > scores[b]:
                assert ranks[a] < ranks[b] and bottom[a] > bottom[b]
    if len(set(scores.values())) == n:  # no ties: the ranks are a permutation of 1..n
        assert sorted(ranks.values()) == list(range(1, n + 1))
        assert sorted(bottom.values()) == list(range(1, n + 1))
    assert min(ranks.values()) == 1 and max(ranks.values()) <= n
