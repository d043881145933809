"""A plan against what happened: a visit is done only by a matching result that arrived,
late when it came after the day, missed when the day passed with nothing, and missed
coaching visits to the bottom outlets come first."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.programme.months import YearMonth
from app.programme.planning import plan_status
from app.programme.planning.model import (
    COACHING_KIND,
    COVERT_KIND,
    ArrivedResult,
    CoachingVisit,
    CovertVisit,
    StatusCounts,
)
from app.programme.planning.timing import CHINA, Window

NOW = datetime(2025, 6, 16, 9, 0, tzinfo=CHINA)  # a Monday morning


def _covert(vid: str, outlet: str, shopper: str, day: int, window: str = "10:00-12:00"
            ) -> CovertVisit:
    return CovertVisit(vid, outlet, shopper, date(2025, 6, day), Window.parse(window), 0)


def _coach(vid: str, outlet: str, manager: str, day: int, cadence: str = "fortnightly"
           ) -> CoachingVisit:
    return CoachingVisit(vid, outlet, manager, date(2025, 6, day), cadence,  # type: ignore[arg-type]
                         1)


def _result(outlet: str, who: str, day: int, hour: int, kind: str = COVERT_KIND,
            uuid: str = "") -> ArrivedResult:
    return ArrivedResult(outlet, who, kind, datetime(2025, 6, day, hour, 5, tzinfo=CHINA),
                         uuid or f"{outlet}-{who}-{day}-{hour}")


def test_each_state_of_a_covert_visit() -> None:
    visits = [
        _covert("in", "A", "s1", 3),  # result inside the window
        _covert("day", "B", "s1", 4),  # result that day, outside the window
        _covert("late", "C", "s2", 5),  # result two days later
        _covert("missed", "D", "s2", 6),  # nothing
        _covert("other", "E", "s3", 7),  # a result by someone else does not count
        _covert("kind", "F", "s3", 9),  # a coaching result does not count for a covert one
        _covert("today", "G", "s1", 16),  # today: still planned
        _covert("future", "H", "s1", 20),
        _covert("early", "I", "s2", 25),  # done before its day (within the month)
    ]
    results = [
        _result("A", "s1", 3, 11), _result("B", "s1", 4, 15), _result("C", "s2", 7, 10),
        _result("E", "s9", 7, 10), _result("F", "s3", 9, 10, kind=COACHING_KIND),
        _result("I", "s2", 12, 10),
        _result("Z", "s1", 1, 10),  # for an outlet not in the plan
    ]
    status = plan_status(visits, results, now=NOW)
    got = {s.visit_id: (s.state, s.timing) for s in status.visits}
    assert got == {
        "in": ("done", "in_window"), "day": ("done", "on_day"), "late": ("late", "late"),
        "missed": ("missed", None), "other": ("missed", None), "kind": ("missed", None),
        "today": ("planned", None), "future": ("planned", None), "early": ("done", "early"),
    }
    assert status.totals == StatusCounts(planned=2, done=3, late=1, missed=3)
    assert status.by_person["s2"] == StatusCounts(done=1, late=1, missed=1)
    assert status.by_outlet["A"] == StatusCounts(done=1)
    assert [s.visit_id for s in status.attention] == ["missed", "other", "kind", "late"]
    assert next(s for s in status.visits if s.visit_id == "in").result == "A-s1-3-11"


def test_one_result_counts_for_one_visit() -> None:
    visits = [_coach("mon", "A", "m1", 2, "bottom"), _coach("thu", "A", "m1", 5, "bottom")]
    one = [_result("A", "m1", 6, 10, COACHING_KIND)]
    status = plan_status(visits, one, now=NOW)
    assert [(s.visit_id, s.state) for s in status.visits] == [("mon", "late"),
                                                              ("thu", "missed")]
    two = [*one, _result("A", "m1", 5, 16, COACHING_KIND)]
    status = plan_status(visits, two, now=NOW)
    assert [(s.visit_id, s.state, s.timing) for s in status.visits] == [
        ("mon", "late", "late"), ("thu", "done", "on_day")]


def test_missed_coaching_at_bottom_outlets_comes_first() -> None:
    visits = [_coach("a", "A", "m1", 2, "class_a"), _coach("b", "B", "m1", 3, "bottom"),
              _coach("c", "C", "m2", 4, "fortnightly"), _coach("d", "D", "m2", 5, "bottom"),
              _coach("e", "E", "m2", 6, "class_a")]
    results = [_result("E", "m2", 9, 10, COACHING_KIND)]
    status = plan_status(visits, results, now=NOW)
    assert [s.visit_id for s in status.attention] == ["b", "d", "a", "c", "e"]
    assert [s.flagged for s in status.attention[:2]] == [True, True]
    assert status.by_manager == {"m1": StatusCounts(missed=2),
                                 "m2": StatusCounts(late=1, missed=2)}


def test_local_days_and_area_managers_of_covert_outlets() -> None:
    # 17:30 UTC on 2 June is 01:30 on 3 June in Beijing: the visit's day
    visits = [_covert("v", "A", "s1", 3, "09:00-11:00")]
    utc = ArrivedResult("A", "s1", COVERT_KIND, datetime(2025, 6, 2, 17, 30,
                                                         tzinfo=UTC), "u1")
    status = plan_status(visits, [utc], now=NOW, month=YearMonth(2025, 6),
                         outlet_managers={"A": "m7"})
    assert (status.visits[0].state, status.visits[0].timing) == ("done", "on_day")
    assert status.by_manager == {"m7": StatusCounts(done=1)}
    before = ArrivedResult("A", "s1", COVERT_KIND, datetime(2025, 5, 30, 10, tzinfo=CHINA))
    status = plan_status(visits, [before], now=NOW)
    assert status.visits[0].state == "missed"  # a result from before the month is not it
