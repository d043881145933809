"""How the covert planner chooses: priority when shoppers are short, varied weekdays and
times, spread visits, frequencies, repair, and the reasons it gives; and the inputs it
refuses."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

import pytest

from app.errors import UserError
from app.programme.months import YearMonth
from app.programme.planning import plan_covert, violations
from app.programme.planning.covert import priority_class
from app.programme.planning.model import (
    CovertInputs,
    CovertVisit,
    KnownVisit,
    Outlet,
    Reason,
    Shopper,
    Term,
)
from app.programme.planning.timing import (
    CHINA,
    OpeningHours,
    Window,
    band_of,
    month_weeks,
    parse_month,
)

from .strategies import hard_rule_breaks

JUNE = YearMonth(2025, 6)
ALL_DAY = OpeningHours.every_day("09:00-21:00")


def _dates(*days: int) -> frozenset[date]:
    return frozenset(date(2025, 6, d) for d in days)


def _only_on(sid: str, *days: int, region: str = "R", cap: int = 1) -> Shopper:
    """A shopper who can go only on these June days."""
    return Shopper(sid, region, weekdays=frozenset(), dates=_dates(*days), max_per_day=cap)


def test_priority_order_when_shoppers_are_short() -> None:
    outlets = [
        Outlet("V1", "village", ALL_DAY, region="R", city_class="central"),
        Outlet("G1", "agent", ALL_DAY, region="R", city_class="county"),
        Outlet("G0", "agent", ALL_DAY, region="R", city_class="central"),
        Outlet("T1", "level3", ALL_DAY, region="R", city_class="town"),
        Outlet("K1", "level2", ALL_DAY, region="R", city_class="county"),
        Outlet("C2", "level2", ALL_DAY, region="R", city_class="central", competitor=True),
        Outlet("C1", "level3", ALL_DAY, region="R", city_class="central"),
        Outlet("F1", "flagship", ALL_DAY, region="R", city_class="county"),
    ]
    assert [priority_class(o) for o in outlets] == [5, 4, 4, 3, 2, 1, 1, 0]
    for seats, expected in [(1, {"F1"}), (2, {"F1", "C1"}), (3, {"F1", "C1", "C2"}),
                            (5, {"F1", "C1", "C2", "K1", "T1"}),
                            (6, {"F1", "C1", "C2", "K1", "T1", "G0"}),
                            (7, {"F1", "C1", "C2", "K1", "T1", "G0", "G1"})]:
        shopper = _only_on("s1", *range(1, seats + 1))
        for seed in range(5):
            plan = plan_covert(CovertInputs(JUNE, outlets, [shopper], seed=seed))
            assert {v.outlet for v in plan.visits} == expected, (seats, seed)
            assert [g.outlet for g in plan.shortfall] == sorted(
                {o.code for o in outlets} - expected, key=lambda c: (
                    priority_class(next(o for o in outlets if o.code == c)), c))
            for gap in plan.shortfall:
                assert [r.key for r in gap.reasons] == [
                    "planning.gap.summary", "planning.gap.pool", "planning.gap.caps"]


def test_every_first_visit_of_a_class_comes_before_second_visits() -> None:
    outlets = [Outlet(f"F{i}", "flagship", ALL_DAY, region="R", visits_per_month=2)
               for i in range(3)]
    shoppers = [_only_on("s1", 2), _only_on("s2", 9), _only_on("s3", 16)]
    plan = plan_covert(CovertInputs(JUNE, outlets, shoppers, seed=1))
    assert Counter(v.outlet for v in plan.visits) == {"F0": 1, "F1": 1, "F2": 1}
    assert {(g.outlet, g.missing, g.wanted) for g in plan.shortfall} == {
        ("F0", 1, 2), ("F1", 1, 2), ("F2", 1, 2)}
    assert plan.stats.important_due == 3 and plan.stats.important_covered == 0


def test_no_recent_weekday_or_time_of_day_when_another_is_possible() -> None:
    outlet = Outlet("A", "level2", ALL_DAY, region="R")
    mondays_morning = [KnownVisit(f"old{i}", "A", datetime(2025, 5, 5 + 7 * i, 10, 30,
                                                          tzinfo=CHINA)) for i in range(3)]
    shoppers = [Shopper(f"s{i}", "R") for i in range(3)]
    for seed in range(30):
        plan = plan_covert(CovertInputs(JUNE, [outlet], shoppers, mondays_morning, seed))
        (visit,) = plan.visits
        assert visit.day.weekday() != 0 and visit.window.band != 0
        keys = [r.key for r in visit.reasons]
        assert "planning.reason.weekday_fresh" in keys and "planning.reason.band_fresh" in keys


def test_a_repeat_is_said_when_nothing_else_is_possible() -> None:
    mondays = OpeningHours.weekly({0: "09:00-11:00"})  # open Monday mornings only
    outlet = Outlet("A", "agent", mondays, region="R")
    history = [KnownVisit("old", "A", datetime(2025, 5, 26, 9, 30, tzinfo=CHINA))]
    plan = plan_covert(CovertInputs(JUNE, [outlet], [Shopper("s1", "R")], history, seed=3))
    (visit,) = plan.visits
    assert visit.day.weekday() == 0 and visit.window == Window.parse("09:00-11:00")
    keys = [r.key for r in visit.reasons]
    assert "planning.reason.weekday_repeat" in keys and "planning.reason.band_repeat" in keys
    weekday = next(r for r in visit.reasons if r.key == "planning.reason.weekday_repeat")
    assert weekday.text("zh").startswith("周一") and weekday.text("en").startswith("Monday")


def test_an_outlets_visits_in_the_month_are_spread_and_varied() -> None:
    outlet = Outlet("F", "flagship", ALL_DAY, region="R", visits_per_month=4)
    shoppers = [Shopper(f"s{i}", "R") for i in range(6)]
    for seed in range(20):
        plan = plan_covert(CovertInputs(JUNE, [outlet], shoppers, seed=seed))
        days = sorted(v.day for v in plan.visits)
        assert len(days) == 4 and len({v.shopper for v in plan.visits}) == 4
        assert min((b - a).days for a, b in pairwise(days)) >= 3
        assert len({d.weekday() for d in days}) == 4
        assert len({v.window.band for v in plan.visits}) == 4
        assert all(r.key != "planning.reason.spacing_short"
                   for v in plan.visits for r in v.reasons)


def test_the_seed_draws_the_days_and_times() -> None:
    outlets = [Outlet(f"O{i}", "agent", ALL_DAY, region="R") for i in range(5)]
    shoppers = [Shopper(f"s{i}", "R", max_per_day=3) for i in range(3)]
    plans = {tuple((v.outlet, v.day, v.window) for v in plan_covert(
        CovertInputs(JUNE, outlets, shoppers, seed=seed)).visits) for seed in range(10)}
    assert len(plans) == 10


def test_windows_stay_inside_the_hours_and_their_length() -> None:
    hours = OpeningHours.every_day("08:30-12:00,14:00-18:00")
    outlet = Outlet("A", "agent", hours, region="R")
    short = Outlet("B", "agent", OpeningHours.every_day("10:00-11:00"), region="R")
    shoppers = [Shopper(f"s{i}", "R") for i in range(2)]
    for seed in range(20):
        plan = plan_covert(CovertInputs(JUNE, [outlet, short], shoppers, seed=seed))
        for v in plan.visits:
            start, end = v.window.start, v.window.end
            length = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
            if v.outlet == "A":
                assert length == 120 and v.window.start.minute % 15 == 30 % 15
                assert hours.holds(v.day.weekday(), v.window)
            else:
                assert v.window == Window.parse("10:00-11:00")
            assert band_of(start) <= v.window.band


def test_frequency_and_visits_already_known_this_month() -> None:
    competitor = Outlet("X", "level2", ALL_DAY, region="R", competitor=True, every_months=3)
    busy = Outlet("B", "level2", ALL_DAY, region="R", high_traffic=True)  # 2 a month
    shoppers = [Shopper(f"s{i}", "R") for i in range(4)]

    def known(code: str, y: int, m: int, d: int) -> KnownVisit:
        return KnownVisit("old", code, datetime(y, m, d, 10, tzinfo=CHINA))

    recent = [known("X", 2025, 5, 2), known("B", 2025, 6, 1)]
    plan = plan_covert(CovertInputs(JUNE, [competitor, busy], shoppers, recent, seed=1))
    assert [v.outlet for v in plan.visits] == ["B"]
    assert {n.outlet: n.reason.key for n in plan.not_due} == {
        "X": "planning.not_due.frequency"}
    assert "2025-05" in plan.not_due[0].reason.text("en")
    old = [known("X", 2025, 3, 30)]  # three months ago: due again
    plan = plan_covert(CovertInputs(JUNE, [competitor, busy], shoppers, old, seed=1))
    assert Counter(v.outlet for v in plan.visits) == {"X": 1, "B": 2}
    both = [known("B", 2025, 6, 1), known("B", 2025, 6, 2)]
    plan = plan_covert(CovertInputs(JUNE, [busy], shoppers, both, seed=1))
    assert plan.visits == () and plan.not_due[0].reason.key == "planning.not_due.known"


def test_repair_hands_a_visit_to_another_shopper_to_make_room() -> None:
    # F (flagship, region R2) could go to a or b; L (agent, R1) only to a; one day, cap 1
    outlets = [Outlet("F", "flagship", ALL_DAY, region="R2"),
               Outlet("L", "agent", ALL_DAY, region="R1")]
    shoppers = [Shopper("a", "R1", regions=frozenset({"R2"}), weekdays=frozenset(),
                        dates=_dates(12), max_per_day=1),
                Shopper("b", "R2", weekdays=frozenset(), dates=_dates(12), max_per_day=1)]
    repaired = 0
    for seed in range(12):
        inputs = CovertInputs(JUNE, outlets, shoppers, seed=seed)
        plan = plan_covert(inputs)
        assert {(v.outlet, v.shopper) for v in plan.visits} == {("F", "b"), ("L", "a")}
        assert not plan.shortfall and violations(plan, inputs) == []
        if plan.stats.repaired:
            repaired += 1
            keys = {v.outlet: [r.key for r in v.reasons] for v in plan.visits}
            assert "planning.reason.reassigned" in keys["F"]
            assert "planning.reason.made_room" in keys["L"]
    assert repaired  # the seed sometimes gives F to a first; repair then fixes it


def test_shortfall_reasons_name_each_rule() -> None:
    outlet = Outlet("A", "level2", OpeningHours.weekly({i: "09:00-18:00" for i in range(5)}),
                    region="R")
    history = [KnownVisit("rot", code, datetime(2025, 5, 20, 10, tzinfo=CHINA))
               for code in ("A", "B")]
    shoppers = [Shopper("exc", "R", excluded=frozenset({"A", "B"})),
                Shopper("rot", "R"),
                Shopper("wkd", "R", weekdays=frozenset({5, 6})),  # weekends: A is closed
                _only_on("full", 2)]
    busy = Outlet("B", "flagship", outlet.hours, region="R")  # only 'full' can go: first
    plan = plan_covert(CovertInputs(JUNE, [outlet, busy], shoppers, history, seed=4))
    (gap,) = plan.shortfall
    counts = {r.key: r.params.get("count") for r in gap.reasons}
    assert counts == {"planning.gap.summary": None, "planning.gap.pool": 4,
                      "planning.gap.excluded": 1, "planning.gap.rotation": 1,
                      "planning.gap.availability": 1, "planning.gap.caps": 1}
    rotation = next(r for r in gap.reasons if r.key == "planning.gap.rotation")
    assert "3 个月" in rotation.text("zh") and "three months" in rotation.text("en")
    nobody = plan_covert(CovertInputs(JUNE, [Outlet("Z", "agent", ALL_DAY, region="far")],
                                      shoppers, seed=1))
    assert [r.key for r in nobody.shortfall[0].reasons] == [
        "planning.gap.summary", "planning.gap.no_shopper_in_region"]
    closed = Outlet("C", "agent", OpeningHours.weekly({}), region="R")
    shut = plan_covert(CovertInputs(JUNE, [closed], shoppers, seed=1))
    assert shut.shortfall[0].reasons[1].key == "planning.gap.closed"


def test_history_in_any_time_zone_and_planned_windows_count() -> None:
    outlet = Outlet("A", "agent", ALL_DAY, region="R")
    shopper = Shopper("s1", "R")
    # planned in another plan for 2 September 00:30-02:00 Beijing time (1 September in
    # UTC): a June visit must end 92 days before it starts, so only 1 June is possible
    start = datetime(2025, 9, 1, 16, 30, tzinfo=UTC)
    known = [KnownVisit("s1", "A", start, start + timedelta(minutes=90), source="plan")]
    for seed in range(10):
        inputs = CovertInputs(JUNE, [outlet], [shopper], known, seed=seed)
        plan = plan_covert(inputs)
        assert [v.day for v in plan.visits] == [date(2025, 6, 1)]
        assert hard_rule_breaks(plan, inputs) == []


def test_reasons_and_visits_survive_storage() -> None:
    outlets = [Outlet(f"O{i}", "agent", ALL_DAY, region="R") for i in range(3)]
    plan = plan_covert(CovertInputs(JUNE, outlets, [Shopper("s1", "R")], seed=2))
    for v in plan.visits:
        back = CovertVisit.from_dict(v.to_dict())
        assert back == v
        assert [r.text("en") for r in back.reasons] == [r.text("en") for r in v.reasons]
    assert len(set(plan.visits)) == len(plan.visits)  # hashable, for sets and dict keys
    term = Reason("planning.reason.weekday_fresh", {"weekday": Term("planning.weekday.fri")})
    assert Reason.from_dict(term.to_dict()) == term
    assert term.text("zh").startswith("周五")


@pytest.mark.parametrize(("outlets", "shoppers", "history", "key"), [
    ([Outlet("A", "agent", ALL_DAY), Outlet("A", "agent", ALL_DAY)], [], [],
     "planning.invalid.duplicate_outlet"),
    ([Outlet("A", "kiosk", ALL_DAY)], [], [], "planning.invalid.tier"),
    ([Outlet("A", "agent", ALL_DAY, visits_per_month=5)], [], [], "planning.invalid.visits"),
    ([Outlet("A", "agent", ALL_DAY, city_class="metro")], [], [],
     "planning.invalid.city_class"),
    ([Outlet("A", "agent", ALL_DAY, every_months=0)], [], [],
     "planning.invalid.every_months"),
    ([], [Shopper("s", "R", max_per_day=0)], [], "planning.invalid.cap"),
    ([], [Shopper("s", "R"), Shopper("s", "R")], [], "planning.invalid.duplicate_shopper"),
    ([], [Shopper("s", "R", weekdays=frozenset({7}))], [], "planning.invalid.weekday"),
    ([], [], [KnownVisit("s", "A", datetime(2025, 5, 1))], "planning.invalid.naive_time"),
])
def test_inputs_the_planner_cannot_use_are_refused_clearly(
        outlets: list[Outlet], shoppers: list[Shopper], history: list[KnownVisit],
        key: str) -> None:
    with pytest.raises(UserError) as refused:
        plan_covert(CovertInputs(JUNE, outlets, shoppers, history))
    assert refused.value.key == key
    for lang in ("zh", "en"):
        text = refused.value.message(lang)
        assert text != key and "{" not in text


@pytest.mark.parametrize(("text", "key"), [("2025-13", "planning.invalid.month"),
                                           ("June", "planning.invalid.month")])
def test_months_and_hours_are_read_or_refused(text: str, key: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_month(text)
    assert refused.value.key == key
    assert parse_month(" 2025-3 ") == YearMonth(2025, 3) and str(YearMonth(2025, 3)) == "2025-03"
    for bad, problem in [("18:00-09:00", "planning.invalid.hours_span"),
                         ("9-18", "planning.invalid.clock"),
                         ("09:00", "planning.invalid.hours_span"),
                         ("09:00-12:00,11:00-14:00", "planning.invalid.hours_overlap"),
                         ("25:00-26:00", "planning.invalid.clock")]:
        with pytest.raises(UserError) as refused:
            OpeningHours.every_day(bad)
        assert refused.value.key == problem, bad
    with pytest.raises(UserError):
        Window.parse("12:00-11:00")


def test_the_month_weeks_used_by_coaching_count_thursdays() -> None:
    # cross-check of timing (also used by the coaching tests): 2025-06 has 4 Thursdays
    assert len(month_weeks(JUNE)) == 4
