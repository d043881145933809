"""Our outlets against competitors' of the same tier: means of outlet means, figures
withheld where the sample is too small, and no competitor outlet ever named or ranked."""

from __future__ import annotations

from app.programme.perception.competitors import (
    InspectedResult,
    compare,
    compare_all,
    shown_only,
)
from app.programme.perception.settings import CompetitorRules

from .helpers import strings_in


def result(outlet: str, total: float, *, competitor: bool = False, tier: str = "flagship",
           awareness: float | None = None, greeted: float | None = None) -> InspectedResult:
    return InspectedResult(outlet, tier, competitor, total,
                           {"awareness": awareness if awareness is not None else total},
                           {} if greeted is None else {("awareness", "greeted"): greeted})


OURS = [result("H1", 80), result("H1", 90), result("H2", 70), result("H3", 60)]
THEIRS = [result("CMP-A", 75, competitor=True), result("CMP-B", 65, competitor=True),
          result("CMP-C", 55, competitor=True)]


def test_the_total_and_sections_as_means_of_outlet_means() -> None:
    report = compare([*OURS, *THEIRS, result("L2", 10, tier="level2")], "flagship")
    assert report.total.shown
    assert (report.total.ours.mean, report.total.ours.outlets, report.total.ours.results) == (
        (85 + 70 + 60) / 3, 3, 4)
    assert (report.total.theirs.mean, report.total.theirs.outlets) == (65.0, 3)
    assert report.total.difference == (85 + 70 + 60) / 3 - 65
    assert [c.section_id for c in report.sections] == ["awareness"]
    assert [(o.code, o.total, o.results, o.versus) for o in report.ours] == [
        ("H1", 85.0, 2, 20.0), ("H2", 70.0, 1, 5.0), ("H3", 60.0, 1, -5.0)]


def test_too_few_competitor_outlets_withholds_the_figures() -> None:
    report = compare([*OURS, *THEIRS[:2]], "flagship")
    assert not report.total.shown
    assert report.total.theirs == report.total.theirs.__class__(None, 2, 2)
    assert report.total.ours.mean is None and report.total.difference is None
    assert all(o.versus is None for o in report.ours)
    assert shown_only(report) == {"sections": [], "items": []}


def test_items_need_enough_answered_results_on_each_side() -> None:
    ours = [result(f"H{i}", 80, greeted=1.0) for i in range(3)]
    theirs = [result(f"C{i}", 70, competitor=True, greeted=0.5) for i in range(3)]
    four = compare([*ours, *theirs, result("H9", 80, greeted=0.0)], "flagship")
    [item] = four.items
    assert (item.section_id, item.item_id, item.shown) == ("awareness", "greeted", False)
    assert (item.ours.results, item.theirs.results) == (4, 3)
    more = [*theirs, result("C0", 70, competitor=True, greeted=0.5),
            result("C1", 70, competitor=True, greeted=1.0)]
    five = compare([*ours, result("H9", 80, greeted=0.0), result("H9", 80, greeted=0.0),
                    *more], "flagship", CompetitorRules(min_outlets=3, min_results=5))
    [item] = five.items
    assert item.shown and item.ours.mean == (100 + 100 + 100 + 0) / 4
    assert item.theirs.mean == (75 + 50 + 50) / 3  # C0 and C1 averaged over their visits


def test_no_competitor_outlet_is_named_anywhere() -> None:
    for report in compare_all([*OURS, *THEIRS]):
        text = "\n".join(strings_in(report))
        assert not any(code in text for code in ("CMP-A", "CMP-B", "CMP-C"))
    assert [r.tier for r in compare_all([*OURS, *THEIRS])] == ["flagship"]
    assert compare_all(OURS) == []  # no competitors: no report
