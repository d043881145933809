"""Closing a month: gather what the month is computed from, run the pure
`compute_month`, and freeze the result in one transaction.

What is frozen (immutable by database triggers, migration 0004): the rules version, the
counted results with the scores they were counted at, the perception aggregates and bases
used, and every figure (`MonthResult.to_export(explanations=True)`, one row per outlet).

A result that arrives, is approved or is overturned after its month closed never edits
that month. At the close of a later month every closed month whose counted results have
changed since it was frozen is computed again under its own rules version and frozen
inputs with today's counted results; the commission difference per outlet, less what
earlier closes already carried, becomes an adjustment line of the month being closed.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal

from pydantic_core import from_json, to_json
from sqlalchemy import case
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from app.central import audit
from app.central.context import ServerContext
from app.central.db import bulk_insert
from app.central.models import (
    Inspection,
    IssuedChecklist,
    MonthAdjustmentLine,
    MonthClose,
    MonthCountedResult,
    MonthOutletFigures,
)
from app.central.month import failed
from app.central.month.errors import MonthClosed, MonthInFuture, MonthOutOfOrder
from app.central.month.masterdata import (
    list_bases,
    outlet_info_from_export,
    outlet_infos,
    rule_book,
)
from app.central.review import CountedResult, counted_results, counted_rows
from app.checklists import ResolvedChecklist
from app.programme.inputs import (
    Adjustment,
    AdjustmentReason,
    CommissionBase,
    CountedVisit,
    FailedItem,
    OutletInfo,
    PastMonth,
    PerceptionAggregate,
)
from app.programme.money import parse_yuan
from app.programme.month import (
    MonthResult,
    compute_month,
    expand_failed,
    past_month_from_export,
)
from app.programme.months import YearMonth

log = logging.getLogger(__name__)

CHINA = timezone(timedelta(hours=8), "CST")  # the programme's months are China months
CHUNK = 1000


def month_window(month: YearMonth) -> tuple[datetime, datetime]:
    """[start, end) of a month in China time (visits count by when they started)."""
    start = datetime(month.year, month.month, 1, tzinfo=CHINA)
    nxt = month.shift(1)
    return start, datetime(nxt.year, nxt.month, 1, tzinfo=CHINA)


def current_month(now: datetime | None = None) -> YearMonth:
    """The month it is now in China."""
    at = (now or datetime.now(UTC)).astimezone(CHINA)
    return YearMonth(at.year, at.month)


# --- the month's inputs ---------------------------------------------------------------------


@dataclass
class MonthInputs:
    """Everything `compute_month` takes, as gathered from the server's tables."""

    month: YearMonth
    outlets: list[OutletInfo]
    counted: list[CountedResult]
    visits: list[CountedVisit]
    perception: list[PerceptionAggregate]
    bases: list[CommissionBase]
    history: list[PastMonth]
    adjustments: list[Adjustment] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # closed month -> digest of its counted results as this close found them (frozen with
    # it, so the next close computes a closed month again only when they changed since)
    reconciled: dict[str, str] = field(default_factory=dict)


def results_digest(results: Mapping[str, tuple[str, float | None]]) -> str:
    """A closed month's counted results (uuid -> outlet, score) as one sha256."""
    text_ = "\n".join(f"{u}:{o}:{sc!r}" for u, (o, sc) in sorted(results.items()))
    return hashlib.sha256(text_.encode()).hexdigest()


def _labels(ctx: ServerContext, s: Session, content_hash: str,
            cache: dict[str, dict[str, tuple[str, str]]]) -> dict[str, tuple[str, str]]:
    """Item id -> (zh, en) label of the definition a result was scored against (empty when
    it cannot be found: the ids are shown instead)."""
    if content_hash in cache:
        return cache[content_hash]
    labels: dict[str, tuple[str, str]] = {}
    issued = s.get(IssuedChecklist, content_hash)
    doc: Any = None
    if issued is not None:
        try:
            doc = json.loads(issued.body)
        except ValueError:
            log.error("issued checklist %s cannot be read", content_hash[:12])
    if doc is None:
        doc = next((d for d in ctx.checklists.bundle().checklists
                    if d.get("content_hash") == content_hash), None)
    if doc is not None:
        try:
            definition = ResolvedChecklist.model_validate(doc)
            labels = {i: (item.label.zh, item.label.en) for i, item in definition.items.items()}
        except ValueError:
            log.error("checklist %s cannot be read", content_hash[:12])
    cache[content_hash] = labels
    return labels


_FailedKey = tuple[str, str, str, str | None]


def _failed_parts(detail: str) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, str]]]:
    """(failed (item, section) in checklist order, vetoes (item, section, scope, label)) of
    a stored breakdown (ValueError when it is not JSON)."""
    return failed.parts_of_breakdown(from_json(detail))


def _parts_of(detail: str | None) -> failed.FailedParts:
    """A breakdown's failed items; nothing when there is none or it cannot be read."""
    return failed.parts(None, detail)


def _failed(parts: failed.FailedParts,
            labels: Mapping[str, tuple[str, str]], checklist: str,
            shared: dict[_FailedKey, FailedItem]) -> tuple[FailedItem, ...]:
    """The failed items (and 一票否决) of a result, in checklist order, then any veto whose
    item is not among them. `shared` keeps one FailedItem per checklist x item x section x
    veto (a month fails the same items often)."""
    items, veto_list = parts
    vetoes = {item: (section, scope, label) for item, section, scope, label in veto_list}

    def item(item_id: str, section: str, fallback: str) -> FailedItem:
        scope = vetoes[item_id][1] if item_id in vetoes else None
        veto: Literal["section", "visit"] | None = (
            "section" if scope == "section" else "visit" if scope == "visit" else None)
        key = (checklist, item_id, section, veto)
        found = shared.get(key)
        if found is None:
            zh, en = labels.get(item_id, (fallback, item_id))
            found = shared[key] = FailedItem(item_id, zh, en, section, veto)
        return found

    if not vetoes:  # most results: no 一票否决, the shared items looked up directly
        out = []
        for item_id, section in items:
            found = shared.get((checklist, item_id, section, None))
            out.append(found if found is not None else item(item_id, section, item_id))
        return tuple(out)
    out = []
    seen = set()
    for item_id, section in items:
        seen.add(item_id)
        found = (shared.get((checklist, item_id, section, None)) if item_id not in vetoes
                 else None)
        out.append(found if found is not None else item(item_id, section, item_id))
    for item_id, (section, _, label) in vetoes.items():  # a veto not marked failed
        if item_id not in seen:
            out.append(item(item_id, section, label or item_id))
    return tuple(out)


# a counted result's columns the month takes beside its score: the compact failed items, and
# the whole breakdown only for a row without them (a console amendment stores it alone)
_VISIT_COLUMNS = (Inspection.failed_items,
                  case((col(Inspection.failed_items).is_(None), Inspection.score_detail),
                       else_=None).label("score_detail"),
                  Inspection.checklist_hash, Inspection.voided, Inspection.veto_count,
                  Inspection.finalized_at)


class _VisitMaker:
    """Counted results and their rows -> the month's visits, with one FailedItem per
    checklist x item x section x veto and each checklist's labels read once."""

    def __init__(self, ctx: ServerContext, s: Session) -> None:
        self.ctx, self.s = ctx, s
        self.labels: dict[str, dict[str, tuple[str, str]]] = {}
        self.shared: dict[_FailedKey, FailedItem] = {}

    def visit(self, c: CountedResult, row: Any) -> CountedVisit:
        parts = failed.parts(row.failed_items, row.score_detail)
        labels = _labels(self.ctx, self.s, row.checklist_hash, self.labels)
        finalized = row.finalized_at
        if finalized is not None and finalized.tzinfo is None:
            finalized = finalized.replace(tzinfo=UTC)
        return CountedVisit(
            uuid=c.uuid, outlet_code=c.outlet_code, kind=c.kind, score=c.score_total,
            voided=bool(row.voided), finalized_at=finalized,
            veto_count=int(row.veto_count or 0),
            failed=_failed(parts, labels, row.checklist_hash, self.shared))


def counted_visits(ctx: ServerContext, counted: Sequence[CountedResult]) -> list[CountedVisit]:
    """The counted results as the month takes them: the server's score, voided, vetoes,
    and the failed items with their labels for the month card."""
    rows: dict[str, Any] = {}
    wanted = [c.uuid for c in counted]
    with ctx.session() as s:
        for i in range(0, len(wanted), CHUNK):
            found: Iterable[Any] = s.exec(select(  # type: ignore[call-overload]
                Inspection.uuid, *_VISIT_COLUMNS).where(
                col(Inspection.uuid).in_(wanted[i:i + CHUNK])))
            for row in found:
                rows[row.uuid] = row
        maker = _VisitMaker(ctx, s)
        return [maker.visit(c, rows[c.uuid]) for c in counted if c.uuid in rows]


def counted_with_visits(ctx: ServerContext, start: datetime, end: datetime
                        ) -> tuple[list[CountedResult], list[CountedVisit]]:
    """counted_results and counted_visits of [start, end) in one read of the results."""
    pairs = counted_rows(ctx, start, end, _VISIT_COLUMNS)
    with ctx.session() as s:
        maker = _VisitMaker(ctx, s)
        return [c for c, _ in pairs], [maker.visit(c, row) for c, row in pairs]


def perception_inputs(ctx: ServerContext, month: YearMonth) -> list[PerceptionAggregate]:
    """The month's customer-perception aggregates (issue 11's module; none without it)."""
    try:
        from app.central.perception.month_inputs import perception_aggregates
    except ImportError:  # pragma: no cover - the perception area is part of the app
        return []
    return list(perception_aggregates(ctx, month).values())


PAST_FIELDS = ("outlet_code", "tier", "family", "business_unit", "composite", "rank_unit",
               "rank_unit_bottom", "rank_province", "commission", "staff_share")


def past_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of an export row `past_month_from_export` reads (frozen apart, so the
    history of a close reads a few fields of each closed month, not the whole rows)."""
    out = {k: row.get(k) for k in PAST_FIELDS}
    out["refund_lines"] = [{"deducted_month": line["deducted_month"]}
                           for line in row.get("refund_lines") or ()]
    return out


@dataclass(frozen=True)
class Frozen:
    """A closed month as stored, as much as the later closes need of it."""

    month: YearMonth
    rules_version: str
    past_rows: list[dict[str, Any]]  # past_row() of each outlet, in export order
    results: dict[str, tuple[str, float | None]]  # uuid -> (outlet, score)
    inputs: dict[str, Any]
    header: dict[str, Any]

    def past(self) -> PastMonth:
        return past_month_from_export({**self.header, "outlets": self.past_rows})

    def rows(self, s: Session) -> list[dict[str, Any]]:
        """The frozen export rows (figures, no `why`), read when the month is computed
        again."""
        rows = [from_json(f) for f in s.exec(
            select(MonthOutletFigures.figures).where(MonthOutletFigures.month == str(self.month))
            .order_by(col(MonthOutletFigures.position))).all()]
        expand_failed(rows, self.header.get("failed_items"))
        return rows


def closed_months(s: Session) -> list[str]:
    """The closed months' texts, oldest first."""
    return list(s.exec(select(MonthClose.month).order_by(col(MonthClose.month))).all())


def load_frozen(s: Session, month: str) -> Frozen | None:
    head = s.get(MonthClose, month)
    if head is None:
        return None
    rows = [from_json(f) for f in s.exec(
        select(MonthOutletFigures.past).where(MonthOutletFigures.month == month)
        .order_by(col(MonthOutletFigures.position))).all()]
    results = {r.uuid: (r.outlet_code, r.score) for r in s.exec(
        select(MonthCountedResult).where(MonthCountedResult.month == month)).all()}
    return Frozen(YearMonth.parse(month), head.rules_version, rows, results,
                  json.loads(head.inputs), json.loads(head.header))


def _perception_from(doc: Iterable[Sequence[Any]]) -> list[PerceptionAggregate]:
    return [PerceptionAggregate(code, source, None if score is None else Decimal(str(score)),
                                int(count), bool(sufficient))
            for code, source, score, count, sufficient in doc]


def _bases_from(doc: Iterable[Sequence[Any]]) -> list[CommissionBase]:
    return [CommissionBase(c, r, p, int(a)) for c, r, p, a in doc]


def _carried(s: Session, source: str) -> dict[str, int]:
    """Cents already carried out of a closed month, by outlet."""
    rows = s.exec(select(MonthAdjustmentLine.outlet_code,
                         func.sum(MonthAdjustmentLine.amount_cents))
                  .where(MonthAdjustmentLine.source_month == source)
                  .group_by(col(MonthAdjustmentLine.outlet_code))).all()
    return {code: int(total or 0) for code, total in rows}


def late_adjustments(ctx: ServerContext, s: Session, frozen: Sequence[Frozen],
                     current: Sequence[OutletInfo]
                     ) -> tuple[list[Adjustment], list[str], dict[str, str]]:
    """The lines the closed months owe because their counted results changed after they
    were frozen (late, newly approved, overturned or corrected), to be carried into the
    month being closed. A closed month is computed again only when its counted results
    differ from what the latest close found (the digests frozen with each close).
    -> (lines, the closed months computed again, closed month -> digest found now)."""
    book = rule_book(ctx)
    lines: list[Adjustment] = []
    redone: list[str] = []
    found: dict[str, str] = {}
    now_info = {o.code: o for o in current}
    latest: dict[str, str] = {}  # closed month -> digest its latest reconciliation found
    for f in frozen:
        latest[str(f.month)] = f.inputs.get("results_digest") or results_digest(f.results)
        latest.update(f.inputs.get("reconciled") or {})
    for i, closed in enumerate(frozen):
        start, end = month_window(closed.month)
        counted = counted_results(ctx, start, end)
        now = {c.uuid: (c.outlet_code, c.score_total) for c in counted}
        digest = results_digest(now)
        found[str(closed.month)] = digest
        if digest == latest.get(str(closed.month)):
            continue
        redone.append(str(closed.month))
        changed: dict[str, set[str]] = {}
        overturned: set[str] = set()
        for uuid in set(now) | set(closed.results):
            a, b = now.get(uuid), closed.results.get(uuid)
            if a == b:
                continue
            for side in (a, b):
                if side is not None:
                    changed.setdefault(side[0], set()).add(uuid)
            if b is not None:  # it counted when frozen: no longer, or at another score
                overturned.add(b[0])
        rows = closed.rows(s)
        listed = [outlet_info_from_export(r) for r in rows]
        known = {o.code for o in listed}
        listed += [o for code, o in now_info.items() if code not in known and code in changed]
        recomputed = compute_month(
            closed.month, book.by_id(closed.rules_version), listed,
            counted_visits(ctx, counted),
            perception=_perception_from(closed.inputs.get("perception", ())),
            bases=_bases_from(closed.inputs.get("bases", ())),
            history=[f.past() for f in frozen[:i]])
        was = {r["outlet_code"]: r.get("commission") for r in rows}
        carried = _carried(s, str(closed.month))
        for code in sorted(changed):
            o = recomputed.outlets.get(code)
            if o is None:
                continue
            before = was.get(code)
            diff = ((o.commission_cents or 0) - (parse_yuan(before) if before else 0)
                    - carried.get(code, 0))
            if diff:
                reason: AdjustmentReason = ("overturned_result" if code in overturned
                                            else "late_result")
                lines.append(Adjustment(code, closed.month, diff, reason,
                                        tuple(sorted(changed[code]))))
    return lines, redone, found


def _timed_perception(ctx: ServerContext, month: YearMonth) -> tuple[list[PerceptionAggregate],
                                                                   float]:
    t0 = time.perf_counter()
    found = perception_inputs(ctx, month)
    return found, time.perf_counter() - t0


def gather(ctx: ServerContext, month: YearMonth) -> MonthInputs:
    """Read everything the month is computed from (nothing is written). The perception
    aggregates (grouped in the database) are read on a second connection meanwhile."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="month-perception") as pool:
        perceived = pool.submit(_timed_perception, ctx, month)
        with ctx.session() as s:
            outlets = outlet_infos(ctx, s)
            bases = list_bases(ctx, s)
            frozen = [f for m in closed_months(s) if m < str(month)
                      for f in [load_frozen(s, m)] if f is not None]
            timings["master_data_history"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            adjustments, _, reconciled = late_adjustments(ctx, s, frozen, outlets)
            timings["adjustments"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        start, end = month_window(month)
        counted, visits = counted_with_visits(ctx, start, end)
        timings["counted_results_failed_items"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        perception, took = perceived.result()
        timings["perception (beside)"] = took
        timings["perception wait"] = time.perf_counter() - t1
    return MonthInputs(month, outlets, counted, visits, perception, bases,
                       [f.past() for f in frozen], adjustments, timings, reconciled)


def compute(ctx: ServerContext, inputs: MonthInputs) -> MonthResult:
    rules = rule_book(ctx).for_month(inputs.month)
    return compute_month(inputs.month, rules, inputs.outlets, inputs.visits,
                         perception=inputs.perception, bases=inputs.bases,
                         history=inputs.history, adjustments=inputs.adjustments)


# --- the close --------------------------------------------------------------------------


def check_closable(ctx: ServerContext, month: YearMonth, now: datetime | None = None) -> None:
    """Refuse a month that is closed, has not ended, or is out of order (months close one
    after the other: the history of refunds, exits and tier moves reads the closed ones)."""
    if month >= current_month(now):
        raise MonthInFuture(month)
    with ctx.session() as s:
        closed = closed_months(s)
    if str(month) in closed:
        raise MonthClosed(month)
    if closed:
        last = YearMonth.parse(closed[-1])
        if month < last:
            raise MonthOutOfOrder("month.error.closed_after", month, last)
        if month > last.shift(1):
            raise MonthOutOfOrder("month.error.close_first", month, last.shift(1))


def _inputs_doc(inputs: MonthInputs) -> dict[str, Any]:
    def num(v: Decimal | float | None) -> str | None:
        return None if v is None else str(v)

    return {
        "perception": [[p.outlet_code, p.source, num(p.score), p.count, p.sufficient]
                       for p in inputs.perception],
        "bases": [[b.outlet_class, b.region, b.period, b.amount_cents]
                  for b in inputs.bases if b.covers(inputs.month)],
        "results_digest": results_digest({c.uuid: (c.outlet_code, c.score_total)
                                          for c in inputs.counted}),
        "reconciled": inputs.reconciled,
    }


_GC_LOCK = threading.Lock()
_GC_STATE = {"held": 0, "was_enabled": False}  # closes running with the collector paused


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a month is closed. A close holds
    millions of small objects (results, failed items, figures, explanations); each full
    collection walks all of them, and a close's allocations set off many of them. The close
    makes no garbage cycles of note (reference counting frees what it drops); the
    collector is switched back on as it was when the last overlapping close ends."""
    with _GC_LOCK:
        if _GC_STATE["held"] == 0:
            _GC_STATE["was_enabled"] = gc.isenabled()
            gc.disable()
        _GC_STATE["held"] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_STATE["held"] -= 1
            if _GC_STATE["held"] == 0 and _GC_STATE["was_enabled"]:
                gc.enable()


def close_month(ctx: ServerContext, month: YearMonth, *, by: str,
                now: datetime | None = None, timings: dict[str, float] | None = None
                ) -> MonthResult:
    """Close `month`: compute it and freeze it in one transaction, with an audit line.
    MonthClosed (409) when it is already closed, also when two closes race."""
    with _collector_paused():
        return _close_month(ctx, month, by=by, now=now, timings=timings)


def _close_month(ctx: ServerContext, month: YearMonth, *, by: str,
                 now: datetime | None, timings: dict[str, float] | None) -> MonthResult:
    t0 = time.perf_counter()
    check_closable(ctx, month, now)
    inputs = gather(ctx, month)
    t1 = time.perf_counter()
    result = compute(ctx, inputs)
    doc = result.to_export(explanations=True, failed_by_ref=True)  # labels once, in the header
    t2 = time.perf_counter()
    rows = doc.pop("outlets")
    closed_at = now or datetime.now(UTC)

    def figures() -> Iterator[dict[str, Any]]:
        """Each outlet's frozen row, serialised as COPY sends it (the server stores one
        while the next is made)."""
        for pos, row in enumerate(rows):
            why = row.pop("why", {})
            yield {
                "month": str(month), "outlet_code": row["outlet_code"], "position": pos,
                "business_unit": row.get("business_unit") or None, "family": row["family"],
                "composite": row.get("composite"), "rank_unit": row.get("rank_unit"),
                "rank_province": row.get("rank_province"),
                "commission_cents": (None if row.get("commission") is None
                                     else parse_yuan(row["commission"])),
                "figures": to_json(row).decode(), "why": to_json(why).decode(),
                "past": to_json(past_row(row)).decode()}
    results = [{"month": str(month), "uuid": c.uuid, "root_uuid": c.root_uuid,
                "outlet_code": c.outlet_code, "kind": c.kind, "score": c.score_total}
               for c in inputs.counted]
    lines = [{"month": str(month), "source_month": str(a.source_month),
              "outlet_code": a.outlet_code, "amount_cents": a.amount_cents,
              "reason": a.reason, "results": json.dumps(list(a.results))}
             for o in result.outlets.values() for a in o.adjustments]
    lines += [{"month": str(month), "source_month": str(a.source_month),
               "outlet_code": a.outlet_code, "amount_cents": a.amount_cents,
               "reason": a.reason, "results": json.dumps(list(a.results))}
              for a in result.unmatched_adjustments]
    try:
        with ctx.session() as s:
            s.add(MonthClose(month=str(month), closed_at=closed_at, closed_by=by,
                             rules_version=result.rules_version, rules_hash=result.rules_hash,
                             outlets=len(rows), ranked=int(doc["totals"]["ranked"]),
                             header=json.dumps(doc, ensure_ascii=False),
                             inputs=json.dumps(_inputs_doc(inputs), ensure_ascii=False)))
            s.flush()  # the month's key first: a second close stops here
            for table, batch in ((MonthOutletFigures, figures()),
                                 (MonthCountedResult, results), (MonthAdjustmentLine, lines)):
                bulk_insert(s, table, batch)
            audit.record(s, inspection_uuid=f"month:{month}", actor_kind="manager",
                         actor_id=by, action="month_closed", to_state="closed",
                         reason=json.dumps({"rules": result.rules_version,
                                            "results": len(results), "outlets": len(rows),
                                            "adjustments": len(lines),
                                            "payable": doc["totals"]["payable"]},
                                           ensure_ascii=False))
            s.commit()
    except IntegrityError:
        raise MonthClosed(month) from None
    if timings is not None:
        timings.update(inputs.timings)
        timings["gather"] = t1 - t0
        timings["compute_export"] = t2 - t1
        timings["store"] = time.perf_counter() - t2
    return result
