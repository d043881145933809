"""The coaching cadence: the counts per outlet exactly as the rule says (bottom 10 of each
business unit twice a week, A-class once a week, the rest once a fortnight), on working
days only, within each manager's daily capacity, and every visit that does not fit listed."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import UserError
from app.programme.months import YearMonth
from app.programme.planning import plan_coaching
from app.programme.planning.coaching import bottom_outlets
from app.programme.planning.model import CoachingInputs, CoachingOutlet, CoachingPlan, Manager
from app.programme.planning.timing import fortnights, month_weeks, working_days

FAST = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def test_a_month_has_one_week_per_thursday_and_every_day_in_one_week() -> None:
    for year in range(2024, 2031):
        for m in range(1, 13):
            month = YearMonth(year, m)
            weeks = month_weeks(month)
            thursdays = [d for d in month.days() if d.weekday() == 3]
            assert len(weeks) == len(thursdays) in (4, 5)
            assert [d for w in weeks for d in w] == month.days()  # each day once, in order
            for week, thursday in zip(weeks, thursdays, strict=True):
                assert thursday in week  # a week holds its own Thursday
            pairs = fortnights(weeks)
            assert len(pairs) == (len(weeks) + 1) // 2


def _unit(name: str, size: int, manager: str, classes: str = "") -> list[CoachingOutlet]:
    return [CoachingOutlet(f"{name}{r:02d}", manager, name, r,
                           classes[r - 1] if r <= len(classes) else "B")
            for r in range(1, size + 1)]


def test_the_bottom_ten_are_per_business_unit_and_ties_at_the_edge_are_in() -> None:
    outlets = _unit("U", 15, "m1") + _unit("W", 8, "m2")
    bottom = bottom_outlets(outlets)
    assert sorted(bottom) == [f"U{r:02d}" for r in range(6, 16)] + [f"W{r:02d}"
                                                                  for r in range(1, 9)]
    tied = [*outlets, CoachingOutlet("U06b", "m1", "U", 6)]  # ties with U06 at rank 6
    assert {"U06", "U06b"} <= set(bottom_outlets(tied))
    assert "U05" not in bottom_outlets(tied)


def test_counts_and_days_in_a_five_week_month() -> None:
    month = YearMonth(2025, 7)  # Thursdays 3, 10, 17, 24, 31: five weeks
    outlets = _unit("U", 14, "m1", classes="AAB")  # ranks 1-2 class A, 5-14 bottom
    outlets.append(CoachingOutlet("NEW", "m1", "U", None, None))  # not ranked
    plan = plan_coaching(CoachingInputs(month, month.previous(), outlets,
                                        [Manager("m1", max_per_day=20)]))
    required = {t.outlet: (t.cadence, t.required) for t in plan.targets}
    assert required["U01"] == ("class_a", 5) and required["U03"] == ("fortnightly", 3)
    assert required["U05"] == ("bottom", 10) and required["NEW"] == ("fortnightly", 3)
    assert not plan.shortfall and plan.note is None
    per_outlet = Counter(v.outlet for v in plan.visits)
    assert all(per_outlet[code] == n for code, (_, n) in required.items())
    weeks = month_weeks(month)
    for v in plan.visits:
        assert v.day.weekday() < 5
        if v.cadence != "fortnightly":
            assert v.day in weeks[v.period - 1]
    u05 = sorted(v.day for v in plan.visits if v.outlet == "U05")
    for week in weeks:
        days = [d for d in u05 if d in week]
        assert len(days) == 2 and (days[1] - days[0]).days >= 2  # e.g. Monday and Thursday
    texts = [t.reason.text(lang) for t in plan.targets for lang in ("zh", "en")]
    assert any("倒数 10" in x for x in texts) and any("lowest 10" in x for x in texts)


def test_holidays_make_up_days_and_leave() -> None:
    month = YearMonth(2025, 10)
    holidays = frozenset(date(2025, 10, d) for d in range(1, 9))  # National Day week
    makeup = frozenset({date(2025, 10, 11)})  # a Saturday worked
    leave = frozenset({date(2025, 10, 9)})
    outlets = [CoachingOutlet("LOW", "m1", "U", 1, "B")]  # alone in its unit: bottom
    plan = plan_coaching(CoachingInputs(month, month.previous(), outlets,
                                        [Manager("m1", 5, leave)], holidays, makeup))
    (target,) = plan.targets
    assert target.required == 10  # five weeks, twice a week
    days = sorted(v.day for v in plan.visits)
    assert date(2025, 10, 11) in days  # the make-up Saturday is a working day
    assert not set(days) & (holidays | leave)
    gaps = {(s.period, s.missing, s.reason.key) for s in plan.shortfall}
    # week 1 (1-5 Oct) is all holiday; week 2 keeps 10 Oct and the make-up 11 Oct
    assert gaps == {(1, 2, "planning.coaching.gap.no_working_day")}
    assert len(days) + sum(s.missing for s in plan.shortfall) == target.required


def test_a_full_manager_plans_the_bottom_outlets_first() -> None:
    month = YearMonth(2025, 6)
    outlets = _unit("U", 20, "m1", classes="AAAA")
    plan = plan_coaching(CoachingInputs(month, month.previous(), outlets,
                                        [Manager("m1", max_per_day=1)]))
    done = Counter(v.outlet for v in plan.visits)
    bottom = [f"U{r:02d}" for r in range(11, 21)]
    weeks = month_weeks(month)
    working = len(working_days(month.days(), frozenset(), frozenset()))
    assert sum(done.values()) == working  # every working day used once
    # the worst outlets get all their visits; class A and the rest get what is left
    assert all(done[code] == 2 * len(weeks) for code in bottom[-1:])
    missed: defaultdict[str, int] = defaultdict(int)
    for gap in plan.shortfall:
        missed[gap.outlet] += gap.missing
        assert gap.reason.key == "planning.coaching.gap.capacity"
    for t in plan.targets:
        assert done[t.outlet] + missed[t.outlet] == t.required
    assert all(done[f"U{r:02d}"] == 0 for r in range(1, 11))  # nothing left for them


def test_when_last_month_is_not_closed_the_plan_says_so() -> None:
    month = YearMonth(2025, 6)
    outlets = _unit("U", 3, "m1")
    plan = plan_coaching(CoachingInputs(month, YearMonth(2025, 4), outlets, [Manager("m1")]))
    assert plan.note is not None and plan.note.key == "planning.coaching.ranking_not_closed"
    assert "2025-05" in plan.note.text("zh") and "2025-04" in plan.note.text("en")
    with pytest.raises(UserError) as refused:
        plan_coaching(CoachingInputs(month, month, outlets, [Manager("m1")]))
    assert refused.value.key == "planning.invalid.ranking_month"
    missing = plan_coaching(CoachingInputs(month, YearMonth(2025, 5), outlets, []))
    assert {s.reason.key for s in missing.shortfall} == {"planning.coaching.gap.no_manager"}
    assert not missing.visits


@st.composite
def coaching_inputs(draw: st.DrawFn) -> CoachingInputs:
    """Sizes from hypothesis, details from a seeded random.Random (fast to generate)."""
    month = draw(st.sampled_from([YearMonth(2025, m) for m in range(1, 13)] + [YearMonth(2026, 2)]))
    n_managers = draw(st.integers(1, 3))
    n_outlets = draw(st.integers(1, 30))
    cap = draw(st.integers(1, 6))
    rng = random.Random(draw(st.integers(0, 2**32)))
    days = month.days()
    managers = [Manager(f"m{i}", rng.randint(1, cap),
                        frozenset(rng.sample(days, rng.randint(0, 4))))
                for i in range(n_managers)]
    outlets = [CoachingOutlet(f"O{i:02d}", rng.choice(managers).id, rng.choice(("U1", "U2")),
                              rng.choice((None, *range(1, 26))),
                              rng.choice(("A", "B", "C", None)))
               for i in range(n_outlets)]
    holidays = frozenset(rng.sample(days, rng.randint(0, 5)))
    weekend = [d for d in days if d.weekday() >= 5]
    makeup = frozenset(rng.sample(weekend, rng.randint(0, 2)))
    return CoachingInputs(month, month.shift(-rng.randint(1, 2)), outlets, managers,
                          holidays, makeup, bottom_n=rng.choice((10, 10, 3)))


@FAST
@given(coaching_inputs())
def test_cadence_counts_are_exact_and_every_visit_fits_the_rules(inputs: CoachingInputs
                                                                 ) -> None:
    plan = plan_coaching(inputs)
    weeks = month_weeks(inputs.month)
    bottom = bottom_outlets(inputs.outlets, inputs.bottom_n)
    managers = {m.id: m for m in inputs.managers}
    work = set(working_days(inputs.month.days(), inputs.holidays, inputs.workdays))
    # the rule's counts, independently
    for t in plan.targets:
        o = next(o for o in inputs.outlets if o.code == t.outlet)
        if o.code in bottom:
            assert (t.cadence, t.required) == ("bottom", 2 * len(weeks))
        elif o.outlet_class == "A":
            assert (t.cadence, t.required) == ("class_a", len(weeks))
        else:
            assert (t.cadence, t.required) == ("fortnightly", (len(weeks) + 1) // 2)
    assert {t.outlet for t in plan.targets} == {o.code for o in inputs.outlets}
    # planned + listed missing = required, per outlet and per period
    got: Counter[tuple[str, int]] = Counter((v.outlet, v.period) for v in plan.visits)
    short: Counter[tuple[str, int]] = Counter()
    for s in plan.shortfall:
        short[(s.outlet, s.period)] += s.missing
        assert s.missing > 0
    for t in plan.targets:
        periods = len(weeks) if t.cadence != "fortnightly" else (len(weeks) + 1) // 2
        per = 2 if t.cadence == "bottom" else 1
        for p in range(1, periods + 1):
            assert got[(t.outlet, p)] + short[(t.outlet, p)] == per, (t, p)
    # every visit: a working day of its period, its manager's, within the daily capacity
    load = Counter((v.manager, v.day) for v in plan.visits)
    for v in plan.visits:
        m = managers[v.manager]
        assert v.day in work and v.day not in m.unavailable
        assert load[(v.manager, v.day)] <= m.max_per_day
        spans = weeks if v.cadence != "fortnightly" else fortnights(weeks)
        assert v.day in spans[v.period - 1]
    same_day = Counter((v.outlet, v.day) for v in plan.visits)
    assert max(same_day.values(), default=1) == 1  # never twice the same day
    for s in plan.shortfall:
        assert "{" not in s.reason.text("en") and "{" not in s.reason.text("zh")
    assert plan_coaching(inputs) == plan  # the same inputs, the same plan
    assert CoachingPlan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_a_week_starting_on_a_weekend_joins_the_next() -> None:
    # March 2025 starts on a Saturday: 1-2 March join the week of Thursday 6 March
    weeks = month_weeks(YearMonth(2025, 3))
    assert weeks[0][0] == date(2025, 3, 1) and weeks[0][-1] == date(2025, 3, 9)
    # April 2025 ends on a Wednesday: 28-30 April (Thursday 1 May's week) join the last
    weeks = month_weeks(YearMonth(2025, 4))
    assert weeks[-1][0] == date(2025, 4, 21) and weeks[-1][-1] == date(2025, 4, 30)
    assert len(weeks[-1]) == 10
    assert weeks[0][0] + timedelta(days=0) == date(2025, 4, 1)
