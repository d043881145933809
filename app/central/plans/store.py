"""Plans on the central endpoint: propose from what the server knows, keep, edit, publish
to devices, and compare with the results that arrived.

The rules are app.programme.planning's (pure); this module only gathers their inputs from
the tables and stores their outputs:
- covert: active outlets (hours, city class, importance, frequency), the shopper pool,
  and every covert visit known: finalised mystery-shop results from every device and the
  visits of every other stored plan (drafts and published), so the rotation rule counts
  them all; the plan is kept with its seed and inputs digest (same seed + inputs: the same
  plan);
- coaching: the latest closed month's ranking (app.central.month.read);
- a published plan's visits become Assignments (devices get them on their next sync) in
  the shopper's discreet wording; a move on a published plan moves its assignment too.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import insert as sa_insert
from sqlalchemy import select as sa_select
from sqlalchemy import update as sa_update
from sqlmodel import col, select

from app.central.context import ServerContext
from app.central.db import bulk_insert
from app.central.models import (
    Assignment,
    Inspection,
    Inspector,
    Outlet,
    PlannedVisit,
    VisitPlan,
    utcnow,
)
from app.central.plans.shoppers import pool
from app.errors import UserError
from app.i18n import t
from app.programme import rotation
from app.programme.months import YearMonth
from app.programme.planning import (
    HistoryIndex,
    check_move,
    inputs_digest,
    plan_coaching,
    plan_covert,
    plan_status,
    violations,
)
from app.programme.planning.covert import move as move_visit_in_plan
from app.programme.planning.model import (
    COACHING_KIND,
    COVERT_KIND,
    HALL_TIERS,
    ArrivedResult,
    CoachingInputs,
    CoachingOutlet,
    CoachingPlan,
    CovertInputs,
    CovertPlan,
    CovertRules,
    Family,
    KnownVisit,
    Manager,
    PlanStatus,
    Reason,
)
from app.programme.planning.model import Outlet as PlanOutlet
from app.programme.planning.timing import CHINA, OpeningHours, Window, at, parse_hours
from app.programme.rules_loader import default_programme_path, load_rules_file
from app.programme.rules_schema import PlanningRules

PlanKind = Literal["covert", "coaching"]
KINDS: tuple[PlanKind, ...] = ("covert", "coaching")
MAX_SEED = 2**31 - 1
KIND_KEYS = {"covert": "planning.kind.covert", "coaching": "planning.kind.coaching"}
STATE_KEYS = {"draft": "planning.state.draft", "published": "planning.state.published",
              "superseded": "planning.state.superseded"}
STATUS_KEYS = {"planned": "planning.status.planned", "done": "planning.status.done",
               "late": "planning.status.late", "missed": "planning.status.missed"}


class PlanError(UserError):
    """A refused plan operation, with the HTTP status the console or an API answers."""

    def __init__(self, key: str, /, status: int = 409, **params: object) -> None:
        super().__init__(key, **params)
        self.status = status


@dataclass(frozen=True)
class StoredPlan:
    id: int
    kind: PlanKind
    month: YearMonth
    state: str  # draft | published | superseded
    seed: int | None
    inputs_digest: str | None
    created_at: datetime
    created_by: str
    published_at: datetime | None
    published_by: str | None
    body: dict[str, Any]
    revision: int = 0  # bumped by every move and the publish (a stale edit is refused)

    @property
    def covert(self) -> CovertPlan:
        assert self.kind == "covert"
        return CovertPlan.from_dict(self.body)

    @property
    def coaching(self) -> CoachingPlan:
        assert self.kind == "coaching"
        return CoachingPlan.from_dict(self.body)


def _stored(row: VisitPlan, body: dict[str, Any] | None = None) -> StoredPlan:
    """The row as a StoredPlan (`body`: the plan already in hand, not read back)."""
    assert row.id is not None
    return StoredPlan(row.id, row.kind, YearMonth.parse(row.month),  # type: ignore[arg-type]
                      row.state, row.seed, row.inputs_digest, row.created_at,
                      row.created_by, row.published_at, row.published_by,
                      body if body is not None else json.loads(row.body), row.revision)


# -- rules ---------------------------------------------------------------------------------


def programme_path(ctx: ServerContext) -> Path:
    """The server's programme.yaml: its data dir's own, else the shipped one."""
    own = ctx.settings.data_dir / "programme.yaml"
    return own if own.exists() else default_programme_path()


def planning_rules(ctx: ServerContext) -> PlanningRules:
    return load_rules_file(programme_path(ctx)).source.planning


def covert_rules(rules: PlanningRules) -> CovertRules:
    c = rules.covert
    return CovertRules(default_visits=c.default_visits, important_visits=c.important_visits,
                       window_minutes=c.window_minutes, step_minutes=c.step_minutes,
                       recent_visits=c.recent_visits)


# -- covert inputs -----------------------------------------------------------------------------


# the columns of an outlet the planner reads (rows, not ORM objects: a province is 20,000)
_PLAN_OUTLET_COLUMNS = (Outlet.code, Outlet.tier, Outlet.opening_hours, Outlet.region,
                        Outlet.city_class, Outlet.visits_per_month, Outlet.important,
                        Outlet.traffic, Outlet.competitor, Outlet.every_months)


def _plan_outlet(o: Any, default_hours: str,
                 hours_cache: dict[str, OpeningHours]) -> PlanOutlet:
    """An outlet row as the planner sees it (`hours_cache`: outlets share a few opening
    hours, parsed once each)."""
    text_ = o.opening_hours or default_hours
    hours = hours_cache.get(text_)
    if hours is None:
        try:
            hours = hours_cache[text_] = parse_hours(text_)
        except UserError:
            raise PlanError("planning.store.bad_hours", status=409, outlet=o.code,
                            value=text_) from None
    # a tier the planner does not know (a rulebook's own) is planned as an agent outlet
    family: Family = "hall" if o.tier in HALL_TIERS else "agent"
    return PlanOutlet(
        code=o.code, tier=o.tier, hours=hours, region=o.region or "",
        city_class=o.city_class, family=family,
        visits_per_month=o.visits_per_month, important=o.important,
        high_traffic=o.traffic == "busy", competitor=o.competitor,
        every_months=o.every_months or 1)


def known_visits(ctx: ServerContext, month: YearMonth, *, skip_plans: Sequence[int] = ()
                 ) -> list[KnownVisit]:
    """Every covert visit the server knows near `month` (three months either side): the
    finalised mystery-shop results from every device, and the visits of stored plans that
    are not superseded (less `skip_plans`)."""
    margin = rotation.WINDOW + timedelta(days=31)
    # times in the database are UTC (SQLite compares them as written)
    start = (at(month.first_day, time(0), CHINA) - margin).astimezone(UTC)
    end = (at(month.last_day, time(0), CHINA) + margin).astimezone(UTC)
    out: list[KnownVisit] = []
    with ctx.session() as s:
        # only the columns the rule needs (a result's body can be large)
        for inspector, outlet, finalized, device in s.exec(select(
                Inspection.inspector_id, Inspection.outlet_code, Inspection.finalized_at,
                Inspection.device_id).where(
                Inspection.kind == COVERT_KIND, col(Inspection.finalized_at).is_not(None),
                col(Inspection.finalized_at) >= start, col(Inspection.finalized_at) < end)):
            assert finalized is not None
            out.append(KnownVisit(inspector, outlet, _aware(finalized), source=device))
        live = select(VisitPlan.id).where(col(VisitPlan.state) != "superseded")
        rows: Sequence[Any] = s.exec(select(  # type: ignore[call-overload]
            PlannedVisit.plan_id, PlannedVisit.person, PlannedVisit.outlet_code,
            PlannedVisit.starts_at, PlannedVisit.ends_at).where(
            PlannedVisit.kind == COVERT_KIND, col(PlannedVisit.plan_id).in_(live),
            col(PlannedVisit.ends_at) >= start, col(PlannedVisit.starts_at) < end)).all()
        for pv in rows:
            if pv.plan_id in skip_plans:
                continue
            out.append(KnownVisit(pv.person, pv.outlet_code, _aware(pv.starts_at),
                                  until=_aware(pv.ends_at), source=f"plan {pv.plan_id}"))
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def covert_inputs(ctx: ServerContext, month: YearMonth, seed: int, *,
                  skip_plans: Sequence[int] = ()) -> CovertInputs:
    rules = planning_rules(ctx)
    with ctx.session() as s:
        outlets = s.exec(select(*_PLAN_OUTLET_COLUMNS)  # type: ignore[call-overload]
                         .where(col(Outlet.active).is_(True)).order_by(Outlet.code)).all()
    hours: dict[str, OpeningHours] = {}
    return CovertInputs(
        month=month,
        outlets=[_plan_outlet(o, rules.covert.default_hours, hours) for o in outlets],
        shoppers=pool(ctx, rules.covert.default_max_per_day),
        history=known_visits(ctx, month, skip_plans=skip_plans), seed=seed,
        rules=covert_rules(rules), tz=CHINA)


# -- storing plans -----------------------------------------------------------------------------


def _open_plans(ctx: ServerContext, kind: PlanKind, month: YearMonth) -> list[VisitPlan]:
    with ctx.session() as s:
        return list(s.exec(select(VisitPlan).where(
            VisitPlan.kind == kind, VisitPlan.month == str(month),
            col(VisitPlan.state) != "superseded").order_by(col(VisitPlan.id))).all())


def _refuse_if_published(ctx: ServerContext, kind: PlanKind, month: YearMonth) -> list[int]:
    rows = _open_plans(ctx, kind, month)
    for r in rows:
        if r.state == "published":
            raise PlanError("planning.store.already_published", kind=t(KIND_KEYS[kind]),
                            month=str(month), plan=r.id)
    return [r.id for r in rows if r.id is not None]


def _visit_rows(plan_id: int, kind: str, visits: Sequence[Any]) -> list[dict[str, Any]]:
    """The planned_visits rows of a plan's visits (plain dicts: one bulk insert)."""
    rows = []
    for v in visits:
        if kind == COVERT_KIND:
            starts, ends = at(v.day, v.window.start, CHINA), at(v.day, v.window.end, CHINA)
        else:
            starts = at(v.day, time(0), CHINA)
            ends = starts + timedelta(days=1)
        rows.append({"plan_id": plan_id, "visit_id": v.id, "kind": kind,
                     "outlet_code": v.outlet, "person": v.person, "day": v.day,
                     "starts_at": starts.astimezone(UTC), "ends_at": ends.astimezone(UTC)})
    return rows


def _save(ctx: ServerContext, kind: PlanKind, month: YearMonth, body: dict[str, Any], *,
          by: str, seed: int | None, digest: str | None, ranking_month: str | None,
          replaces: Sequence[int], visits: Sequence[Any], visit_kind: str) -> StoredPlan:
    with ctx.session() as s:
        for old_id in replaces:
            old = s.get(VisitPlan, old_id)
            if old is not None and old.state == "draft":
                old.state = "superseded"
                s.add(old)
        row = VisitPlan(kind=kind, month=str(month), state="draft", seed=seed,
                        inputs_digest=digest, ranking_month=ranking_month,
                        body=json.dumps(body, ensure_ascii=False, sort_keys=True),
                        created_by=by)
        s.add(row)
        s.flush()
        assert row.id is not None
        rows = _visit_rows(row.id, visit_kind, visits)
        bulk_insert(s, PlannedVisit, rows)  # a month can hold 20,000 visits
        s.commit()
        return _stored(row, body)


def propose_covert(ctx: ServerContext, month: YearMonth, *, seed: int | None = None,
                   by: str) -> StoredPlan:
    """Plan the month's covert visits and keep the plan as a draft (a previous draft for the
    month is superseded; a published one must be edited, not planned again)."""
    replaces = _refuse_if_published(ctx, "covert", month)
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    if not 0 <= seed <= MAX_SEED:
        raise PlanError("planning.store.bad_seed", status=400, value=seed, max=MAX_SEED)
    inputs = covert_inputs(ctx, month, seed, skip_plans=replaces)
    plan = plan_covert(inputs)
    return _save(ctx, "covert", month, plan.to_dict(), by=by, seed=seed,
                 digest=inputs_digest(inputs), ranking_month=None, replaces=replaces,
                 visits=plan.visits, visit_kind=COVERT_KIND)


def latest_closed_month(ctx: ServerContext, before: YearMonth) -> YearMonth | None:
    """The latest closed month before `before` (app.central.month.read), or None."""
    from app.central.month import read as months

    closed = [m.month for m in months.list_months(ctx) if m.closed and m.month < before]
    return max(closed) if closed else None


def coaching_inputs(ctx: ServerContext, month: YearMonth) -> CoachingInputs:
    from app.central.month import read as months

    ranking = latest_closed_month(ctx, month)
    if ranking is None:
        raise PlanError("planning.store.no_closed_month", month=str(month))
    closed = months.closed_month(ctx, ranking)
    assert closed is not None
    rows = {r["outlet_code"]: r for r in closed.outlets()}
    rules = planning_rules(ctx).coaching
    with ctx.session() as s:
        outlets = s.exec(select(Outlet).where(col(Outlet.active).is_(True),
                                              col(Outlet.competitor).is_(False))
                         .order_by(Outlet.code)).all()
    coached = []
    for o in outlets:
        if not o.area_manager:
            continue
        row = rows.get(o.code) or {}
        rank = row.get("rank_unit")
        coached.append(CoachingOutlet(
            code=o.code, manager=o.area_manager,
            business_unit=str(row.get("business_unit") or o.business_unit or ""),
            unit_rank=int(rank) if isinstance(rank, int) else None,
            outlet_class=o.outlet_class or row.get("outlet_class")))
    managers = [Manager(m, max_per_day=rules.visits_per_day)
                for m in sorted({o.manager for o in coached})]
    return CoachingInputs(month=month, ranking_month=ranking, outlets=coached,
                          managers=managers, holidays=frozenset(rules.holidays),
                          workdays=frozenset(rules.workdays), bottom_n=rules.bottom_n)


def propose_coaching(ctx: ServerContext, month: YearMonth, *, by: str) -> StoredPlan:
    """Plan the area managers' coaching visits from the latest closed month's ranking."""
    replaces = _refuse_if_published(ctx, "coaching", month)
    inputs = coaching_inputs(ctx, month)
    plan = plan_coaching(inputs)
    return _save(ctx, "coaching", month, plan.to_dict(), by=by, seed=None, digest=None,
                 ranking_month=str(inputs.ranking_month), replaces=replaces,
                 visits=plan.visits, visit_kind=COACHING_KIND)


def current_plan(ctx: ServerContext, kind: PlanKind, month: YearMonth) -> StoredPlan | None:
    """The month's plan of that kind in force: the published one, else the latest draft."""
    rows = _open_plans(ctx, kind, month)
    published = [r for r in rows if r.state == "published"]
    chosen = published[-1] if published else (rows[-1] if rows else None)
    return _stored(chosen) if chosen is not None else None


def get_plan(ctx: ServerContext, plan_id: int) -> StoredPlan:
    with ctx.session() as s:
        row = s.get(VisitPlan, plan_id)
    if row is None:
        raise PlanError("planning.store.unknown_plan", status=404, plan=plan_id)
    return _stored(row)


def list_plans(ctx: ServerContext, month: YearMonth | None = None) -> list[StoredPlan]:
    with ctx.session() as s:
        stmt = select(VisitPlan).order_by(col(VisitPlan.id).desc())
        if month is not None:
            stmt = stmt.where(VisitPlan.month == str(month))
        return [_stored(r) for r in s.exec(stmt).all()]


# -- a manager's move ------------------------------------------------------------------------------


def move_visit(ctx: ServerContext, plan_id: int, visit_id: str, *, by: str,
               shopper: str | None = None, day: date | None = None,
               window: Window | None = None) -> StoredPlan:
    """Move or reassign one covert visit: the planner's rules are checked again (against
    every other known visit, this plan's own included) and a broken one is refused with
    its reason (nothing changes). On a published plan the assignment moves too."""
    stored = get_plan(ctx, plan_id)
    if stored.kind != "covert":
        raise PlanError("planning.store.move_covert_only", status=400)
    if stored.state == "superseded":
        raise PlanError("planning.store.superseded", plan=plan_id)
    plan = stored.covert
    inputs = covert_inputs(ctx, stored.month, plan.seed, skip_plans=[plan_id])
    index = HistoryIndex(inputs.history)
    reason = check_move(plan, visit_id, inputs, shopper=shopper, day=day, window=window,
                        index=index)
    if reason is not None:
        raise PlanError(reason.key, status=409, **reason.params)
    moved = move_visit_in_plan(plan, visit_id, inputs, shopper=shopper, day=day,
                               window=window, by=by, index=index)
    new = moved.visit(visit_id)
    assert new is not None
    body = moved.to_dict()
    with ctx.session() as s:
        # only over the plan as it was checked: a move or publish that came in meanwhile
        # makes this one stale (refused, nothing changed; look again)
        written = s.execute(sa_update(VisitPlan).where(
            col(VisitPlan.id) == plan_id, col(VisitPlan.revision) == stored.revision,
            col(VisitPlan.state) == stored.state).values(
            body=json.dumps(body, ensure_ascii=False, sort_keys=True),
            revision=stored.revision + 1))
        if written.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            raise PlanError("planning.store.changed_meanwhile", plan=plan_id)
        pv = s.exec(select(PlannedVisit).where(PlannedVisit.plan_id == plan_id,
                                               PlannedVisit.visit_id == visit_id)).one()
        fresh = _visit_rows(plan_id, COVERT_KIND, [new])[0]
        pv.person, pv.day, pv.starts_at, pv.ends_at = (fresh["person"], fresh["day"],
                                                       fresh["starts_at"], fresh["ends_at"])
        s.add(pv)
        if pv.assignment_id is not None:
            a = s.get(Assignment, pv.assignment_id)
            if a is not None and not a.done:
                outlet = s.get(Outlet, new.outlet)
                a.inspector_id, a.due_from, a.due_by = new.shopper, new.day, new.day
                a.note = errand_note(outlet.name if outlet else new.outlet, new.day,
                                     new.window)
                s.add(a)
        s.commit()
        row = s.get(VisitPlan, plan_id, populate_existing=True)
        assert row is not None
        return _stored(row, body)


# -- publishing ----------------------------------------------------------------------------------


def errand_note(store: str, day: date, window: Window | None) -> str:
    """What the phone shows with the task: a customer's own errand (the store and when),
    never a word of the audit."""
    if window is None:
        return t("planning.device.errand_day", "zh", store=store, month=day.month,
                 day=day.day)
    return t("planning.device.errand", "zh", store=store, month=day.month, day=day.day,
             window=str(window))


@dataclass(frozen=True)
class Published:
    plan: StoredPlan
    created: int
    without_account: tuple[str, ...]  # people with no inspector account: nothing sent


def publish(ctx: ServerContext, plan_id: int, *, by: str) -> Published:
    """Publish a draft: each visit becomes an Assignment for its shopper (or area manager),
    which their devices receive on their next sync. A covert plan is re-checked first (the
    rules may have been broken by results or plans that arrived since it was made)."""
    stored = get_plan(ctx, plan_id)
    if stored.state != "draft":
        raise PlanError("planning.store.not_draft", plan=plan_id,
                        state=t(STATE_KEYS[stored.state]))
    if stored.kind == "covert":
        plan = stored.covert
        inputs = covert_inputs(ctx, stored.month, plan.seed, skip_plans=[plan_id])
        broken = violations(plan, inputs)
        if broken:
            raise PlanError("planning.store.publish_broken", count=len(broken),
                            first=broken[0].text())
        kind = COVERT_KIND
    else:
        kind = COACHING_KIND
    missing: set[str] = set()
    with ctx.session() as s:
        # claim the draft: of two managers publishing at once only one gets it (the other
        # waits for the row and finds it published)
        claimed = s.execute(sa_update(VisitPlan).where(
            col(VisitPlan.id) == plan_id, col(VisitPlan.state) == "draft").values(
            state="published", published_at=utcnow(), published_by=by,
            revision=col(VisitPlan.revision) + 1))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            raise PlanError("planning.store.not_draft", plan=plan_id,
                            state=t(STATE_KEYS["published"]))
        row = s.get(VisitPlan, plan_id, populate_existing=True)
        assert row is not None
        body = json.loads(row.body)  # as it is now (a move may have come in meanwhile)
        fresh = _stored(row, body)
        accounts = set(s.exec(select(Inspector.id).where(col(Inspector.active).is_(True))).all())
        names = {code: name for code, name in s.exec(select(Outlet.code, Outlet.name)).all()}
        visits = {v.id: v for v in (fresh.covert.visits if kind == COVERT_KIND
                                    else fresh.coaching.visits)}
        todo = []
        for pv in s.exec(select(PlannedVisit).where(PlannedVisit.plan_id == plan_id)
                         .order_by(col(PlannedVisit.id))).all():
            if pv.person not in accounts:
                missing.add(pv.person)
                continue
            v = visits[pv.visit_id]
            window = v.window if kind == COVERT_KIND else None
            todo.append((pv, {"inspector_id": pv.person, "outlet_code": pv.outlet_code,
                              "kind": kind, "due_from": pv.day, "due_by": pv.day,
                              "note": errand_note(names.get(pv.outlet_code, pv.outlet_code),
                                                  pv.day, window),
                              "done": False}))
        if todo:  # one insert; the new ids come back in the order given
            ids = s.execute(sa_insert(Assignment.__table__)  # type: ignore[attr-defined]
                            .returning(Assignment.__table__.c.id,  # type: ignore[attr-defined]
                                       sort_by_parameter_order=True),
                            [values for _, values in todo]).scalars().all()
            for (pv, _), assignment_id in zip(todo, ids, strict=True):
                pv.assignment_id = int(assignment_id)
                s.add(pv)
        s.commit()
        s.refresh(row)
        return Published(_stored(row, body), len(todo), tuple(sorted(missing)))


# -- plan against what happened ------------------------------------------------------------------


@dataclass(frozen=True)
class MonthStatus:
    month: YearMonth
    covert: StoredPlan | None
    coaching: StoredPlan | None
    status: PlanStatus
    plans: tuple[int, ...]


def arrived_results(ctx: ServerContext, month: YearMonth) -> list[ArrivedResult]:
    """Finalised results the server holds from the month's first day to the end of the
    next month (late visits count), not rejected ones: a visit is done only by a result
    that arrived."""
    start = at(month.first_day, time(0), CHINA).astimezone(UTC)
    end = at(month.shift(2).first_day, time(0), CHINA).astimezone(UTC)
    with ctx.session() as s:
        rows = s.execute(sa_select(  # five columns: more than sqlmodel's select types
            col(Inspection.outlet_code), col(Inspection.inspector_id), col(Inspection.kind),
            col(Inspection.finalized_at), col(Inspection.uuid)).where(
            col(Inspection.kind).in_([COVERT_KIND, COACHING_KIND]),
            col(Inspection.finalized_at).is_not(None),
            col(Inspection.finalized_at) >= start, col(Inspection.finalized_at) < end,
            col(Inspection.review_state) != "rejected")).all()
    return [ArrivedResult(outlet, inspector, kind, _aware(finalized), uuid)
            for outlet, inspector, kind, finalized, uuid in rows if finalized is not None]


def month_status(ctx: ServerContext, month: YearMonth, *, now: datetime | None = None
                 ) -> MonthStatus:
    """Planned, done, late and missed visits of the month's plans in force."""
    covert = current_plan(ctx, "covert", month)
    coaching = current_plan(ctx, "coaching", month)
    items: list[Any] = []
    if covert is not None:
        items.extend(covert.covert.visits)
    if coaching is not None:
        items.extend(coaching.coaching.visits)
    with ctx.session() as s:
        managers = {o.code: o.area_manager for o in s.exec(select(Outlet)).all()
                    if o.area_manager}
    status = plan_status(items, arrived_results(ctx, month), now=now or utcnow(), tz=CHINA,
                         month=month, outlet_managers=managers)
    plans = tuple(p.id for p in (covert, coaching) if p is not None)
    return MonthStatus(month, covert, coaching, status, plans)


def reason_text(reason: Reason | None, lang: str | None = None) -> str:
    return reason.text(lang) if reason is not None else ""


__all__ = ["KINDS", "KIND_KEYS", "STATE_KEYS", "STATUS_KEYS", "MonthStatus", "PlanError",
           "PlanKind", "Published", "StoredPlan",
           "arrived_results", "coaching_inputs", "covert_inputs", "current_plan",
           "errand_note", "get_plan", "known_visits", "latest_closed_month", "list_plans",
           "month_status", "move_visit", "planning_rules", "propose_coaching",
           "propose_covert", "publish", "reason_text"]
