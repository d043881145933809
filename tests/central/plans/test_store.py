"""Plans made through the server's own tables (real SQLite file, real PostgreSQL), checked
independently of the planner: the rotation rule against results from other devices and
against earlier plans, caps, availability, opening hours, the seed, moves, publishing and
the status against results that arrived."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from app.central.context import ServerContext
from app.central.models import Assignment, PlannedVisit, VisitPlan
from app.central.plans import store
from app.central.plans.store import PlanError
from app.programme import rotation
from app.programme.months import YearMonth
from app.programme.planning import violations
from app.programme.planning.timing import CHINA, Window, at, parse_hours

from .support import covert_result, load_master_data

JUNE = YearMonth(2025, 6)
AUDIT_WORDS = ("暗访", "检查", "神秘顾客", "明查", "audit", "inspection", "mystery")


@pytest.fixture
def planned(ctx: ServerContext, tmp_path: Path) -> ServerContext:
    load_master_data(ctx, tmp_path / "master")
    # ms1 shopped H1 from another device on 20 April: blocked until 21 July
    covert_result(ctx, "ms1", "H1", datetime(2025, 4, 20, 10, 0))
    # ms3 shopped A2 on 1 June, already this month
    covert_result(ctx, "ms3", "A2", datetime(2025, 6, 1, 15, 0))
    return ctx


def _outlet_hours(ctx: ServerContext) -> dict[str, object]:
    from app.central.models import Outlet

    with ctx.session() as s:
        return {o.code: parse_hours(o.opening_hours or "09:00-18:00")
                for o in s.exec(select(Outlet)).all()}


def test_covert_plans_keep_every_rule_over_many_seeds(planned: ServerContext) -> None:
    ctx = planned
    hours = _outlet_hours(ctx)
    caps = {"ms1": 2, "ms2": 1, "ms3": 2}
    for seed in range(8):
        stored = store.propose_covert(ctx, JUNE, seed=seed, by="tester")
        plan = stored.covert
        assert plan.visits, "the pool can cover something"
        # the planner's own check, on inputs built again from the tables
        assert violations(plan, store.covert_inputs(ctx, JUNE, seed,
                                                    skip_plans=[stored.id])) == []
        per_day = Counter((v.shopper, v.day) for v in plan.visits)
        for v in plan.visits:
            # never the known shopper again within three months (the other device's visit)
            assert not (v.shopper == "ms1" and v.outlet == "H1")
            assert not (v.shopper == "ms3" and v.outlet == "A2")
            # the exclusion lists: ms2 is known at H2, ms3 at A1
            assert (v.shopper, v.outlet) not in {("ms2", "H2"), ("ms3", "A1")}
            # availability: ms1 weekdays only, ms3 weekends plus 11 June, not 14 June
            if v.shopper == "ms1":
                assert v.day.weekday() < 5
            if v.shopper == "ms3":
                assert (v.day.weekday() >= 5 or v.day == date(2025, 6, 11)) \
                    and v.day != date(2025, 6, 14)
            assert per_day[(v.shopper, v.day)] <= caps[v.shopper]
            assert hours[v.outlet].holds(v.day.weekday(), v.window)  # type: ignore[attr-defined]
            assert v.day.month == 6
        # nothing silently dropped: every visit wanted is planned or in the shortfall
        assert plan.stats.wanted == len(plan.visits) + sum(s.missing for s in plan.shortfall)
        # H1 is important: two visits wanted; A2 was shopped already this month: none more
        wanted = {s.outlet: s.wanted for s in plan.shortfall}
        counts = Counter(v.outlet for v in plan.visits)
        assert counts["H1"] + (wanted.get("H1", 0) and next(
            s.missing for s in plan.shortfall if s.outlet == "H1")) == 2
        assert counts["A2"] == 0 and "A2" in {n.outlet for n in plan.not_due}


def test_the_same_seed_and_inputs_give_the_same_plan(planned: ServerContext) -> None:
    first = store.propose_covert(planned, JUNE, seed=42, by="a")
    again = store.propose_covert(planned, JUNE, seed=42, by="b")
    assert again.covert.visits == first.covert.visits
    assert again.inputs_digest == first.inputs_digest and again.seed == 42
    assert store.get_plan(planned, first.id).state == "superseded"
    assert store.current_plan(planned, "covert", JUNE).id == again.id  # type: ignore[union-attr]
    other = store.propose_covert(planned, JUNE, seed=43, by="c")
    assert other.seed == 43  # a new seed: a plan of its own, drawn again


def test_a_later_plan_counts_the_visits_of_earlier_plans(planned: ServerContext) -> None:
    june = store.propose_covert(planned, JUNE, seed=1, by="a")
    store.publish(planned, june.id, by="a")
    july = store.propose_covert(planned, YearMonth(2025, 7), seed=1, by="a")
    for v in july.covert.visits:
        start = at(v.day, v.window.start, CHINA)
        for w in june.covert.visits:
            if (w.shopper, w.outlet) == (v.shopper, v.outlet):
                assert start - at(w.day, w.window.end, CHINA) >= rotation.WINDOW
    # and a July draft's visits are known to an August plan too
    august = store.covert_inputs(planned, YearMonth(2025, 8), 1)
    assert {k.source for k in august.history} >= {f"plan {june.id}", f"plan {july.id}"}


def test_a_move_that_breaks_a_rule_is_refused_with_the_reason(planned: ServerContext) -> None:
    stored = store.propose_covert(planned, JUNE, seed=3, by="a")
    visit = next(v for v in stored.covert.visits if v.outlet == "H1")
    # to the shopper who was there in April: the rotation rule
    with pytest.raises(PlanError) as refused:
        store.move_visit(planned, stored.id, visit.id, by="mgr", shopper="ms1",
                         day=date(2025, 6, 18), window=Window.parse("10:00-12:00"))
    assert refused.value.key == "planning.refuse.rotation"
    assert "2025-04-20" in refused.value.message("en")
    assert "3 个月" in refused.value.message("zh") or "三个月" in refused.value.message("zh")
    # outside the opening hours
    with pytest.raises(PlanError) as refused:
        store.move_visit(planned, stored.id, visit.id, by="mgr",
                         window=Window.parse("06:00-08:00"))
    assert refused.value.key == "planning.refuse.outside_hours"
    assert store.get_plan(planned, stored.id).body == stored.body  # nothing changed
    # an allowed move is kept, with who moved it
    target = next(v for v in stored.covert.visits if v.outlet == "H3")
    day = next(d for d in JUNE.days() if d.weekday() == 2
               and not any(v.shopper == target.shopper and v.day == d
                           for v in stored.covert.visits))
    if target.shopper == "ms3":  # a weekend shopper: use a Saturday
        day = date(2025, 6, 21)
    moved = store.move_visit(planned, stored.id, target.id, by="mgr", day=day,
                             window=Window.parse("14:15-16:15"))
    new = moved.covert.visit(target.id)
    assert new is not None and new.day == day and str(new.window) == "14:15-16:15"
    assert new.reasons[-1].key == "planning.reason.moved"
    with planned.session() as s:
        row = s.exec(select(PlannedVisit).where(PlannedVisit.plan_id == stored.id,
                                                PlannedVisit.visit_id == target.id)).one()
    assert row.day == day


def test_publishing_makes_each_persons_assignments_in_errand_words(
        planned: ServerContext) -> None:
    stored = store.propose_covert(planned, JUNE, seed=5, by="a")
    done = store.publish(planned, stored.id, by="boss")
    assert done.created == len(stored.covert.visits) and done.without_account == ()
    with planned.session() as s:
        rows = s.exec(select(Assignment)).all()
        plan_row = s.get(VisitPlan, stored.id)
    assert plan_row is not None and plan_row.state == "published"
    assert plan_row.published_by == "boss"
    got = sorted((a.inspector_id, a.outlet_code, a.due_by) for a in rows)
    assert got == sorted((v.shopper, v.outlet, v.day) for v in stored.covert.visits)
    for a, v in zip(sorted(rows, key=lambda a: (a.inspector_id, a.outlet_code, a.due_by)),
                    sorted(stored.covert.visits, key=lambda v: (v.shopper, v.outlet, v.day)),
                    strict=True):
        assert a.kind == "mystery_shop" and a.due_from == a.due_by == v.day
        assert str(v.window) in (a.note or "")
        assert not any(word in (a.note or "") for word in AUDIT_WORDS)
    # published: planned again is refused, published again is refused
    with pytest.raises(PlanError) as refused:
        store.propose_covert(planned, JUNE, seed=6, by="a")
    assert refused.value.key == "planning.store.already_published"
    with pytest.raises(PlanError):
        store.publish(planned, stored.id, by="boss")
    # a move on the published plan moves the assignment too
    v = next(v for v in stored.covert.visits if v.outlet == "H1")
    moved = store.move_visit(planned, stored.id, v.id, by="mgr",
                             window=Window.parse("09:00-11:00"))
    with planned.session() as s:
        pv = s.exec(select(PlannedVisit).where(PlannedVisit.plan_id == stored.id,
                                               PlannedVisit.visit_id == v.id)).one()
        a = s.get(Assignment, pv.assignment_id)
    assert a is not None and "09:00-11:00" in (a.note or "")
    assert moved.state == "published"


def test_status_counts_a_visit_done_only_by_a_result_that_arrived(
        planned: ServerContext) -> None:
    stored = store.propose_covert(planned, JUNE, seed=2, by="a")
    store.publish(planned, stored.id, by="a")
    visits = sorted(stored.covert.visits, key=lambda v: v.day)
    first, last = visits[0], visits[-1]
    during = datetime.combine(first.day, datetime.min.time(), CHINA) + timedelta(days=1)
    before = store.month_status(planned, JUNE, now=during)
    assert before.status.totals.done == 0 and before.status.totals.planned >= 1
    # the first visit's result arrives, inside its window
    local = datetime.combine(first.day, first.window.start) + timedelta(minutes=30)
    covert_result(planned, first.shopper, first.outlet, local)
    after = store.month_status(planned, JUNE, now=datetime(2025, 7, 5, tzinfo=UTC))
    states = {s.visit_id: s for s in after.status.visits}
    assert states[first.id].state == "done" and states[first.id].timing == "in_window"
    assert states[last.id].state == "missed"
    assert after.status.totals.done == 1
    assert after.status.totals.missed == len(visits) - 1
    assert sum(c.done for c in after.status.by_person.values()) == 1
    assert set(after.status.by_manager) <= {"am1", "am2"}


def test_coaching_without_a_closed_month_says_so(planned: ServerContext) -> None:
    with pytest.raises(PlanError) as refused:
        store.propose_coaching(planned, JUNE, by="a")
    assert refused.value.key == "planning.store.no_closed_month"
    assert "hallcheck month close" in refused.value.message("en")


def test_plan_bodies_are_json_with_seed_and_reasons(planned: ServerContext) -> None:
    stored = store.propose_covert(planned, JUNE, seed=9, by="a")
    with planned.session() as s:
        row = s.get(VisitPlan, stored.id)
    assert row is not None
    body = json.loads(row.body)
    assert body["seed"] == 9 and body["month"] == "2025-06"
    assert all(v["reasons"] for v in body["visits"])
    assert len(row.inputs_digest or "") == 64


def test_a_draft_broken_by_a_result_that_arrived_since_is_not_published(
        planned: ServerContext) -> None:
    stored = store.propose_covert(planned, JUNE, seed=4, by="a")
    v = stored.covert.visits[0]
    # the same shopper shops the same outlet a week before the planned day (another phone)
    local = datetime.combine(v.day - timedelta(days=7), v.window.start)
    covert_result(planned, v.shopper, v.outlet, local)
    with pytest.raises(PlanError) as refused:
        store.publish(planned, stored.id, by="boss")
    assert refused.value.key == "planning.store.publish_broken"
    assert v.outlet in refused.value.message("en")
    assert store.get_plan(planned, stored.id).state == "draft"
    with planned.session() as s:
        assert s.exec(select(Assignment)).all() == []


def test_two_managers_publishing_at_once_publish_it_once(planned: ServerContext) -> None:
    import threading

    stored = store.propose_covert(planned, JUNE, seed=8, by="a")
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def publish(who: str) -> None:
        barrier.wait()
        try:
            outcomes.append(store.publish(planned, stored.id, by=who))
        except PlanError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=publish, args=(w,)) for w in ("boss", "deputy")]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    done = [o for o in outcomes if isinstance(o, store.Published)]
    refused = [o for o in outcomes if isinstance(o, PlanError)]
    assert len(done) == 1 and len(refused) == 1, outcomes
    assert refused[0].key == "planning.store.not_draft"
    with planned.session() as s:
        assignments = s.exec(select(Assignment)).all()
        linked = s.exec(select(PlannedVisit).where(PlannedVisit.plan_id == stored.id)).all()
    assert len(assignments) == len(stored.covert.visits) == done[0].created
    assert sorted(pv.assignment_id for pv in linked) == sorted(a.id for a in assignments)


def test_a_move_over_a_plan_changed_meanwhile_is_refused(planned: ServerContext,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    stored = store.propose_covert(planned, JUNE, seed=3, by="a")
    first, second = stored.covert.visits[0], stored.covert.visits[1]
    real_inputs = store.covert_inputs
    state = {"done": False}

    def inputs_then_someone_else_moves(*args, **kwargs):  # type: ignore[no-untyped-def]
        got = real_inputs(*args, **kwargs)
        if not state["done"]:  # while this move is being checked, another one lands
            state["done"] = True
            monkeypatch.setattr(store, "covert_inputs", real_inputs)
            store.move_visit(planned, stored.id, second.id, by="deputy",
                             window=_other_window(planned, second))
        return got

    monkeypatch.setattr(store, "covert_inputs", inputs_then_someone_else_moves)
    with pytest.raises(PlanError) as refused:
        store.move_visit(planned, stored.id, first.id, by="boss",
                         window=_other_window(planned, first))
    assert refused.value.key == "planning.store.changed_meanwhile"
    after = store.get_plan(planned, stored.id)
    assert after.covert.visit(first.id) == first  # the stale move changed nothing
    assert after.covert.visit(second.id) != second  # the other one is kept
    assert after.revision == 1


def _other_window(ctx: ServerContext, v) -> Window:  # type: ignore[no-untyped-def]
    """A window on the same day inside the outlet's hours, other than the visit's."""
    hours = _outlet_hours(ctx)[v.outlet]
    for span in hours.on(v.day.weekday()):  # type: ignore[attr-defined]
        start = datetime.combine(v.day, span.open)
        for shift in range(0, 600, 15):
            w_start = start + timedelta(minutes=shift)
            w = Window(w_start.time(), (w_start + timedelta(minutes=60)).time())
            if w != v.window and span.holds(w):
                return w
    raise AssertionError("no other window")
