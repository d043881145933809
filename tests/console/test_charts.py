"""The score chart's geometry (plain numbers, no page) and its words."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from app.console import charts

SCORES = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


def test_a_month_without_a_score_breaks_the_line() -> None:
    g = charts.layout(4, [charts.Series("x", [80, None, 90, 95])], width=400, height=200)
    assert len(g.xs) == 4 and g.xs[0] == charts.PAD_LEFT and g.xs[-1] == 400 - charts.PAD_RIGHT
    assert [len(run) for run in g.lines[0]] == [2]  # 90 -> 95; 80 stands alone as a dot
    assert len(g.dots[0]) == 3
    assert (g.lo, g.hi) == (70, 100)
    assert g.y(100) == charts.PAD_TOP and g.y(70) == 200 - charts.PAD_BOTTOM


def test_the_band_and_the_axis() -> None:
    g = charts.layout(2, [charts.Series("mean", [50, 60])],
                      charts.Band([0, None], [100, None]), width=300, height=150)
    assert len(g.bars) == 1 and g.bars[0][1] > g.bars[0][2]  # low drawn below high
    assert (g.lo, g.hi) == (0, 100) and [v for v, _ in g.grid] == [0, 20, 40, 60, 80, 100]
    assert charts.value_range([]) == (0, 100)
    assert charts.value_range([99, 100]) == (80, 100)  # at least 20 points of axis


@given(st.lists(SCORES, min_size=1, max_size=24))
def test_every_point_lies_inside_the_plot(values: list[float | None]) -> None:
    g = charts.layout(len(values), [charts.Series("s", values)], width=600, height=220)
    for x, y in g.dots[0]:
        assert charts.PAD_LEFT <= x <= 600 - charts.PAD_RIGHT
        assert charts.PAD_TOP - 1e-6 <= y <= 220 - charts.PAD_BOTTOM + 1e-6
    assert len(g.dots[0]) == sum(v is not None for v in values)
    ys = {v: y for v, (_, y) in zip([v for v in values if v is not None], g.dots[0],
                                    strict=True)}
    ordered = sorted(ys)
    assert all(ys[a] >= ys[b] for a, b in pairwise(ordered))  # higher up


def test_the_chart_in_words() -> None:
    words = charts.describe("近 3 个月", ["2026-08", "2026-09", "2026-10"],
                            [charts.Series("V-1", [None, 100, 84.5])], "zh")
    assert words == "近 3 个月：2026-08 无，2026-09 100，2026-10 84.5"
    two = charts.describe("3 months", ["2026-09", "2026-10"],
                          [charts.Series("V-1", [1, 2]), charts.Series("unit", [3, None])], "en")
    assert two == "3 months: V-1: 2026-09 1, 2026-10 2; unit: 2026-09 3, 2026-10 none"
