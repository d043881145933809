"""Review of results: states, the queue, one result's full view, disputes, corrections.

States of a finalised result (`inspections.review_state`):

    received --approve--> approved          (counts; may be disputed for `dispute_days`)
    received --return---> returned          (to the inspector, with a reason; the device
                                             shows it and the inspector amends)
    received --reject---> rejected          (a reason code from settings; never counts)
    approved --dispute overturned--> returned (the finding is corrected by an amendment)

An amendment (a new result naming `amends_uuid`) arrives as `received` and is reviewed like
any other; the result it amends keeps its own state and is *superseded*. Of an amendment
chain, the result that counts is the newest approved one (see `counted_results`).

Binding rules, checked before anything changes (a refused transition raises a
ConsoleError subclass and changes nothing): a viewer (or a manager device token) never
acts; only a `manager` handles disputes and corrections; the actor is never the result's
inspector (an account whose username equals an inspector id is that inspector), nor the
author of a console correction they would review; an account limited to a business unit
acts only on that unit's outlets; the state must be the one the transition starts from
(checked again atomically in the UPDATE, so two reviewers cannot both decide).
Every transition appends its audit line in the same transaction.
"""

from __future__ import annotations

import json
import logging
import uuid as uuidlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, get_args

from pydantic import ValidationError
from sqlalchemy import case, exists, func, or_, update
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from app.central import audit
from app.central.accounts import (
    BadInput,
    ManagerInfo,
    NotAllowed,
    NotFound,
    WrongState,
)
from app.central.context import ServerContext
from app.central.models import (
    Dispute,
    Inspection,
    InspectionPhoto,
    Inspector,
    IssuedChecklist,
    Outlet,
    Photo,
    utcnow,
)
from app.central.month import failed
from app.central.service import as_utc
from app.checklists import ItemType, Kind, ResolvedChecklist
from app.checklists.evaluation import finalise_problems
from app.checklists.scoring import (
    NA,
    InvalidAnswer,
    ScoreResult,
    format_score,
    score,
    validate_answer,
)
from app.i18n import normalise, t

log = logging.getLogger("hallcheck.review")

ReviewState = Literal["received", "approved", "returned", "rejected"]
STATES: tuple[str, ...] = get_args(ReviewState)
FLAGS = ("score_disagreement", "rotation", "veto", "short_visit", "late_upload")
DisputeOutcome = Literal["upheld", "overturned"]
CONSOLE_DEVICE = "console"  # device_id of a correction made by a manager in the console
MAX_REASON = 2000
MAX_PAGE = 500


# --- the queue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilter:
    kind: str | None = None
    tier: str | None = None
    business_unit: str | None = None
    state: ReviewState | None = "received"
    flag: str | None = None
    outlet: str | None = None
    inspector: str | None = None


@dataclass(frozen=True)
class QueueRow:
    uuid: str
    outlet_code: str
    outlet_name: str
    business_unit: str | None
    tier: str
    kind: str
    inspector_id: str
    inspector_name: str | None
    finalized_at: datetime
    received_at: datetime
    score_total: float | None
    device_score_total: float | None
    voided: bool
    veto_count: int
    flags: list[str]
    review_state: ReviewState
    photo_count: int
    amends_uuid: str | None = None
    superseded_by: str | None = None  # the newest amendment of it the server holds


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    counts_by_state: dict[str, int]
    counts_by_flag: dict[str, int]
    next_offset: int | None


def _light(body: bool = True) -> list[Any]:
    """Loader options that leave the big text columns unread."""
    cols = [Inspection.body, Inspection.score_detail] if body else [Inspection.score_detail]
    return [defer(c) for c in cols]  # type: ignore[arg-type]


def _flag_condition(flag: str) -> Any:
    """Whether a result carries `flag` (flags is a JSON list as text; a veto also shows in
    veto_count / voided, so those count as the veto flag whatever the list says)."""
    has = col(Inspection.flags).like(f'%"{flag}"%')
    if flag == "veto":
        return or_(has, col(Inspection.veto_count) > 0, col(Inspection.voided).is_(True))
    return has


def _row_flags(row: Inspection) -> list[str]:
    try:
        raw = json.loads(row.flags or "[]")
    except ValueError:
        raw = []
    found = [f for f in raw if isinstance(f, str)] if isinstance(raw, list) else []
    if (row.veto_count or row.voided) and "veto" not in found:
        found.append("veto")
    return found


def _check_filter(flt: QueueFilter) -> None:
    if flt.state is not None and flt.state not in STATES:
        raise BadInput("review.bad_state", value=str(flt.state)[:32],
                       allowed=", ".join(STATES))
    if flt.flag is not None and flt.flag not in FLAGS:
        raise BadInput("review.bad_flag", value=str(flt.flag)[:32], allowed=", ".join(FLAGS))


def _unit(viewer: ManagerInfo, flt: QueueFilter) -> tuple[str | None, bool]:
    """(business unit to limit to, whether the filter is impossible for this viewer)."""
    if viewer.business_unit is None:
        return flt.business_unit, False
    if flt.business_unit is not None and flt.business_unit != viewer.business_unit:
        return viewer.business_unit, True
    return viewer.business_unit, False


def _where(flt: QueueFilter, unit: str | None) -> list[Any]:
    clauses: list[Any] = [Inspection.status == "finalized"]
    if flt.kind is not None:
        clauses.append(Inspection.kind == flt.kind)
    else:  # customer surveys count without review: one reviewer per hall door is not a
        # programme anyone runs; they are in the queue when asked for by kind
        clauses.append(Inspection.kind != Kind.INTERCEPT.value)
    if flt.tier is not None:
        clauses.append(Inspection.tier == flt.tier)
    if flt.outlet is not None:
        clauses.append(Inspection.outlet_code == flt.outlet)
    if flt.inspector is not None:
        clauses.append(Inspection.inspector_id == flt.inspector)
    if unit is not None:
        clauses.append(Outlet.business_unit == unit)
    return clauses


def queue(ctx: ServerContext, viewer: ManagerInfo, flt: QueueFilter, offset: int = 0,
          limit: int = 50) -> QueuePage:
    """One page of finalised results matching `flt`, oldest arrival first, with counts by
    state (ignoring the state filter) and by flag (ignoring the flag filter). Three
    queries per page whatever its length (rows, counts, then photos/names/amendments of
    the page's rows), so it stays fast on a large table."""
    _check_filter(flt)
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise BadInput("review.bad_page", max=MAX_PAGE)
    unit, impossible = _unit(viewer, flt)
    empty_counts = ({s: 0 for s in STATES}, {f: 0 for f in FLAGS})
    if impossible:
        return QueuePage([], 0, *empty_counts, None)
    base = _where(flt, unit)
    flag_cols = [func.sum(case((_flag_condition(f), 1), else_=0)) for f in FLAGS]
    counts_stmt = select(Inspection.review_state, func.count(), *flag_cols)
    if unit is not None:
        counts_stmt = counts_stmt.join(Outlet, col(Outlet.code) == col(Inspection.outlet_code))
    counts_stmt = counts_stmt.where(*base).group_by(col(Inspection.review_state))

    page_stmt = _rows_stmt(flt, base).offset(offset).limit(limit + 1)
    with ctx.session() as s:
        grouped = s.exec(counts_stmt).all()
        found = s.exec(page_stmt).all()
        rows = _queue_rows(s, found[:limit])
    by_state, by_flag = empty_counts[0].copy(), empty_counts[1].copy()
    for rec in grouped:
        state, count = rec[0], rec[1]
        flag_counts: list[Any] = list(rec[2:])
        flagged = dict(zip(FLAGS, (int(c or 0) for c in flag_counts), strict=True))
        if state in by_state:
            by_state[state] = flagged[flt.flag] if flt.flag else int(count)
        if flt.state is None or state == flt.state:
            for f in FLAGS:
                by_flag[f] += flagged[f]
    total = by_state.get(flt.state, 0) if flt.state else sum(by_state.values())
    return QueuePage(rows=rows, total=total, counts_by_state=by_state, counts_by_flag=by_flag,
                     next_offset=offset + limit if len(found) > limit else None)


def _rows_stmt(flt: QueueFilter, base: list[Any]) -> Any:
    """The queue's rows of `flt` (light columns), oldest arrival first."""
    where = list(base)
    if flt.state is not None:
        where.append(Inspection.review_state == flt.state)
    if flt.flag is not None:
        where.append(_flag_condition(flt.flag))
    return (select(Inspection, Outlet.name, Outlet.business_unit)
            .options(*_light())
            .outerjoin(Outlet, col(Outlet.code) == col(Inspection.outlet_code))
            .where(*where)
            .order_by(col(Inspection.received_at), col(Inspection.seq)))


def _queue_rows(s: Session, page: Sequence[Any]) -> list[QueueRow]:
    """QueueRows of (Inspection, outlet name, unit) records, with their photo counts,
    inspector names and newest amendments (three queries whatever the length)."""
    seqs = [r[0].seq for r in page]
    uuids = [r[0].uuid for r in page]
    photos: dict[int, int] = {}
    names: dict[str, str] = {}
    newer: dict[str, str] = {}
    if page:
        photos = dict(s.exec(
            select(InspectionPhoto.inspection_seq, func.count())
            .where(col(InspectionPhoto.inspection_seq).in_(seqs))
            .group_by(col(InspectionPhoto.inspection_seq))).all())
        ids = sorted({r[0].inspector_id for r in page})
        names = dict(s.exec(select(Inspector.id, Inspector.name)
                            .where(col(Inspector.id).in_(ids))).all())
        for amended, by in s.exec(
                select(Inspection.amends_uuid, Inspection.uuid)
                .where(col(Inspection.amends_uuid).in_(uuids))
                .order_by(col(Inspection.received_at), col(Inspection.seq))).all():
            if amended is not None:
                newer[amended] = by  # the newest wins
    records: list[tuple[Inspection, str | None, str | None]] = [tuple(x) for x in page]
    return [QueueRow(
        uuid=r.uuid, outlet_code=r.outlet_code, outlet_name=name or r.outlet_code,
        business_unit=bu, tier=r.tier, kind=r.kind, inspector_id=r.inspector_id,
        inspector_name=names.get(r.inspector_id),
        finalized_at=as_utc(r.finalized_at or r.started_at),
        received_at=as_utc(r.received_at),
        score_total=r.score_total, device_score_total=r.device_score_total,
        voided=bool(r.voided), veto_count=r.veto_count or 0, flags=_row_flags(r),
        review_state=r.review_state,  # type: ignore[arg-type]
        photo_count=photos.get(r.seq or 0, 0), amends_uuid=r.amends_uuid,
        superseded_by=newer.get(r.uuid),
    ) for r, name, bu in records]


def queue_rows(ctx: ServerContext, viewer: ManagerInfo, flt: QueueFilter,
               chunk: int = MAX_PAGE) -> Iterator[list[QueueRow]]:
    """Every row of `flt` the viewer may see, oldest first, in lists of `chunk`: one
    ordered query read as it goes (an export of 100,000 results, not 200 pages each
    sorting the table again), then the page lookups per chunk."""
    _check_filter(flt)
    unit, impossible = _unit(viewer, flt)
    if impossible:
        return
    stmt = _rows_stmt(flt, _where(flt, unit)).execution_options(yield_per=max(1, chunk))
    with ctx.session() as s:
        for part in s.exec(stmt).partitions():
            yield _queue_rows(s, part)


# --- binding rules ---------------------------------------------------------------------------


def _load(s: Session, viewer: ManagerInfo, uuid: str) -> tuple[Inspection, Outlet | None]:
    """A finalised result the viewer may see (NotFound / NotAllowed otherwise)."""
    try:
        uuid = str(uuidlib.UUID(str(uuid)))
    except ValueError:
        raise NotFound("review.unknown_result", uuid=str(uuid)[:40]) from None
    row = s.exec(select(Inspection).where(Inspection.uuid == uuid)).first()
    if row is None or row.status != "finalized":
        raise NotFound("review.unknown_result", uuid=uuid)
    outlet = s.get(Outlet, row.outlet_code)
    if viewer.business_unit is not None and (outlet is None
                                             or outlet.business_unit != viewer.business_unit):
        raise NotAllowed("review.other_unit", unit=viewer.business_unit)
    return row, outlet


def _console_author(row: Inspection) -> str | None:
    """The account that made a console correction (None for a device's result)."""
    if row.device_id != CONSOLE_DEVICE:
        return None
    try:
        return str(json.loads(row.body)["amendment"]["by"])
    except (ValueError, KeyError, TypeError):
        return None


def _may_act(actor: ManagerInfo, row: Inspection, need: Literal["review", "manage"]) -> None:
    if not actor.active or actor.kind != "account":
        raise NotAllowed("accounts.console_account_needed")
    if need == "review" and not actor.can_review:
        raise NotAllowed("review.viewer_cannot_act")
    if need == "manage" and not actor.can_manage:
        raise NotAllowed("review.managers_only")
    if actor.username == row.inspector_id:
        raise NotAllowed("review.own_result")
    if need == "review" and _console_author(row) == actor.username:
        raise NotAllowed("review.own_correction")


def _text(value: str | None, key: str, *, required: bool) -> str | None:
    text = (value or "").strip()
    if "\x00" in text:
        raise BadInput("accounts.bad_text")
    if len(text) > MAX_REASON:
        raise BadInput("review.reason_long", max=MAX_REASON)
    if required and not text:
        raise BadInput(key)
    return text or None


def _move(s: Session, actor: ManagerInfo | None, row: Inspection, to: ReviewState, *,
          action: str, reason: str | None, review_reason: str | None,
          from_states: tuple[str, ...], now: datetime) -> None:
    """The transition as one guarded UPDATE plus its audit line (not committed)."""
    before = row.review_state
    if before not in from_states:
        raise WrongState(f"review.wrong_state.{before}", action=t(f"review.action.{action}"))
    done = s.execute(update(Inspection)
                     .where(col(Inspection.seq) == row.seq,
                            col(Inspection.review_state) == before)
                     .values(review_state=to, reviewed_at=now,
                             reviewed_by=actor.username if actor else "system",
                             review_reason=review_reason))
    if done.rowcount != 1:  # type: ignore[attr-defined]
        s.rollback()
        raise WrongState("review.changed_meanwhile")
    audit.record(s, inspection_uuid=row.uuid, actor_kind="manager" if actor else "system",
                 actor_id=actor.username if actor else "system", action=action,
                 from_state=before, to_state=to, reason=reason)


# --- transitions -----------------------------------------------------------------------------


def approve(ctx: ServerContext, actor: ManagerInfo, uuid: str, note: str | None = None) -> None:
    note = _text(note, "", required=False)
    with ctx.session() as s:
        row, _ = _load(s, actor, uuid)
        _may_act(actor, row, "review")
        _move(s, actor, row, "approved", action="approved", reason=note, review_reason=note,
              from_states=("received",), now=utcnow())
        s.commit()


def return_result(ctx: ServerContext, actor: ManagerInfo, uuid: str, reason: str) -> None:
    """Back to the inspector with `reason` (required): their device shows it at its next
    sync and they answer with an amendment."""
    text = _text(reason, "review.return_reason_missing", required=True)
    with ctx.session() as s:
        row, _ = _load(s, actor, uuid)
        _may_act(actor, row, "review")
        _move(s, actor, row, "returned", action="returned", reason=text, review_reason=text,
              from_states=("received",), now=utcnow())
        s.commit()


def rejection_reasons(ctx: ServerContext, lang: str | None = None) -> list[tuple[str, str]]:
    """(code, label in `lang` or the current language) of every configured reason."""
    en = normalise(lang) == "en"
    return [(code, en_label if en else zh) for code, zh, en_label
            in ctx.settings.rejection_reasons]


def rejection_label(ctx: ServerContext, code: str | None, lang: str | None = None) -> str | None:
    return dict(rejection_reasons(ctx, lang)).get(code or "", code)


def reject(ctx: ServerContext, actor: ManagerInfo, uuid: str, reason_code: str,
           note: str | None = None) -> None:
    """Rejected: never counted. `reason_code` is one of `rejection_reasons`."""
    codes = [c for c, _ in rejection_reasons(ctx)]
    if reason_code not in codes:
        raise BadInput("review.bad_rejection_reason", value=str(reason_code)[:40],
                       allowed=", ".join(codes))
    note = _text(note, "", required=False)
    reason = f"{reason_code}: {note}" if note else reason_code
    with ctx.session() as s:
        row, _ = _load(s, actor, uuid)
        _may_act(actor, row, "review")
        _move(s, actor, row, "rejected", action="rejected", reason=reason,
              review_reason=reason_code, from_states=("received",), now=utcnow())
        s.commit()


def auto_approve_due(ctx: ServerContext, now: datetime | None = None) -> list[str]:
    """Approve (audit actor `system`) every result received at least `auto_approve_hours`
    ago that carries no flag and no veto, has all its photos, and is not an amendment (a
    correction always gets a person's look). Off (returns []) unless the setting is set."""
    hours = ctx.settings.auto_approve_hours
    if not hours:
        return []
    now = (now or utcnow()).astimezone(UTC)
    cutoff = now - timedelta(hours=hours)
    missing_photo = exists(
        select(InspectionPhoto.sha256)
        .outerjoin(Photo, col(Photo.sha256) == col(InspectionPhoto.sha256))
        .where(col(InspectionPhoto.inspection_seq) == col(Inspection.seq),
               col(Photo.sha256).is_(None)))
    stmt = (select(Inspection)
            .options(*_light())
            .where(Inspection.review_state == "received", Inspection.status == "finalized",
                   col(Inspection.received_at) <= cutoff,
                   col(Inspection.amends_uuid).is_(None),
                   col(Inspection.flags).not_like('%"%'),
                   col(Inspection.veto_count) == 0, col(Inspection.voided).is_(False),
                   ~missing_photo)
            .order_by(col(Inspection.received_at), col(Inspection.seq)).limit(500))
    reason = t("review.auto_approved", "zh", hours=format_score(float(hours)))
    done: list[str] = []
    while True:
        with ctx.session() as s:
            rows = s.exec(stmt).all()
            for row in rows:
                try:
                    _move(s, None, row, "approved", action="auto_approved", reason=reason,
                          review_reason=None, from_states=("received",), now=now)
                except WrongState:  # a person decided it meanwhile
                    continue
                done.append(row.uuid)
            s.commit()
        if len(rows) < 500:
            return done


# --- which result counts ---------------------------------------------------------------------


@dataclass(frozen=True)
class CountedResult:
    uuid: str
    score_total: float | None  # the server's score
    root_uuid: str  # the original visit of its amendment chain
    outlet_code: str
    kind: str
    tier: str
    inspector_id: str
    started_at: datetime


def counted_results(ctx: ServerContext, start: datetime, end: datetime) -> list[CountedResult]:
    """The results that count for visits started in [start, end): per amendment chain, the
    newest approved member (by chain position, then arrival). A chain with no approved
    member counts nothing (received, returned, rejected or overturned results never
    count). Amendments keep their original's visit time, so a chain lies in one period."""
    return [c for c, _ in counted_rows(ctx, start, end)]


def counted_rows(ctx: ServerContext, start: datetime, end: datetime,
                 extra: Sequence[Any] = ()) -> list[tuple[CountedResult, Any]]:
    """counted_results, each with its database row holding the `extra` columns too (the
    month close reads the counted results' failed items in the same pass)."""
    lo, hi = start.astimezone(UTC), end.astimezone(UTC)
    with ctx.session() as s:
        # columns only, through the connection: the ORM's row loading would cost more
        # than the query for a month's ~100,000 results
        rows: list[Any] = list(s.connection().execute(
            select(Inspection.uuid, Inspection.amends_uuid, Inspection.review_state,  # type: ignore[call-overload]
                   Inspection.score_total, Inspection.outlet_code, Inspection.kind,
                   Inspection.tier, Inspection.inspector_id, Inspection.started_at,
                   Inspection.received_at, Inspection.seq, *extra)
            .where(Inspection.status == "finalized", col(Inspection.started_at) >= lo,
                   col(Inspection.started_at) < hi)).all())
        by_uuid = {r.uuid: r for r in rows}
        outside = {r.amends_uuid for r in rows if r.amends_uuid and r.amends_uuid not in by_uuid}
        parents: dict[str, str | None] = {u: r.amends_uuid for u, r in by_uuid.items()}
        while outside:  # an original outside the period (times moved by a correction)
            found = s.exec(select(Inspection.uuid, Inspection.amends_uuid)
                           .where(col(Inspection.uuid).in_(list(outside)))).all()
            outside = set()
            for u, parent in found:
                parents[u] = parent
                if parent and parent not in parents:
                    outside.add(parent)

    def root_depth(u: str) -> tuple[str, int]:
        depth, seen = 0, set()
        while parents.get(u) and u not in seen:
            seen.add(u)
            u, depth = parents[u], depth + 1  # type: ignore[assignment]
        return u, depth

    best: dict[str, tuple[tuple[int, Any, int], Any]] = {}
    for r in rows:
        if r.review_state != "approved":
            continue
        root, depth = root_depth(r.uuid)
        key = (depth, as_utc(r.received_at), r.seq)
        if root not in best or key > best[root][0]:
            best[root] = (key, r)
    return [(CountedResult(uuid=r.uuid, score_total=r.score_total, root_uuid=root,
                           outlet_code=r.outlet_code, kind=r.kind, tier=r.tier,
                           inspector_id=r.inspector_id,
                           started_at=as_utc(r.started_at)), r)
            for root, (_, r) in sorted(best.items(), key=lambda kv: kv[1][0][1:])]


# --- disputes (申诉) ---------------------------------------------------------------------------


def _approved_at(row: Inspection) -> datetime | None:
    return as_utc(row.reviewed_at) if row.review_state == "approved" else None


def dispute_deadline(ctx: ServerContext, row: Inspection) -> datetime | None:
    at = _approved_at(row)
    return at + timedelta(days=ctx.settings.dispute_days) if at else None


def open_dispute(ctx: ServerContext, actor: ManagerInfo, uuid: str, statement: str) -> int:
    """Record an outlet's dispute of an approved result (within `dispute_days` of its
    approval; one open dispute per result). Returns the dispute's id."""
    text = _text(statement, "review.dispute_statement_missing", required=True)
    now = utcnow()
    with ctx.session() as s:
        row, _ = _load(s, actor, uuid)
        _may_act(actor, row, "manage")
        if row.review_state != "approved":
            raise WrongState("review.dispute_needs_approved")
        deadline = dispute_deadline(ctx, row)
        if deadline is None or now > deadline:
            raise WrongState("review.dispute_window_passed", days=ctx.settings.dispute_days)
        if s.exec(select(Dispute.id).where(Dispute.inspection_uuid == row.uuid,
                                           Dispute.state == "open")).first() is not None:
            raise WrongState("review.dispute_already_open")
        dispute = Dispute(inspection_uuid=row.uuid, state="open", statement=text or "",
                          opened_at=now, opened_by=actor.username)
        s.add(dispute)
        s.flush()
        audit.record(s, inspection_uuid=row.uuid, actor_kind="manager",
                     actor_id=actor.username, action="dispute_opened",
                     from_state=row.review_state, to_state=row.review_state,
                     reason=f"#{dispute.id}: {text}")
        s.commit()
        return int(dispute.id)  # type: ignore[arg-type]


def decide_dispute(ctx: ServerContext, actor: ManagerInfo, dispute_id: object,
                   outcome: DisputeOutcome, reason: str) -> None:
    """Upheld: the finding stands. Overturned: the result goes back to `returned` (no
    longer counted) until a correcting amendment is approved; the inspector's device is
    told, or a manager corrects it in the console (`amend_by_manager`)."""
    if outcome not in ("upheld", "overturned"):
        raise BadInput("review.bad_outcome", value=str(outcome)[:20])
    text = _text(reason, "review.decision_reason_missing", required=True)
    now = utcnow()
    with ctx.session() as s:
        dispute = s.get(Dispute, dispute_id) if isinstance(dispute_id, int) else None
        if dispute is None:
            raise NotFound("review.unknown_dispute", id=dispute_id)
        row, _ = _load(s, actor, dispute.inspection_uuid)
        _may_act(actor, row, "manage")
        if dispute.state != "open":
            raise WrongState("review.dispute_decided")
        done = s.execute(update(Dispute)
                         .where(col(Dispute.id) == dispute.id, col(Dispute.state) == "open")
                         .values(state=outcome, decided_at=now, decided_by=actor.username,
                                 decision_reason=text))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            raise WrongState("review.dispute_decided")
        line = f"#{dispute.id}: {text}"
        if outcome == "overturned":
            _move(s, actor, row, "returned", action="dispute_overturned", reason=line,
                  review_reason=t("review.overturned_reason", "zh", reason=text),
                  from_states=("approved",), now=now)
        else:
            audit.record(s, inspection_uuid=row.uuid, actor_kind="manager",
                         actor_id=actor.username, action="dispute_upheld",
                         from_state=row.review_state, to_state=row.review_state, reason=line)
        s.commit()


# --- a correction made in the console ----------------------------------------------------------


def definition_for(ctx: ServerContext, s: Session, content_hash: str) -> ResolvedChecklist | None:
    """The exact definition a result was made with: the issued one by content hash, else
    one the server issues now with that hash."""
    issued = s.get(IssuedChecklist, content_hash)
    if issued is not None:
        try:
            return ResolvedChecklist.model_validate(json.loads(issued.body))
        except ValueError:
            log.error("issued checklist %s cannot be read", content_hash[:12])
    for doc in ctx.checklists.bundle().checklists:
        if doc.get("content_hash") == content_hash:
            return ResolvedChecklist.model_validate(doc)
    return None


def _answers(body: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    answers = {a["item_id"]: a.get("value") for a in body.get("answers", [])
               if a.get("value") is not None}
    notes = {a["item_id"]: a["note"] for a in body.get("answers", []) if a.get("note")}
    return answers, notes


def amend_by_manager(ctx: ServerContext, actor: ManagerInfo, uuid: str,
                     answers_changes: Mapping[str, Any] | None, reason: str,
                     notes_changes: Mapping[str, str | None] | None = None) -> str:
    """Correct a returned result (returned in review or by an overturned dispute) in the
    console: a new result amending it, with `answers_changes` (item id -> new value, None
    clears) and optional note changes applied, re-scored with the same scoring code against
    the same issued definition. It arrives as `received` and is reviewed by someone else.
    Returns the new result's uuid."""
    text = _text(reason, "review.amend_reason_missing", required=True)
    if answers_changes is None or (not answers_changes and not notes_changes):
        raise BadInput("review.amend_nothing")
    now = utcnow()
    with ctx.session() as s:
        row, _ = _load(s, actor, uuid)
        _may_act(actor, row, "manage")
        if row.review_state != "returned":
            raise WrongState("review.amend_needs_returned")
        newer = s.exec(select(Inspection.uuid).where(Inspection.amends_uuid == row.uuid)).first()
        if newer is not None:
            raise WrongState("review.already_amended", uuid=newer)
        definition = definition_for(ctx, s, row.checklist_hash)
        if definition is None:
            raise WrongState("review.definition_unknown")
        body = json.loads(row.body)
        answers, notes = _answers(body)
        items = definition.items
        for item_id, value in answers_changes.items():
            item = items.get(str(item_id))
            if item is None:
                raise BadInput("review.amend_unknown_item", item=str(item_id)[:64])
            if item.type is ItemType.PHOTO:
                raise BadInput("review.amend_photo_item", item=item_id)
            if value is None:
                answers.pop(item_id, None)
                continue
            if isinstance(value, str) and "\x00" in value:
                raise BadInput("accounts.bad_text")
            try:
                answers[item_id] = validate_answer(item, value)
            except InvalidAnswer as exc:
                raise BadInput("review.amend_bad_value", problem=exc.message()) from None
        for item_id, note in (notes_changes or {}).items():
            if str(item_id) not in items:
                raise BadInput("review.amend_unknown_item", item=str(item_id)[:64])
            clean = _text(note, "", required=False)
            if clean is None:
                notes.pop(item_id, None)
            else:
                notes[item_id] = clean
        photos: dict[str, list[dict[str, Any]]] = {}
        for p in body.get("photos", []):
            if p.get("item_id"):
                photos.setdefault(p["item_id"], []).append(p)
        problems = finalise_problems(definition, answers, notes, photos)  # type: ignore[arg-type]
        if problems:
            raise BadInput("review.amend_incomplete",
                           problems="; ".join(p.message() for p in problems[:10]))
        result = score(definition, answers)
        new_uuid = str(uuidlib.uuid4())
        new_body = _amended_body(body, new_uuid, row.uuid, answers, notes, photos, result,
                                 actor, text or "", now)
        from app.sync.protocol import InspectionUpload, canonical_json

        try:
            upload = InspectionUpload.model_validate(new_body)
        except ValidationError as exc:  # e.g. a text longer than the protocol takes
            where = "; ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:3])
            raise BadInput("review.amend_bad_value", problem=where) from None
        stored = canonical_json(upload).decode()
        breakdown = result.to_dict("zh")  # as the ingest keeps it (SNAPSHOT_LANGUAGE)
        amendment = Inspection(
            uuid=new_uuid, device_id=CONSOLE_DEVICE, inspector_id=row.inspector_id,
            outlet_code=row.outlet_code, kind=row.kind, tier=row.tier, status="finalized",
            checklist_id=row.checklist_id, checklist_version=row.checklist_version,
            checklist_hash=row.checklist_hash, started_at=row.started_at,
            finalized_at=row.finalized_at, received_at=now, updated_at=now, phase=row.phase,
            score_total=result.total, device_score_total=None,
            score_detail=json.dumps(breakdown, ensure_ascii=False),
            failed_items=failed.compact(breakdown),
            voided=result.voided, veto_count=len(result.vetoes), flags="[]",
            time_on_site_s=row.time_on_site_s, review_state="received",
            amends_uuid=row.uuid, body_sha256=upload.body_sha256(), body=stored)
        s.add(amendment)
        s.flush()
        for sha in upload.photo_hashes():
            s.add(InspectionPhoto(inspection_seq=amendment.seq, sha256=sha))  # type: ignore[arg-type]
        audit.record(s, inspection_uuid=row.uuid, actor_kind="manager",
                     actor_id=actor.username, action="amended", from_state=row.review_state,
                     to_state=row.review_state, reason=f"{new_uuid}: {text}")
        audit.record(s, inspection_uuid=new_uuid, actor_kind="manager",
                     actor_id=actor.username, action="received", from_state=None,
                     to_state="received", reason=text)
        s.commit()
        return new_uuid


def _amended_body(body: dict[str, Any], new_uuid: str, original: str, answers: dict[str, Any],
                  notes: dict[str, str], photos: dict[str, list[dict[str, Any]]],
                  result: ScoreResult, actor: ManagerInfo, reason: str,
                  now: datetime) -> dict[str, Any]:
    old = {a["item_id"]: a for a in body.get("answers", [])}
    at = now.isoformat()
    out_answers = []
    for item_id in sorted(set(answers) | set(notes)):
        prev = old.get(item_id, {})
        value = answers.get(item_id)
        changed_value = prev.get("value") != value
        changed_note = prev.get("note") != notes.get(item_id)
        out_answers.append({
            "item_id": item_id, "value": value,
            "answered_at": at if changed_value else prev.get("answered_at"),
            "note": notes.get(item_id),
            "noted_at": at if changed_note and notes.get(item_id) else prev.get("noted_at"),
        })
    vetoes = [{
        "item_id": v.item_id, "section_id": v.section_id, "scope": v.scope.value,
        "reason_zh": v.reason.zh[:500], "reason_en": v.reason.en[:500],
        "note": notes.get(v.item_id),
        "photos": [p["sha256"] for p in photos.get(v.item_id, [])][:50], "raised_at": at,
    } for v in result.vetoes]
    new = dict(body)
    new.update(
        uuid=new_uuid, device_id=CONSOLE_DEVICE, answers=out_answers, vetoes=vetoes,
        score={"total": result.total, "complete": result.complete, "voided": result.voided,
               "veto_count": len(result.vetoes), "detail": result.to_dict("zh")},
        amends_uuid=original,
        amendment={"by": actor.username, "at": at, "reason": reason[:4000]},
        actions=[], action_updates=[],
    )
    return new


# --- one result, in full -----------------------------------------------------------------------


@dataclass(frozen=True)
class OutletRef:
    code: str
    name: str
    tier: str
    business_unit: str | None


@dataclass(frozen=True)
class InspectorRef:
    id: str
    name: str | None
    role: str | None


@dataclass(frozen=True)
class Place:
    at: datetime | None
    lat: float | None
    lon: float | None
    accuracy_m: float | None


@dataclass(frozen=True)
class ItemView:
    id: str
    label: dict[str, str]  # {"zh": ..., "en": ...}
    type: str
    value: Any
    value_text: str  # in the view's language ("" for no answer)
    note: str | None
    status: str  # scored | unanswered | na | hidden | unscored
    score: float | None  # 0..1
    failed: bool
    veto: bool  # this item's veto fired
    photos: list[str]  # sha256


@dataclass(frozen=True)
class SectionView:
    id: str
    label: dict[str, str]
    score: float | None
    raw_score: float | None
    weight: float
    vetoed: bool
    items: list[ItemView]


@dataclass(frozen=True)
class VetoView:
    item_id: str
    section_id: str
    scope: str  # section | visit
    label: dict[str, str]  # the item's label
    reason: dict[str, str]
    note: str | None  # the inspector's evidence note
    photos: list[str]  # evidence photos (sha256)


@dataclass(frozen=True)
class ChainLink:
    uuid: str
    amends_uuid: str | None
    at: datetime | None  # when the amendment was made (the original: its finalisation)
    by: str | None
    reason: str | None
    review_state: str
    score_total: float | None
    counted: bool  # the chain's newest approved member


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime
    actor_kind: str
    actor_id: str | None
    action: str
    from_state: str | None
    to_state: str | None
    reason: str | None


@dataclass(frozen=True)
class DisputeView:
    id: int
    state: str  # open | upheld | overturned
    statement: str
    opened_at: datetime
    opened_by: str
    decided_at: datetime | None
    decided_by: str | None
    decision_reason: str | None


@dataclass(frozen=True)
class ResultView:
    uuid: str
    outlet: OutletRef
    inspector: InspectorRef
    kind: str
    tier: str
    phase: str | None
    checklist_id: str
    checklist_version: int
    started_at: datetime
    finalized_at: datetime | None
    received_at: datetime
    check_in: Place | None
    check_out: Place | None
    time_on_site_s: int | None
    sections: list[SectionView]
    score_total: float | None
    device_score_total: float | None
    voided: bool
    veto_count: int
    vetoes: list[VetoView]
    breakdown: list[str]  # the server's score, explained line by line
    flags: list[str]
    review_state: str
    reviewed_at: datetime | None
    reviewed_by: str | None
    review_reason: str | None  # the reason shown (a rejection code as its label)
    amends_uuid: str | None
    superseded_by: str | None
    chain: list[ChainLink]  # oldest first
    audit: list[AuditLine]
    disputes: list[DisputeView]
    dispute_until: datetime | None  # when the dispute window closes (approved results)
    photos: list[str]  # every photo (sha256), in the order listed
    missing_photos: list[str]  # listed but not arrived
    allowed_actions: list[str] = field(default_factory=list)


ACTIONS = ("approve", "return", "reject", "dispute", "decide_dispute", "amend")


def _label(text: Any) -> dict[str, str]:
    return {"zh": text.zh, "en": text.en} if text is not None else {"zh": "", "en": ""}


def _value_text(item: Any, value: Any, lang: str) -> str:
    if value is None:
        return ""
    if value == NA and item.type is not ItemType.TEXT:
        return t("answer.na", lang)
    if item.type is ItemType.YES_NO:
        return t("answer.yes" if value else "answer.no", lang)
    if item.type is ItemType.CHOICE:
        for o in item.options or []:
            if o.id == value:
                return str(o.label.get(lang))
        return str(value)
    if item.type is ItemType.SCALE:
        return f"{value} / {item.max}"
    if item.type is ItemType.NUMBER:
        unit = f" {item.unit.get(lang)}" if item.unit is not None else ""
        return f"{format_score(float(value))}{unit}"
    return str(value)


def _place(loc: Mapping[str, Any] | None, at: Any) -> Place | None:
    if not loc and at is None:
        return None
    loc = loc or {}
    return Place(at=as_utc(at) if isinstance(at, datetime) else (
        as_utc(datetime.fromisoformat(loc["at"])) if loc.get("at") else None),
        lat=loc.get("lat"), lon=loc.get("lon"), accuracy_m=loc.get("accuracy_m"))


def _chain(s: Session, row: Inspection) -> list[ChainLink]:
    """Every result of this result's amendment chain, oldest first."""
    root = row.uuid
    for _ in range(1000):
        parent = s.exec(select(Inspection.amends_uuid).where(Inspection.uuid == root)).first()
        if not parent:
            break
        root = parent
    members: list[Inspection] = []
    frontier = [root]
    seen: set[str] = set()
    while frontier and len(seen) < 1000:
        found = s.exec(select(Inspection).options(*_light(body=False))
                       .where(col(Inspection.uuid).in_(frontier))).all()
        found = [f for f in found if f.uuid not in seen]
        seen.update(f.uuid for f in found)
        members.extend(found)
        frontier = list(s.exec(select(Inspection.uuid)
                               .where(col(Inspection.amends_uuid).in_([f.uuid for f in found]))
                               ).all())
    depth: dict[str, int] = {}
    for m in members:
        depth[m.uuid] = depth.get(m.amends_uuid or "", -1) + 1 if m.amends_uuid else 0
    approved = [m for m in members if m.review_state == "approved" and m.status == "finalized"]
    counted = max(approved, key=lambda m: (depth[m.uuid], as_utc(m.received_at), m.seq),
                  default=None)
    links = []
    for m in sorted(members, key=lambda m: (depth[m.uuid], as_utc(m.received_at), m.seq)):
        amendment = (json.loads(m.body).get("amendment") or {}) if m.amends_uuid else {}
        at = (datetime.fromisoformat(amendment["at"]) if amendment.get("at")
              else m.finalized_at)
        links.append(ChainLink(uuid=m.uuid, amends_uuid=m.amends_uuid, at=as_utc(at),
                               by=amendment.get("by") or m.inspector_id,
                               reason=amendment.get("reason"), review_state=m.review_state,
                               score_total=m.score_total,
                               counted=counted is not None and m.uuid == counted.uuid))
    return links


def allowed_actions(ctx: ServerContext, viewer: ManagerInfo, row: Inspection,
                    open_dispute_exists: bool, superseded: bool) -> list[str]:
    """What this viewer may do to this result now (the console shows these buttons)."""
    def ok(need: Literal["review", "manage"]) -> bool:
        try:
            _may_act(viewer, row, need)
        except NotAllowed:
            return False
        return True

    out: list[str] = []
    if row.review_state == "received" and ok("review"):
        out += ["approve", "return", "reject"]
    if row.review_state == "approved" and ok("manage"):
        deadline = dispute_deadline(ctx, row)
        if open_dispute_exists:
            out.append("decide_dispute")
        elif deadline is not None and utcnow() <= deadline:
            out.append("dispute")
    if row.review_state == "returned" and not superseded and ok("manage"):
        out.append("amend")
    return out


def _section_views(definition: ResolvedChecklist, answers: Mapping[str, Any],
                   notes: Mapping[str, str], by_item: Mapping[str, list[str]],
                   lang: str) -> tuple[ScoreResult, list[SectionView]]:
    """The server's score of the answers and every section's items as shown (shared by
    `result_view` and the batched `sections_of`, so an export says what the console says)."""
    result = score(definition, dict(answers))
    fired = {v.item_id for v in result.vetoes}
    items = definition.items
    sections = [SectionView(
        id=sec.section_id, label=_label(sec.title), score=sec.score,
        raw_score=sec.raw_score, weight=sec.weight, vetoed=sec.vetoed,
        items=[ItemView(
            id=i.item_id, label=_label(items[i.item_id].label),
            type=items[i.item_id].type.value, value=answers.get(i.item_id),
            value_text=_value_text(items[i.item_id], answers.get(i.item_id), lang),
            note=notes.get(i.item_id), status=i.status, score=i.score,
            failed=i.failed, veto=i.item_id in fired,
            photos=by_item.get(i.item_id, [])) for i in sec.items]) for sec in result.sections]
    return result, sections


def definition_of(ctx: ServerContext, viewer: ManagerInfo, uuid: str) -> ResolvedChecklist | None:
    """The exact definition a result was scored with (the console's correction form shows
    its items and the values each can take)."""
    with ctx.session() as s:
        row, _ = _load(s, viewer, uuid)
        return definition_for(ctx, s, row.checklist_hash)


def sections_of(ctx: ServerContext, viewer: ManagerInfo, uuids: list[str],
                lang: str | None = None) -> dict[str, list[SectionView]]:
    """The answers by section of many results at once (one query for their bodies), as
    `result_view(...).sections` shows them: what the answers sheet of an export needs,
    without a full view per result. Results the viewer may not see are left out."""
    lang = normalise(lang)
    if not uuids:
        return {}
    stmt = (select(Inspection.uuid, Inspection.checklist_hash, Inspection.body)
            .where(col(Inspection.uuid).in_(uuids), Inspection.status == "finalized"))
    if viewer.business_unit is not None:
        stmt = stmt.join(Outlet, col(Outlet.code) == col(Inspection.outlet_code)).where(
            Outlet.business_unit == viewer.business_unit)
    out: dict[str, list[SectionView]] = {}
    definitions: dict[str, ResolvedChecklist | None] = {}
    with ctx.session() as s:
        found = s.exec(stmt).all()
        for content_hash in {h for _, h, _ in found}:
            definitions[content_hash] = definition_for(ctx, s, content_hash)
    for uuid, content_hash, raw in found:
        definition = definitions.get(content_hash)
        if definition is None:
            out[uuid] = []
            continue
        body = json.loads(raw)
        answers, notes = _answers(body)
        by_item: dict[str, list[str]] = {}
        for p in body.get("photos", []):
            if p.get("item_id"):
                by_item.setdefault(p["item_id"], []).append(p["sha256"])
        out[uuid] = _section_views(definition, answers, notes, by_item, lang)[1]
    return out


def result_view(ctx: ServerContext, viewer: ManagerInfo, uuid: str,
                lang: str | None = None) -> ResultView:
    """Everything the console shows about one result (in `lang`, default the current)."""
    lang = normalise(lang)
    with ctx.session() as s:
        row, outlet = _load(s, viewer, uuid)
        body = json.loads(row.body)
        person = s.get(Inspector, row.inspector_id)
        definition = definition_for(ctx, s, row.checklist_hash)
        chain = _chain(s, row)
        superseded = next((c.uuid for c in reversed(chain) if c.amends_uuid == row.uuid), None)
        trail = audit.trail(s, row.uuid)
        disputes = list(s.exec(select(Dispute).where(Dispute.inspection_uuid == row.uuid)
                               .order_by(col(Dispute.id))).all())
        listed = list(s.exec(select(InspectionPhoto.sha256)
                             .where(InspectionPhoto.inspection_seq == row.seq)).all())
        have = set(s.exec(select(Photo.sha256).where(col(Photo.sha256).in_(listed))).all()) \
            if listed else set()
    answers, notes = _answers(body)
    by_item: dict[str, list[str]] = {}
    order: list[str] = []
    for p in body.get("photos", []):
        order.append(p["sha256"])
        if p.get("item_id"):
            by_item.setdefault(p["item_id"], []).append(p["sha256"])
    evidence = {v["item_id"]: v for v in body.get("vetoes", [])}
    sections: list[SectionView] = []
    vetoes: list[VetoView] = []
    breakdown: list[str] = []
    if definition is not None:
        result, sections = _section_views(definition, answers, notes, by_item, lang)
        breakdown = result.breakdown(lang)
        for v in result.vetoes:
            ev = evidence.get(v.item_id, {})
            vetoes.append(VetoView(
                item_id=v.item_id, section_id=v.section_id, scope=v.scope.value,
                label=_label(v.label), reason=_label(v.reason),
                note=ev.get("note") or notes.get(v.item_id),
                photos=list(dict.fromkeys([*ev.get("photos", []),
                                           *by_item.get(v.item_id, [])]))))
    reason = row.review_reason
    if row.review_state == "rejected":
        reason = rejection_label(ctx, row.review_reason, lang)
    open_exists = any(d.state == "open" for d in disputes)
    return ResultView(
        uuid=row.uuid,
        outlet=OutletRef(code=row.outlet_code, name=outlet.name if outlet else row.outlet_code,
                         tier=outlet.tier if outlet else row.tier,
                         business_unit=outlet.business_unit if outlet else None),
        inspector=InspectorRef(id=row.inspector_id, name=person.name if person else None,
                               role=person.role if person else None),
        kind=row.kind, tier=row.tier, phase=row.phase, checklist_id=row.checklist_id,
        checklist_version=row.checklist_version,
        started_at=as_utc(row.started_at),
        finalized_at=as_utc(row.finalized_at),
        received_at=as_utc(row.received_at),
        check_in=_place(body.get("location_start"), row.started_at),
        check_out=_place(body.get("location_end"), row.finalized_at),
        time_on_site_s=row.time_on_site_s, sections=sections, score_total=row.score_total,
        device_score_total=row.device_score_total, voided=bool(row.voided),
        veto_count=row.veto_count or 0, vetoes=vetoes, breakdown=breakdown,
        flags=_row_flags(row), review_state=row.review_state,
        reviewed_at=as_utc(row.reviewed_at), reviewed_by=row.reviewed_by,
        review_reason=reason, amends_uuid=row.amends_uuid, superseded_by=superseded,
        chain=chain,
        audit=[AuditLine(id=a.id, at=as_utc(a.at), actor_kind=a.actor_kind,  # type: ignore[arg-type]
                         actor_id=a.actor_id, action=a.action, from_state=a.from_state,
                         to_state=a.to_state, reason=a.reason) for a in trail],
        disputes=[DisputeView(id=d.id, state=d.state, statement=d.statement,  # type: ignore[arg-type]
                              opened_at=as_utc(d.opened_at), opened_by=d.opened_by,
                              decided_at=as_utc(d.decided_at), decided_by=d.decided_by,
                              decision_reason=d.decision_reason) for d in disputes],
        dispute_until=dispute_deadline(ctx, row),
        photos=list(dict.fromkeys(order)),
        missing_photos=[h for h in dict.fromkeys(listed) if h not in have],
        allowed_actions=allowed_actions(ctx, viewer, row, open_exists, superseded is not None),
    )


def audit_trail(ctx: ServerContext, viewer: ManagerInfo, uuid: str) -> list[AuditLine]:
    """The result's audit lines, oldest first (GET /api/v1/results/{uuid}/audit)."""
    with ctx.session() as s:
        row, _ = _load(s, viewer, uuid)
        return [AuditLine(id=a.id, at=as_utc(a.at), actor_kind=a.actor_kind,  # type: ignore[arg-type]
                          actor_id=a.actor_id, action=a.action, from_state=a.from_state,
                          to_state=a.to_state, reason=a.reason)
                for a in audit.trail(s, row.uuid)]


# --- what goes back to the inspector's device -------------------------------------------------


@dataclass(frozen=True)
class ReturnedResult:
    uuid: str
    reason: str | None
    returned_at: datetime | None
    returned_by: str | None
    superseded_by: str | None  # an amendment the server already holds


def returned_for(ctx: ServerContext, inspector_id: str, limit: int = 500) -> list[ReturnedResult]:
    """The inspector's results in state `returned` (newest decision first), with reason."""
    with ctx.session() as s:
        rows = s.exec(select(Inspection.uuid, Inspection.review_reason,
                             Inspection.reviewed_at, Inspection.reviewed_by)
                      .where(Inspection.inspector_id == inspector_id,
                             Inspection.review_state == "returned",
                             Inspection.status == "finalized")
                      .order_by(col(Inspection.reviewed_at).desc(), col(Inspection.seq).desc())
                      .limit(limit)).all()
        uuids = [r[0] for r in rows]
        amended: dict[str, str] = {}
        if uuids:
            for parent, child in s.exec(select(Inspection.amends_uuid, Inspection.uuid)
                                        .where(col(Inspection.amends_uuid).in_(uuids))
                                        .order_by(col(Inspection.seq))).all():
                amended[parent] = child  # type: ignore[index]
    return [ReturnedResult(uuid=u, reason=reason, returned_at=as_utc(at), returned_by=by,
                           superseded_by=amended.get(u)) for u, reason, at, by in rows]
