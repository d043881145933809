"""The lists and look-ups: drafts, today's work, the outbox, an outlet's history, one
visit's summary; and the mystery-shopper rotation rule, which is a question about history.

Each list is one indexed query (module level, so tests/store/test_listing_indexes.py can
EXPLAIN them), so the lists stay fast with thousands of inspections on the device.
"""

from __future__ import annotations

import builtins
import json
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlmodel import col

from app.checklists import Kind
from app.errors import UserError
from app.programme import rotation
from app.services.inspection.records import now_or
from app.services.settings import Settings
from app.services.types import InspectionSummary
from app.store import Inspection, Outlet, Status, Store, SyncState
from app.store.issued import recent_covert_visits

ROTATION_DAYS = rotation.ROTATION_DAYS  # a shopper visits an outlet at most once in 3 months

_SUMMARY_COLUMNS = (Inspection, col(Outlet.name))
SummarySelect = Select[Inspection, str]  # a visit and its outlet's name


def summary_select() -> SummarySelect:
    return select(*_SUMMARY_COLUMNS).join(Outlet, col(Outlet.code) == col(Inspection.outlet_code))


def drafts_query() -> SummarySelect:
    """Drafts, newest first (index: status, started_at)."""
    return (summary_select().where(col(Inspection.status) == Status.DRAFT.value)
            .order_by(col(Inspection.started_at).desc()))


def between_query(start: datetime, end: datetime) -> SummarySelect:
    """Inspections started in [start, end), in order (index: started_at)."""
    return (summary_select()
            .where(col(Inspection.started_at) >= start, col(Inspection.started_at) < end)
            .order_by(col(Inspection.started_at)))


def outbox_query() -> SummarySelect:
    """Finalised inspections waiting to be sent, in creation order (index: sync_state,
    created_seq)."""
    return (summary_select().where(col(Inspection.sync_state) == SyncState.QUEUED.value)
            .order_by(col(Inspection.created_seq)))


def attention_query() -> SummarySelect:
    """Visits the server refused or holds differently, in creation order."""
    return (summary_select()
            .where(col(Inspection.sync_state).in_([SyncState.CONFLICT.value,
                                              SyncState.REJECTED.value]))
            .order_by(col(Inspection.created_seq)))


def recent_query(limit: int) -> SummarySelect:
    return summary_select().order_by(col(Inspection.started_at).desc()).limit(limit)


def history_query(outlet_code: str) -> SummarySelect:
    """One outlet's inspections, newest first (index: outlet_code, started_at)."""
    return (summary_select().where(col(Inspection.outlet_code) == outlet_code)
            .order_by(col(Inspection.started_at).desc()))


def visits_by_query(outlet_code: str, inspector_id: str, kind: Kind | str, since: datetime,
                    *, finalised_only: bool = False) -> SummarySelect:
    """The rotation rule's question, asked once: this inspector's own visits of one kind to
    one outlet since `since` (amendments are the same visit), newest first (index:
    outlet_code, started_at)."""
    stmt = (history_query(outlet_code)
            .where(col(Inspection.inspector_id) == inspector_id,
                   col(Inspection.kind) == Kind(kind).value,
                   col(Inspection.started_at) >= since,
                   col(Inspection.amends_uuid).is_(None)))
    if finalised_only:
        stmt = stmt.where(col(Inspection.status) == Status.FINALIZED.value)
    return stmt


def amendments_query(uuid: str) -> SummarySelect:
    """Amendments pointing at one inspection, oldest first."""
    return (summary_select().where(col(Inspection.amends_uuid) == uuid)
            .order_by(col(Inspection.created_seq)))


def to_summary(row: Any) -> InspectionSummary:
    insp, outlet_name = row[0], row[1]
    return InspectionSummary(
        uuid=insp.uuid, kind=insp.kind, tier=insp.tier, outlet_code=insp.outlet_code,
        outlet_name=outlet_name, inspector_id=insp.inspector_id,
        checklist_id=insp.checklist_id, checklist_version=insp.checklist_version,
        status=insp.status, started_at=insp.started_at,
        started_tz_offset_min=insp.started_tz_offset_min, finished_at=insp.finished_at,
        total_score=insp.total_score, complete=insp.complete, veto_count=insp.veto_count,
        sync_state=insp.sync_state, sync_error=insp.sync_error,
        amends_uuid=insp.amends_uuid, amended_by=insp.amended_by,
        amended_at=insp.amended_at, amend_reason=insp.amend_reason,
        created_seq=insp.created_seq,
    )


class Queries:
    """Read-only questions about the visits on this device."""

    def __init__(self, store: Store, settings: Settings) -> None:
        self._store = store
        self._settings = settings

    def list(self, stmt: SummarySelect) -> list[InspectionSummary]:
        with self._store.reading() as s:
            return [to_summary(row) for row in s.execute(stmt)]

    def summary(self, uuid: str) -> InspectionSummary:
        with self._store.reading() as s:
            row = s.execute(summary_select().where(col(Inspection.uuid) == uuid)).first()
        if row is None:
            raise UserError("services.inspection_unknown", uuid=uuid)
        return to_summary(row)

    def score_snapshot(self, uuid: str) -> dict[str, Any] | None:
        with self._store.reading() as s:
            raw = s.execute(select(col(Inspection.score_json))
                            .where(col(Inspection.uuid) == uuid)).scalar()
        return json.loads(raw) if raw else None

    def find_draft(self, outlet_code: str, kind: Kind | str | None = None) -> str | None:
        stmt = (select(col(Inspection.uuid))
                .where(col(Inspection.outlet_code) == outlet_code,
                       col(Inspection.status) == Status.DRAFT.value,
                       col(Inspection.amends_uuid).is_(None))
                .order_by(col(Inspection.started_at).desc()).limit(1))
        if kind is not None:
            stmt = stmt.where(col(Inspection.kind) == Kind(kind).value)
        with self._store.reading() as s:
            return s.execute(stmt).scalar()

    # `list` below is the method, so the builtin is spelt out in annotations after it
    def list_today(self, now: datetime | None = None) -> builtins.list[InspectionSummary]:
        now = now_or(now)
        start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
        end = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
        return self.list(between_query(start, end))

    def history(self, outlet_code: str,
                limit: int | None = None) -> builtins.list[InspectionSummary]:
        stmt = history_query(outlet_code)
        return self.list(stmt.limit(limit) if limit else stmt)

    def latest_version(self, uuid: str) -> str:
        current = uuid
        with self._store.reading() as s:
            for _ in range(1000):
                nxt = s.execute(select(col(Inspection.uuid))
                                .where(col(Inspection.amends_uuid) == current,
                                       col(Inspection.status) == Status.FINALIZED.value)
                                .order_by(col(Inspection.created_seq).desc()).limit(1)).scalar()
                if nxt is None:
                    break
                current = nxt
        return current

    # -- the rotation rule -------------------------------------------------------------

    def recent_visit_by(self, outlet_code: str, inspector_id: str, *,
                        kind: Kind | str = Kind.MYSTERY_SHOP, days: int = ROTATION_DAYS,
                        now: datetime | None = None) -> InspectionSummary | None:
        since = now_or(now) - timedelta(days=days)
        stmt = visits_by_query(outlet_code, inspector_id, kind, since).limit(1)
        with self._store.reading() as s:
            row = s.execute(stmt).first()
        return to_summary(row) if row else None

    def check_rotation(self, outlet_code: str, inspector_id: str | None = None, *,
                       now: datetime | None = None) -> None:
        inspector_id = inspector_id or self._settings.inspector_id
        if not inspector_id:
            return
        now = now_or(now)
        stmt = visits_by_query(outlet_code, inspector_id, Kind.MYSTERY_SHOP,
                               now - rotation.WINDOW, finalised_only=True).limit(1)
        with self._store.reading() as s:
            row = s.execute(stmt).first()
            name = row[1] if row else s.execute(
                select(col(Outlet.name)).where(col(Outlet.code) == outlet_code)).scalar()
        previous = [to_summary(row).started_at] if row else []
        previous += recent_covert_visits(self._store, inspector_id, outlet_code)
        last = rotation.blocking_visit(previous, now)
        if last is None:
            return
        raise UserError("services.rotation_blocked", outlet=name or outlet_code,
                        last=last.date().isoformat(),
                        next=rotation.next_allowed(last).date().isoformat())
