"""The covert plan over random pools, outlets and histories: the hard rules always hold
(checked independently), what is not covered is listed, and the plan depends only on the
seed and the inputs, not on their order."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.i18n import placeholders
from app.programme.planning import inputs_digest, plan_covert, violations
from app.programme.planning.model import CovertInputs, CovertPlan

from .strategies import (
    capacity,
    covert_inputs,
    expected_wanted,
    hard_rule_breaks,
    shuffled,
    tight_inputs,
)

CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large]
MANY = settings(max_examples=150, deadline=None, suppress_health_check=CHECKS)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=CHECKS)


def _rendered(plan: CovertPlan) -> list[str]:
    texts = []
    for reasons in [v.reasons for v in plan.visits] + [g.reasons for g in plan.shortfall]:
        for r in reasons:
            texts += [r.text("zh"), r.text("en")]
    texts += [n.reason.text(lang) for n in plan.not_due for lang in ("zh", "en")]
    return texts


@MANY
@given(covert_inputs())
def test_hard_rules_always_hold_and_every_gap_is_listed(inputs: CovertInputs) -> None:
    plan = plan_covert(inputs)
    assert hard_rule_breaks(plan, inputs) == []
    assert violations(plan, inputs) == []  # the planner's own checker agrees

    wanted = expected_wanted(inputs)
    planned = Counter(v.outlet for v in plan.visits)
    missing = {g.outlet: g.missing for g in plan.shortfall}
    # every due visit is either planned or listed as missing; nothing else is planned
    assert set(planned) <= set(wanted)
    for code, n in wanted.items():
        assert planned[code] + missing.get(code, 0) == n, code
    for g in plan.shortfall:
        assert g.wanted == wanted[g.outlet] and g.missing > 0 and g.reasons
        assert all(r.key != "planning.gap.other" for r in g.reasons)  # all accounted for
    assert plan.stats.wanted == sum(wanted.values())
    assert plan.stats.planned == len(plan.visits)
    # an outlet not due is said so, with a reason
    due_or_skipped = set(wanted) | {n.outlet for n in plan.not_due}
    assert due_or_skipped == {o.code for o in inputs.outlets}
    if capacity(inputs) < sum(wanted.values()):
        assert plan.shortfall  # a pool too small: a listed shortfall, not a broken rule
    # every reason renders in both languages, every placeholder filled
    for text in _rendered(plan):
        assert not placeholders(text), text


@FAST
@given(covert_inputs(), st.integers(0, 1000))
def test_same_seed_same_plan_whatever_the_input_order(inputs: CovertInputs, shuffle: int
                                                       ) -> None:
    first = plan_covert(inputs)
    mixed = shuffled(inputs, shuffle)
    again = plan_covert(mixed)
    assert again.to_dict() == first.to_dict()
    assert again == first
    assert inputs_digest(mixed) == inputs_digest(inputs)
    assert inputs_digest(replace(inputs, seed=inputs.seed + 1)) != inputs_digest(inputs)
    # what the server stores reads back as the same plan
    assert CovertPlan.from_dict(json.loads(json.dumps(first.to_dict()))) == first


@FAST
@given(covert_inputs(max_outlets=20, max_shoppers=6, max_history=0))
def test_gap_reasons_account_for_every_shopper_of_the_region(inputs: CovertInputs) -> None:
    plan = plan_covert(inputs)
    pools: Counter[str] = Counter()
    for s in inputs.shoppers:
        for region in {s.home_region} | s.regions:
            pools[region] += 1
    region_of = {o.code: o.region for o in inputs.outlets}
    for gap in plan.shortfall:
        keys = [r.key for r in gap.reasons]
        assert keys[0] == "planning.gap.summary"
        if "planning.gap.pool" in keys:
            counted = sum(int(str(r.params["count"])) for r in gap.reasons[2:])
            assert counted == pools[region_of[gap.outlet]]
        else:
            assert keys[1] in ("planning.gap.closed", "planning.gap.no_shopper_in_region")


@FAST
@given(tight_inputs())
def test_repair_keeps_every_rule_when_pools_are_tight(inputs: CovertInputs) -> None:
    plan = plan_covert(inputs)
    assert hard_rule_breaks(plan, inputs) == []
    wanted = expected_wanted(inputs)
    assert len(plan.visits) + sum(g.missing for g in plan.shortfall) == sum(wanted.values())
    # no listed gap could have been filled by a shopper left with room: every shopper of
    # its region is accounted for by a rule
    for gap in plan.shortfall:
        assert all(r.key != "planning.gap.other" for r in gap.reasons)


@FAST
@given(covert_inputs(), st.lists(st.tuples(st.integers(0, 40), st.integers(-2, 2)),
                                 max_size=8))
def test_a_fixed_offset_plans_as_the_named_zone_does(
        inputs: CovertInputs, edges: list[tuple[int, int]]) -> None:
    """The planner works out a fixed offset's days from POSIX seconds (its speed path) and
    any other zone's by converting each time: China's named zone (no daylight saving since
    1991) must give the same plan as the programme's UTC+8, also for visits whose three
    months end on a local midnight or a second either side of one."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from app.programme import rotation
    from app.programme.planning.covert import _Planner
    from app.programme.planning.model import KnownVisit

    shoppers = sorted(s.id for s in inputs.shoppers)
    outlets = sorted(o.code for o in inputs.outlets)
    first = datetime.combine(inputs.month.first_day, time(0), tzinfo=inputs.tz)
    extra = [KnownVisit(shoppers[i % len(shoppers)], outlets[i % len(outlets)],
                        first + timedelta(days=day, seconds=second) - rotation.WINDOW)
             for i, (day, second) in enumerate(edges)] if shoppers and outlets else []
    inputs = replace(inputs, history=(*inputs.history, *extra))
    named = replace(inputs, tz=ZoneInfo("Asia/Shanghai"))
    assert _Planner(named).spans == _Planner(inputs).spans
    assert plan_covert(named).to_dict() == plan_covert(inputs).to_dict()
