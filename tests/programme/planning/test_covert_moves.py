"""A manager's move or reassignment of one covert visit is checked against the same hard
rules as the planner's choices: a move that breaks one is refused with the reason, one that
breaks none is allowed, and the moved plan still passes the independent check."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.programme.months import YearMonth
from app.programme.planning import check_move, move, plan_covert, violations
from app.programme.planning.covert import HistoryIndex
from app.programme.planning.model import (
    CovertInputs,
    CovertPlan,
    CovertVisit,
    KnownVisit,
    Outlet,
    PlanStats,
    Shopper,
)
from app.programme.planning.timing import CHINA, OpeningHours, Window

from .strategies import covert_inputs, hard_rule_breaks

JUNE = YearMonth(2025, 6)
WEEKDAYS_AND_SAT = OpeningHours.weekly({**{i: "09:00-18:00" for i in range(5)},
                                        5: "10:00-16:00"})


def _inputs(history: tuple[KnownVisit, ...] = ()) -> CovertInputs:
    outlets = [
        Outlet("A", "flagship", WEEKDAYS_AND_SAT, region="R1", city_class="central",
               closed_dates=frozenset({date(2025, 6, 10)})),
        Outlet("B", "agent", OpeningHours.every_day("08:30-12:00,14:00-18:00"), region="R1"),
        Outlet("C", "agent", OpeningHours.every_day("09:00-21:00"), region="R2"),
    ]
    shoppers = [
        Shopper("s1", "R1", max_per_day=1),
        Shopper("s2", "R1", weekdays=frozenset(range(5)), max_per_day=2,
                excluded=frozenset({"B"})),
        Shopper("s3", "R2"),
        Shopper("s4", "R1", unavailable=frozenset({date(2025, 6, 12)})),
        Shopper("s5", "R1", regions=frozenset({"R2"})),
    ]
    return CovertInputs(JUNE, outlets, shoppers, history, seed=5)


def _plan(*visits: CovertVisit) -> CovertPlan:
    stats = PlanStats(len(visits), len(visits), 0, 0, 0, 0, (), 0, 0)
    return CovertPlan(JUNE, 5, visits, (), (), stats)


def _visit(vid: str, outlet: str, shopper: str, day: int, window: str = "10:00-12:00"
           ) -> CovertVisit:
    return CovertVisit(vid, outlet, shopper, date(2025, 6, day), Window.parse(window), 0)


def _at(y: int, m: int, d: int, hour: int = 11) -> datetime:
    return datetime(y, m, d, hour, tzinfo=CHINA)


HISTORY = (
    KnownVisit("s4", "A", _at(2025, 4, 20), source="phone-7"),  # made on another device
    KnownVisit("s1", "A", _at(2025, 8, 15), _at(2025, 8, 15, 13),
               source="plan 2025-08"),  # planned in another plan
)
PLAN = _plan(_visit("v1", "A", "s5", 3), _visit("v2", "A", "s2", 20),
             _visit("v3", "B", "s1", 4, "15:00-17:00"), _visit("v4", "C", "s3", 5))


def test_the_hand_made_plan_is_clean() -> None:
    inputs = _inputs(HISTORY)
    assert violations(PLAN, inputs) == []
    assert hard_rule_breaks(PLAN, inputs) == []


@pytest.mark.parametrize(("visit", "change", "key"), [
    ("v1", {"shopper": "s4"}, "planning.refuse.rotation"),  # s4 was at A on 20 April
    ("v1", {"shopper": "s1"}, "planning.refuse.rotation_later"),  # s1 is due at A 15 Aug
    ("v1", {"shopper": "s2"}, "planning.refuse.rotation_plan"),  # s2 goes to A on 20 June
    ("v3", {"shopper": "s2"}, "planning.refuse.excluded"),  # s2 is known at B
    ("v1", {"shopper": "s3"}, "planning.refuse.region"),  # s3 shops R2 only
    ("v2", {"day": date(2025, 6, 7)}, "planning.refuse.unavailable"),  # s2: weekdays only
    ("v1", {"day": date(2025, 6, 10)}, "planning.refuse.closed"),  # A closed that day
    ("v1", {"day": date(2025, 6, 8)}, "planning.refuse.closed"),  # A closed on Sundays
    ("v1", {"window": Window.parse("08:00-10:00")}, "planning.refuse.outside_hours"),
    ("v1", {"day": date(2025, 6, 7), "window": Window.parse("15:00-17:00")},
     "planning.refuse.outside_hours"),  # Saturday: 10:00-16:00
    ("v3", {"window": Window.parse("11:00-13:00")}, "planning.refuse.outside_hours"),  # lunch
    ("v1", {"day": date(2025, 7, 1)}, "planning.refuse.outside_month"),
    ("v4", {"day": date(2025, 6, 4), "shopper": "s5", "window": Window.parse("10:00-11:00")},
     None),
    ("v3", {"day": date(2025, 6, 4), "shopper": "s4"}, None),
    ("v1", {"shopper": "nobody"}, "planning.refuse.unknown_shopper"),
])
def test_moves_are_checked_against_every_hard_rule(visit: str, change: dict[str, object],
                                                   key: str | None) -> None:
    inputs = _inputs(HISTORY)
    reason = check_move(PLAN, visit, inputs, **change)  # type: ignore[arg-type]
    assert (reason.key if reason else None) == key
    if reason is not None:
        assert reason.text("zh") != reason.key and "{" not in reason.text("en")


def test_the_daily_cap_counts_the_rest_of_the_plan_but_not_the_moved_visit() -> None:
    inputs = _inputs()
    # s1 makes one visit a day and already shops B on 4 June (v3)
    assert check_move(PLAN, "v3", inputs, shopper="s1", day=date(2025, 6, 4)) is None
    crowded = _plan(*PLAN.visits, _visit("v6", "A", "s4", 4))
    reason = check_move(crowded, "v6", inputs, shopper="s1")
    assert reason is not None and reason.key == "planning.refuse.cap"
    assert reason.params["cap"] == 1
    assert check_move(crowded, "v6", inputs, shopper="s1", day=date(2025, 6, 5)) is None


def test_a_rotation_refusal_says_when_the_shopper_may_return() -> None:
    inputs = _inputs(HISTORY)
    reason = check_move(PLAN, "v1", inputs, shopper="s4")
    assert reason is not None
    assert reason.params["last"] == "2025-04-20"
    assert reason.params["next"] == "2025-07-21"  # 92 days on
    assert reason.params["source"] == "phone-7"
    assert "2025-07-21" in reason.text("zh") and "2025-07-21" in reason.text("en")


def test_move_applies_an_allowed_move_and_refuses_a_broken_one() -> None:
    inputs = _inputs(HISTORY)
    index = HistoryIndex(inputs.history)
    moved = move(PLAN, "v3", inputs, shopper="s4", day=date(2025, 6, 9), by="张经理",
                 index=index)
    v3 = moved.visit("v3")
    assert v3 is not None and (v3.shopper, v3.day) == ("s4", date(2025, 6, 9))
    assert v3.reasons[-1].key == "planning.reason.moved"
    assert "张经理" in v3.reasons[-1].text("zh")
    assert violations(moved, inputs) == []
    with pytest.raises(UserError) as refused:
        move(PLAN, "v1", inputs, shopper="s4")
    assert refused.value.key == "planning.refuse.rotation"
    assert "2025-04-20" in refused.value.message("zh")
    assert PLAN.visit("v1") is not None and PLAN.visit("v1").shopper == "s5"  # type: ignore[union-attr]
    assert check_move(PLAN, "nope", inputs) is not None


def test_the_rotation_boundary_is_exactly_three_months() -> None:
    """92 days after a visit ends, the same shopper may return; a minute earlier not."""
    base = _at(2025, 3, 5, 10)
    history = (KnownVisit("s4", "A", base, base + timedelta(hours=1)),)
    inputs = _inputs(history)
    last = base + timedelta(hours=1, days=92)  # 2025-06-05 11:00
    ok = check_move(PLAN, "v1", inputs, shopper="s4", day=last.date(),
                    window=Window(time(11, 0), time(13, 0)))
    early = check_move(PLAN, "v1", inputs, shopper="s4", day=last.date(),
                       window=Window(time(10, 59), time(12, 0)))
    assert ok is None
    assert early is not None and early.key == "planning.refuse.rotation"


MOVES = settings(max_examples=80, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@MOVES
@given(covert_inputs(max_outlets=8, max_shoppers=6, max_history=25), st.data())
def test_a_move_is_refused_exactly_when_it_breaks_a_rule(inputs: CovertInputs,
                                                         data: st.DataObject) -> None:
    plan = plan_covert(inputs)
    if not plan.visits:
        return
    old = data.draw(st.sampled_from(plan.visits))
    ids = [s.id for s in inputs.shoppers] + ["unknown"]
    days = [*inputs.month.days(), inputs.month.last_day + timedelta(days=1)]
    windows = [Window.parse(w) for w in ("09:00-11:00", "10:00-11:00", "11:00-13:00",
                                         "14:30-16:30", "19:00-21:00", "08:00-09:00")]
    change = {
        "shopper": data.draw(st.one_of(st.none(), st.sampled_from(ids))),
        "day": data.draw(st.one_of(st.none(), st.sampled_from(days))),
        "window": data.draw(st.one_of(st.none(), st.sampled_from(windows))),
    }
    reason = check_move(plan, old.id, inputs, **change)  # type: ignore[arg-type]
    new = replace(old, **{k: v for k, v in change.items() if v is not None})  # type: ignore[arg-type]
    moved = replace(plan, visits=tuple(new if v.id == old.id else v for v in plan.visits))
    breaks = hard_rule_breaks(moved, inputs)
    assert (reason is None) == (breaks == []), (reason, breaks)
