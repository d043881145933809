"""Intercept surveys per hall and period: 29 responses are insufficient and carry no
figure, 30 are enough; the SERVQUAL gap and importance by hand."""

from __future__ import annotations

from datetime import date

import pytest

from app.errors import UserError
from app.programme.perception.intercept import (
    InterceptResponse,
    Period,
    aggregate,
    check_response,
    dimension_name,
    hall_perception,
    importance,
    intercept_aggregates,
)
from app.programme.perception.settings import DIMENSIONS, InterceptRules

JUNE = Period.parse("2025-06")


def responses(n: int, outlet: str = "H001", on: date = date(2025, 6, 10)
              ) -> list[InterceptResponse]:
    """attitude: expected 6, perceived 5 or 7 (half each); efficiency: expected 7, got 4."""
    return [InterceptResponse(outlet, on, {"attitude": 6, "efficiency": 7},
                              {"attitude": 5 if i % 2 else 7, "efficiency": 4},
                              uuid=f"{outlet}-{on}-{i}")
            for i in range(n)]


def test_29_responses_are_insufficient_and_carry_no_figure() -> None:
    hall = hall_perception("H001", responses(29), JUNE)
    assert (hall.responses, hall.needed, hall.sufficient) == (29, 30, False)
    assert hall.dimensions == () and hall.perception is None and hall.gap is None
    assert "29" in hall.coverage("zh") and "30" in hall.coverage("en")
    [agg] = intercept_aggregates([hall])
    assert (agg.source, agg.score, agg.count, agg.sufficient) == ("intercept", None, 29, False)


def test_30_responses_give_the_figures_by_hand() -> None:
    hall = hall_perception("H001", responses(30), JUNE)
    assert hall.sufficient and hall.coverage() == ""
    attitude, efficiency = hall.dimension("attitude"), hall.dimension("efficiency")
    assert attitude is not None and efficiency is not None
    assert (attitude.expectation, attitude.perception, attitude.gap, attitude.n) == (
        6.0, 6.0, 0.0, 30)
    assert (efficiency.expectation, efficiency.perception, efficiency.gap) == (7.0, 4.0, -3.0)
    # importance from expectation above the scale's bottom: 5 and 6 of 11
    assert attitude.importance == pytest.approx(5 / 11)
    assert efficiency.importance == pytest.approx(6 / 11)
    assert hall.perception == 5.0 and hall.perception_100 == pytest.approx(400 / 6)
    assert hall.gap == -1.5 and hall.weighted_gap == pytest.approx(-18 / 11)
    assert hall.importance_source == "expectation"
    assert hall.dimension("process") is None  # nobody was asked
    [agg] = intercept_aggregates([hall])
    assert (agg.score, agg.count, agg.sufficient) == (66.67, 30, True)


def test_the_gap_uses_only_responses_with_both_answers() -> None:
    pool = responses(30)
    pool.append(InterceptResponse("H001", date(2025, 6, 11), {}, {"attitude": 1}))
    hall = hall_perception("H001", pool, JUNE)
    attitude = hall.dimension("attitude")
    assert attitude is not None and attitude.gap == 0.0 and attitude.n == 31
    assert attitude.perception == pytest.approx((6 * 30 + 1) / 31)


def test_derived_importance_follows_the_overall_rating() -> None:
    pool = [InterceptResponse("H001", date(2025, 6, 1), {"attitude": 6, "efficiency": 6},
                              {"attitude": 1 + i % 7, "efficiency": 7 - i % 7},
                              overall=1 + i % 7) for i in range(30)]
    shares, source = importance(pool, InterceptRules(importance="derived"))
    assert source == "derived" and shares == {"attitude": 1.0, "efficiency": 0.0}
    # without an overall rating it falls back to the expectations
    shares, source = importance(responses(30), InterceptRules(importance="derived"))
    assert source == "expectation" and shares["efficiency"] == pytest.approx(6 / 11)


def test_aggregate_per_hall_in_the_period_with_the_halls_not_yet_surveyed() -> None:
    pool = (responses(30, "H001") + responses(29, "H002")
            + responses(5, "H002", on=date(2025, 7, 1))  # July: not in June
            + responses(1, "H003", on=date(2025, 5, 31)))
    halls = aggregate(pool, JUNE, halls=["H004"])
    assert [(h.outlet, h.responses, h.sufficient) for h in halls] == [
        ("H001", 30, True), ("H002", 29, False), ("H004", 0, False)]
    twice = aggregate([*responses(29, "H002"), *responses(29, "H002")], JUNE)
    assert [(h.responses, h.sufficient) for h in twice] == [(29, False)]  # same uuids
    quarter = aggregate(pool, Period.parse("2025-q3"))
    assert [(h.outlet, h.responses, h.period) for h in quarter] == [("H002", 5, "2025-Q3")]


def test_periods() -> None:
    assert Period.parse("2025-06") == Period(date(2025, 6, 1), date(2025, 6, 30), "2025-06")
    assert Period.parse("2025-H1").last == date(2025, 6, 30)
    assert date(2025, 6, 30) in JUNE and date(2025, 7, 1) not in JUNE
    for bad in ("2025-13", "June", "2025-Q5"):
        with pytest.raises(UserError):
            Period.parse(bad)


def test_a_record_the_server_refuses() -> None:
    bad = InterceptResponse("H001", date(2025, 6, 1),
                            {"attitude": 0, "mood": 3, "process": True},
                            {"attitude": 8, "efficiency": "5"},  # type: ignore[dict-item]
                            overall=9)
    found = [(p.part, p.key, p.params.get("dimension")) for p in check_response(bad)]
    assert found == [
        ("expectation", "perception.intercept.off_scale", "attitude"),
        ("expectation", "perception.intercept.unknown_dimension", "mood"),
        ("expectation", "perception.intercept.off_scale", "process"),
        ("perception", "perception.intercept.off_scale", "attitude"),
        ("perception", "perception.intercept.off_scale", "efficiency"),
        ("overall", "perception.intercept.off_scale", "overall"),
    ]
    empty = InterceptResponse("H001", date(2025, 6, 1), {"attitude": 5}, {})
    assert [p.key for p in check_response(empty)] == ["perception.intercept.empty"]
    assert check_response(responses(1)[0]) == []


def test_the_twelve_dimensions_have_names_in_both_languages() -> None:
    assert len(DIMENSIONS) == 12
    for dim in DIMENSIONS:
        assert dimension_name(dim, "zh") != dim and dimension_name(dim, "en")[0].isupper()
    assert dimension_name("custom_one") == "custom_one"
