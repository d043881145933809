"""Inspections against customers: Spearman with ties by hand, the number of outlets
behind each correlation, the most-disagreeing outlets, and section weights against
customer importance with suggestions that keep the total (never applied)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.programme.months import YearMonth
from app.programme.perception.alignment import (
    OutletFigures,
    align,
    outlet_figures,
    section_alignment,
    yaml_hint,
)
from app.programme.perception.intercept import InterceptResponse, Period, hall_perception
from app.programme.perception.replies import Satisfaction
from app.programme.perception.settings import AlignmentRules, PerceptionSettings
from app.programme.perception.stats import ranks, spearman

JUNE = YearMonth(2025, 6)


def test_spearman_with_ties_by_hand() -> None:
    xs, ys = [1, 2, 2, 3, 4], [2, 1, 3, 3, 5]
    assert ranks(xs) == [1, 2.5, 2.5, 4, 5] and ranks(ys) == [2, 1, 3.5, 3.5, 5]
    # mid-ranks centred: dx = (-2, -.5, -.5, 1, 2), dy = (-1, -2, .5, .5, 2)
    # sum dx*dy = 7.25, sum dx^2 = sum dy^2 = 9.5  ->  7.25 / 9.5
    assert spearman(xs, ys) == pytest.approx(7.25 / 9.5)
    # (the no-ties shortcut 1 - 6*sum(d^2)/(n(n^2-1)) would say 0.775: wrong with ties)
    assert spearman(xs, ys) != pytest.approx(0.775)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 1, 1], [1, 2, 3]) is None  # no variation: no correlation
    assert spearman([1], [2]) is None


floats = st.floats(min_value=0, max_value=100, allow_nan=False)


@given(st.lists(st.tuples(floats, floats), min_size=2, max_size=30))
def test_spearman_is_bounded_symmetric_and_rank_only(pairs: list[tuple[float, float]]
                                                    ) -> None:
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    rho = spearman(xs, ys)
    if rho is None:
        return
    assert -1.0 <= rho <= 1.0
    assert spearman(ys, xs) == pytest.approx(rho)
    # only the order counts (transforms exact in floating point, so no ties appear)
    assert spearman([2 * x for x in xs], ys) == pytest.approx(rho)
    assert spearman([-x for x in xs], ys) == pytest.approx(-rho)


def figures(*rows: tuple[str, float | None, float | None]) -> list[OutletFigures]:
    return [OutletFigures(code, "flagship", comp, sms=sms) for code, comp, sms in rows]


def test_correlation_needs_the_minimum_number_of_outlets_and_says_how_many() -> None:
    four = figures(("A", 90, 50), ("B", 80, 70), ("C", 70, 60), ("D", 60, 80),
                   ("X", 50, None), ("Y", None, 40))
    report = align(JUNE, "flagship", four, section_weights={})
    sms = report.correlation("sms")
    assert (sms.rho, sms.n, sms.needed, sms.outlets) == (None, 4, 5, ("A", "B", "C", "D"))
    assert "4" in sms.text("en") and "5" in sms.text("zh")
    assert report.disagreements == []
    five = [*four, *figures(("E", 50, 90))]
    sms = align(JUNE, "flagship", five, section_weights={}).correlation("sms")
    assert sms.n == 5 and sms.rho == pytest.approx(-0.9)
    assert "-0.90" in sms.text("en") and "5" in sms.text("en")
    assert align(JUNE, "flagship", five, section_weights={}).correlation(
        "intercept").n == 0


def test_competitors_and_other_tiers_are_left_out() -> None:
    rows = [*figures(("A", 90, 50), ("B", 80, 70), ("C", 70, 60), ("D", 60, 80),
                     ("E", 50, 90)),
            OutletFigures("CMP", "flagship", 99, sms=1, competitor=True),
            OutletFigures("L2", "level2", 1, sms=99)]
    report = align(JUNE, "flagship", rows, section_weights={})
    assert report.correlation("sms").outlets == ("A", "B", "C", "D", "E")
    assert all(d.code not in ("CMP", "L2") for d in report.disagreements)


def test_the_outlets_that_disagree_most() -> None:
    rows = figures(("A", 90, 50), ("B", 80, 70), ("C", 70, 60), ("D", 60, 80), ("E", 50, 90))
    settings = PerceptionSettings(alignment=AlignmentRules(disagreeing=3))
    report = align(JUNE, "flagship", rows, section_weights={}, settings=settings)
    # places by composite A 1, B .75, C .5, D .25, E 0; by SMS A 0, C .25, B .5, D .75, E 1
    assert [(d.code, d.difference) for d in report.disagreements] == [
        ("A", 1.0), ("E", -1.0), ("D", -0.5)]
    assert report.disagreements[0].composite == 90 and report.disagreements[0].customer == 50


WEIGHTS = {"awareness": 20, "staff_quality": 30, "process": 30, "environment": 20,
           "selling": 10}
SHARES = {"attitude": 0.4, "efficiency": 0.3, "proactiveness": 0.1, "environment": 0.2}


def test_section_weights_against_customer_importance_by_hand() -> None:
    rows = {s.section_id: s for s in section_alignment(WEIGHTS, SHARES)}
    assert [(s, rows[s].weight_share, rows[s].importance_share, rows[s].verdict,
             rows[s].suggested_weight) for s in WEIGHTS] == [
        ("awareness", 0.2, pytest.approx(0.1), "heavy_ignored", 15.0),
        ("staff_quality", 0.3, pytest.approx(0.4), "light_cared", 35.0),
        ("process", 0.3, pytest.approx(0.3), "in_line", 30.0),
        ("environment", 0.2, pytest.approx(0.2), "in_line", 20.0),
        ("selling", None, None, "not_compared", None),  # customers are not asked about it
    ]
    assert "20%" in rows["awareness"].text("en") and "10%" in rows["awareness"].text("zh")
    assert rows["selling"].text("en").startswith("selling:")


def test_a_dimension_two_sections_cover_is_split_between_them() -> None:
    rows = section_alignment({"awareness": 50, "a_service_conduct": 50},
                             {"proactiveness": 1.0})
    assert [r.importance_share for r in rows] == [0.5, 0.5]
    assert all(r.verdict == "in_line" for r in rows)


@given(st.dictionaries(st.sampled_from(["awareness", "staff_quality", "process",
                                        "environment", "result"]),
                       st.integers(1, 40), min_size=1),
       st.dictionaries(st.sampled_from(["attitude", "efficiency", "proactiveness",
                                        "environment", "problem_solving", "process"]),
                       st.floats(0.01, 1), min_size=1))
def test_suggested_weights_keep_the_total_in_steps(weights: dict[str, int],
                                                   raw: dict[str, float]) -> None:
    total = sum(raw.values())
    shares = {d: v / total for d, v in raw.items()}
    rows = section_alignment(weights, shares)
    compared = [r for r in rows if r.verdict != "not_compared"]
    if not compared:
        return
    assert sum(r.suggested_weight or 0 for r in compared) == pytest.approx(
        sum(r.weight for r in compared))
    assert all((r.suggested_weight or 0) * 2 == int((r.suggested_weight or 0) * 2)
               for r in compared)
    assert sum(r.importance_share or 0 for r in compared) == pytest.approx(1.0)


def _responses(n: int) -> list[InterceptResponse]:
    # expectation above the bottom: attitude 4, efficiency 3, proactiveness 1, environment 2
    return [InterceptResponse("H001", date(2025, 6, 5),
                              {"attitude": 5, "efficiency": 4, "proactiveness": 2,
                               "environment": 3}, {"attitude": 5}) for _ in range(n)]


def test_align_pools_importance_only_from_30_responses_and_suggests_without_applying() -> None:
    rows = figures(("A", 90, 50))
    few = align(JUNE, "flagship", rows, section_weights=WEIGHTS, responses=_responses(29))
    assert all(s.verdict == "not_compared" for s in few.sections)
    assert (few.importance_responses, few.importance_needed) == (29, 30)
    enough = align(JUNE, "flagship", rows, section_weights=WEIGHTS, responses=_responses(30))
    assert enough.importance == pytest.approx(SHARES) and enough.importance_source == (
        "expectation")
    verdicts = {s.section_id: s.verdict for s in enough.sections}
    assert verdicts["awareness"] == "heavy_ignored"
    assert verdicts["staff_quality"] == "light_cared"
    hint = yaml_hint(enough, "en")
    assert hint.splitlines() == [
        "# flagship 2025-06: section weights suggested by customer importance (a "
        "suggestion, never applied automatically)",
        "awareness:  tier_weights: {flagship: 15}  # 20 -> 15",
        "staff_quality:  tier_weights: {flagship: 35}  # 30 -> 35",
    ]
    assert WEIGHTS["awareness"] == 20  # the input is not touched
    assert "无需调整" in yaml_hint(few, "zh")


def test_outlet_figures_leave_insufficient_figures_out() -> None:
    hall_ok = hall_perception("H001", _responses(30), Period.parse("2025-06"))
    hall_few = hall_perception("H002", _responses(29), Period.parse("2025-06"))
    sms = [Satisfaction(JUNE, "H001", "", 40, 30, {"1": 30}, 100.0, True),
           Satisfaction(JUNE, "H002", "", 40, 3, {"1": 3}, 100.0, False),
           Satisfaction(YearMonth(2025, 5), "H003", "", 40, 30, {"1": 30}, 90.0, True)]
    rows = outlet_figures([("H001", "flagship", False), ("H002", "flagship", False),
                           ("H003", "flagship", False)], {"H001": 88.0, "H002": 70.0},
                          JUNE, sms=sms, halls=[hall_ok, hall_few])
    assert [(o.code, o.composite, o.sms, o.sms_replies, o.intercept is not None,
             o.intercept_responses) for o in rows] == [
        ("H001", 88.0, 100.0, 30, True, 30), ("H002", 70.0, None, 3, False, 29),
        ("H003", None, None, 0, False, 0)]
