"""Inspections: start a visit, answer, note, attach photos, finalise, amend, list.

Autosave: every answer, note and photo is committed to disk the moment it is given (there
is no Save button); the call returns only once the commit is durable. A finalised
inspection is a record: it can no longer change (the services refuse, and database
triggers abort any attempt). Corrections are amendments: a new inspection that points at
the original, carries who, when and why, and is finalised in its own right.

Lists (drafts, today's work, the outbox, an outlet's history) are single indexed queries,
so they stay fast with thousands of inspections on the device.
"""

from __future__ import annotations

import json
import logging
import uuid as uuidlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Select, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.checklists import Catalog, Item, ItemType, Kind, ResolvedChecklist, UnknownChecklist
from app.errors import UserError
from app.services import rules
from app.services.errors import FinaliseBlocked
from app.services.settings import Settings
from app.services.types import (
    InspectionState,
    InspectionSummary,
    Location,
    PhotoInfo,
    Saved,
    SectionProgress,
    VetoInfo,
)
from app.store import (
    ActionStatus,
    Answer,
    Assignment,
    ChecklistDefinition,
    CorrectiveAction,
    Inspection,
    Outlet,
    Photo,
    Status,
    Store,
    SyncState,
    VetoFlag,
)
from app.store.issued import current_definition
from app.store.types import utc_text

log = logging.getLogger(__name__)

ROTATION_DAYS = 92  # a mystery shopper visits the same outlet at most once in 3 months

# (kind, tier, phase) -> the checklist the server issues now, or None (use the local file)
IssuedChecklists = Callable[[Kind, str, "str | None"], "ResolvedChecklist | None"]


# ------------------------------------------------------------------------------------------
# Queries the lists use (module level so tests can EXPLAIN them)

_SUMMARY_COLUMNS = (Inspection, Outlet.name)


def _summary_select() -> Select[Any]:
    return select(*_SUMMARY_COLUMNS).join(Outlet, Outlet.code == Inspection.outlet_code)


def drafts_query() -> Select[Any]:
    """Drafts, newest first (index: status, started_at)."""
    return (_summary_select().where(Inspection.status == Status.DRAFT.value)
            .order_by(Inspection.started_at.desc()))


def between_query(start: datetime, end: datetime) -> Select[Any]:
    """Inspections started in [start, end), in order (index: started_at)."""
    return (_summary_select()
            .where(Inspection.started_at >= start, Inspection.started_at < end)
            .order_by(Inspection.started_at))


def outbox_query() -> Select[Any]:
    """Finalised inspections waiting to be sent, in creation order (index: sync_state,
    created_seq)."""
    return (_summary_select().where(Inspection.sync_state == SyncState.QUEUED.value)
            .order_by(Inspection.created_seq))


def recent_query(limit: int) -> Select[Any]:
    return _summary_select().order_by(Inspection.started_at.desc()).limit(limit)


def history_query(outlet_code: str) -> Select[Any]:
    """One outlet's inspections, newest first (index: outlet_code, started_at)."""
    return (_summary_select().where(Inspection.outlet_code == outlet_code)
            .order_by(Inspection.started_at.desc()))


def _summary(row: Any) -> InspectionSummary:
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


def _now(now: datetime | None) -> datetime:
    """`now` (must be aware) or the current local time with the device's offset."""
    if now is None:
        return datetime.now().astimezone()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware `now`")
    return now


def _offset_min(moment: datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------------------------------
# The autosave path: fixed SQL on one connection, no ORM (answer() runs on every tap)

_SQL_STATUS = "SELECT status FROM inspection WHERE uuid = ?"
_SQL_SET_VALUE = (
    "INSERT INTO answer (inspection_uuid, item_id, value_json, answered_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (inspection_uuid, item_id) DO UPDATE SET "
    "value_json = excluded.value_json, answered_at = excluded.answered_at RETURNING note"
)
_SQL_SET_NOTE = (
    "INSERT INTO answer (inspection_uuid, item_id, note, noted_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (inspection_uuid, item_id) DO UPDATE SET "
    "note = excluded.note, noted_at = excluded.noted_at RETURNING value_json"
)
_SQL_CLEAR_VALUE = (
    "UPDATE answer SET value_json = NULL, answered_at = NULL "
    "WHERE inspection_uuid = ? AND item_id = ? RETURNING note"
)
_SQL_CLEAR_NOTE = (
    "UPDATE answer SET note = NULL, noted_at = NULL "
    "WHERE inspection_uuid = ? AND item_id = ? RETURNING value_json"
)
_SQL_DROP_EMPTY = (
    "DELETE FROM answer WHERE inspection_uuid = ? AND item_id = ? "
    "AND value_json IS NULL AND note IS NULL"
)
_SQL_ENTRIES = "SELECT item_id, value_json, note FROM answer WHERE inspection_uuid = ?"
_SQL_PHOTOS = "SELECT item_id, sha256 FROM photo WHERE inspection_uuid = ? ORDER BY id"
_SQL_FLAGS = (
    "SELECT item_id, evidence_note, evidence_photo FROM veto_flag WHERE inspection_uuid = ?"
)
_SQL_DROP_FLAG = "DELETE FROM veto_flag WHERE inspection_uuid = ? AND item_id = ?"
_SQL_ADD_FLAG = (
    "INSERT INTO veto_flag (inspection_uuid, item_id, section_id, scope, reason_zh, "
    "reason_en, evidence_note, evidence_photo, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_SQL_FLAG_EVIDENCE = (
    "UPDATE veto_flag SET evidence_note = ?, evidence_photo = ? "
    "WHERE inspection_uuid = ? AND item_id = ?"
)


def _require_draft(conn: Connection, uuid: str) -> None:
    status = conn.exec_driver_sql(_SQL_STATUS, (uuid,)).scalar()
    if status is None:
        raise UserError("services.inspection_unknown", uuid=uuid)
    if status != Status.DRAFT.value:
        raise UserError("services.finalized_immutable")


def _clear_value(conn: Connection, uuid: str, item_id: str) -> str | None:
    """Remove an item's value (keeping its note); returns the note."""
    note = conn.exec_driver_sql(_SQL_CLEAR_VALUE, (uuid, item_id)).scalar()
    conn.exec_driver_sql(_SQL_DROP_EMPTY, (uuid, item_id))
    return note


def _clear_note(conn: Connection, uuid: str, item_id: str) -> str | None:
    """Remove an item's note (keeping its value); returns the value's JSON."""
    value_json = conn.exec_driver_sql(_SQL_CLEAR_NOTE, (uuid, item_id)).scalar()
    conn.exec_driver_sql(_SQL_DROP_EMPTY, (uuid, item_id))
    return value_json


# ------------------------------------------------------------------------------------------
# Per-checklist facts, computed once per content hash


@dataclass
class _Definition:
    checklist: ResolvedChecklist
    veto_items: dict[str, Item] = field(init=False)
    veto_relevant: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        items = self.checklist.items
        self.veto_items = {i: it for i, it in items.items() if it.veto is not None}
        # a change to any of these items can raise or lower a veto flag: the veto items
        # themselves and every item their visibility depends on (transitively)
        relevant: set[str] = set()
        todo = list(self.veto_items)
        while todo:
            item_id = todo.pop()
            if item_id in relevant or item_id not in items:
                continue
            relevant.add(item_id)
            todo.extend(c.item for c in items[item_id].conditions)
        self.veto_relevant = frozenset(relevant)

    @cached_property
    def section_of(self) -> dict[str, str]:
        return self.checklist.section_of


# ------------------------------------------------------------------------------------------


class Inspections:
    """Everything an inspector does with a visit, one committed step at a time."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog], settings: Settings,
                 photos_dir: Path) -> None:
        self._store = store
        self._catalog = catalog
        self._settings = settings
        self._photos_dir = photos_dir
        self._definitions: dict[str, _Definition] = {}
        self._hash_of: dict[str, str] = {}  # inspection uuid -> checklist hash (immutable)
        self._issued: IssuedChecklists = self._server_issued

    def use_issued_checklists(self, source: IssuedChecklists) -> None:
        """Replace where server-issued checklists come from (default: the ones the sync
        client stored on this device).

        `source(kind, tier, phase)` returns the definition the server issues now for that
        combination, or None to fall back to the local checklists.yaml.
        """
        self._issued = source

    def _server_issued(self, kind: Kind, tier: str,
                       phase: str | None) -> ResolvedChecklist | None:
        """The endpoint's current definition, when it was resolved for this outlet's phase
        (the endpoint issues one per kind and tier, for the programme's default phase)."""
        issued = current_definition(self._store, kind.value, tier)
        if issued is None:
            return None
        return issued if phase is None or issued.phase == phase else None

    # -- starting --------------------------------------------------------------------------

    def start(self, kind: Kind | str, outlet_code: str, inspector_id: str | None = None, *,
              location: Location | Mapping[str, Any] | tuple[float, ...] | None = None,
              now: datetime | None = None) -> str:
        """Start a new visit (always a new draft; see `find_draft` to resume one).

        The checklist is chosen by kind and the outlet's tier and phase, and stored with
        the draft by its content hash, so later changes to checklists.yaml never change
        this visit. Returns the new inspection's id (a UUID made on this device).
        """
        now = _now(now)
        try:
            kind = Kind(kind)
        except ValueError:
            raise UserError("services.kind_unknown", kind=str(kind)) from None
        inspector_id = inspector_id or self._settings.inspector_id
        if not inspector_id:
            raise UserError("services.no_inspector")
        checkin = Location.coerce(location)
        with self._store.reading() as s:
            outlet = s.get(Outlet, outlet_code)
        if outlet is None:
            raise UserError("services.outlet_unknown", code=outlet_code)
        if kind is Kind.MYSTERY_SHOP:
            self.check_rotation(outlet_code, inspector_id, now=now)
        issued = self._issued(kind, outlet.tier, outlet.phase)
        try:
            checklist = issued or self._catalog().resolve(kind, outlet.tier, outlet.phase)
        except UnknownChecklist:
            raise UserError("services.no_checklist", kind=kind.value, tier=outlet.tier,
                            outlet=outlet.name) from None
        body = checklist.model_dump_json()
        new_uuid = str(uuidlib.uuid4())
        with self._store.writing() as s:
            s.execute(
                sqlite_insert(ChecklistDefinition).values(
                    content_hash=checklist.content_hash, checklist_id=checklist.id,
                    version=checklist.version, kind=checklist.kind.value,
                    tier=checklist.tier, phase=checklist.phase, body=body, stored_at=now,
                ).on_conflict_do_nothing(index_elements=["content_hash"])
            )
            s.add(Inspection(
                uuid=new_uuid, kind=kind.value, tier=outlet.tier, phase=checklist.phase,
                outlet_code=outlet.code, inspector_id=inspector_id,
                checklist_id=checklist.id, checklist_version=checklist.version,
                checklist_hash=checklist.content_hash, started_at=now,
                started_tz_offset_min=_offset_min(now),
                checkin_lat=checkin.lat if checkin else None,
                checkin_lon=checkin.lon if checkin else None,
                checkin_accuracy_m=checkin.accuracy_m if checkin else None,
                status=Status.DRAFT.value, sync_state=SyncState.LOCAL.value,
                created_seq=self._next_seq(s),
            ))
        self._definitions.setdefault(checklist.content_hash, _Definition(checklist))
        self._hash_of[new_uuid] = checklist.content_hash
        log.info("inspection %s started (%s, outlet %s)", new_uuid, kind.value, outlet.code)
        return new_uuid

    def find_draft(self, outlet_code: str, kind: Kind | str | None = None) -> str | None:
        """The newest draft visit to this outlet (and of this kind), to resume instead of
        starting anew. Draft amendments are not visits and are left out."""
        stmt = (select(Inspection.uuid)
                .where(Inspection.outlet_code == outlet_code,
                       Inspection.status == Status.DRAFT.value,
                       Inspection.amends_uuid.is_(None))
                .order_by(Inspection.started_at.desc()).limit(1))
        if kind is not None:
            stmt = stmt.where(Inspection.kind == Kind(kind).value)
        with self._store.reading() as s:
            return s.execute(stmt).scalar()

    def recent_visit_by(self, outlet_code: str, inspector_id: str, *,
                        kind: Kind | str = Kind.MYSTERY_SHOP, days: int = ROTATION_DAYS,
                        now: datetime | None = None) -> InspectionSummary | None:
        """This inspector's latest visit of this kind to this outlet within `days`.

        Mystery shoppers rotate: the same shopper visits an outlet at most once in three
        months (see `check_rotation`).
        """
        since = _now(now) - timedelta(days=days)
        stmt = (history_query(outlet_code)
                .where(Inspection.inspector_id == inspector_id,
                       Inspection.kind == Kind(kind).value,
                       Inspection.started_at >= since,
                       Inspection.amends_uuid.is_(None))
                .limit(1))
        with self._store.reading() as s:
            row = s.execute(stmt).first()
        return _summary(row) if row else None

    def check_rotation(self, outlet_code: str, inspector_id: str | None = None, *,
                       now: datetime | None = None) -> None:
        """Refuse a covert visit the rotation rule forbids: the same shopper visits the
        same outlet at most once in any three months, or staff learn to recognise them.

        Only finished visits count (an unfinished one is resumed, not repeated); a
        corrected result is the same visit. Raises UserError("services.rotation_blocked").
        """
        inspector_id = inspector_id or self._settings.inspector_id
        if not inspector_id:
            return
        since = _now(now) - timedelta(days=ROTATION_DAYS)
        stmt = (history_query(outlet_code)
                .where(Inspection.inspector_id == inspector_id,
                       Inspection.kind == Kind.MYSTERY_SHOP.value,
                       Inspection.status == Status.FINALIZED.value,
                       Inspection.started_at >= since,
                       Inspection.amends_uuid.is_(None))
                .limit(1))
        with self._store.reading() as s:
            row = s.execute(stmt).first()
        if row is None:
            return
        last = _summary(row).started_at
        raise UserError("services.rotation_blocked", outlet=row[1] or outlet_code,
                        last=last.date().isoformat(),
                        next=(last + timedelta(days=ROTATION_DAYS)).date().isoformat())

    # -- answering (autosave) --------------------------------------------------------------

    def answer(self, uuid: str, item_id: str, value: Any, *,
               now: datetime | None = None) -> Saved:
        """Record the answer to one item and commit it at once.

        The value is checked against the item (InvalidAnswer, a UserError, if it does not
        fit); veto flags are brought up to date in the same transaction. The call returns
        once the answer is durable on disk. The live score and what is still missing come
        from `state()` (kept out of this path so that autosave stays fast).
        """
        now = _now(now)
        definition = self._definition_of(uuid)
        item = self._item(definition, item_id)
        if item.type is ItemType.PHOTO:
            raise UserError("services.photo_item_has_no_value", item=item_id)
        value = rules.validate(item, value)
        if value is None or (isinstance(value, str) and not value.strip()
                             and item.type is ItemType.TEXT):
            return self.clear_answer(uuid, item_id, now=now)
        value_json = _dump(value)
        at = utc_text(now)
        with self._store.writing_connection() as conn:
            _require_draft(conn, uuid)
            note = conn.exec_driver_sql(_SQL_SET_VALUE, (uuid, item_id, value_json, at)).scalar()
            flagged = self._refresh_vetoes(conn, uuid, definition, item_id, now)
        return Saved(uuid, item_id, value, note, now, item_id in flagged)

    def clear_answer(self, uuid: str, item_id: str, *, now: datetime | None = None) -> Saved:
        """Take back the answer to one item (its note, if any, stays)."""
        now = _now(now)
        definition = self._definition_of(uuid)
        self._item(definition, item_id)
        with self._store.writing_connection() as conn:
            _require_draft(conn, uuid)
            note = _clear_value(conn, uuid, item_id)
            flagged = self._refresh_vetoes(conn, uuid, definition, item_id, now)
        return Saved(uuid, item_id, None, note, now, item_id in flagged)

    def note(self, uuid: str, item_id: str, text: str | None, *,
             now: datetime | None = None) -> Saved:
        """Write (or, with empty text, remove) the note on one item; committed at once."""
        now = _now(now)
        definition = self._definition_of(uuid)
        self._item(definition, item_id)
        text = (text or "").strip() or None
        with self._store.writing_connection() as conn:
            _require_draft(conn, uuid)
            if text is None:
                value_json = _clear_note(conn, uuid, item_id)
            else:
                value_json = conn.exec_driver_sql(
                    _SQL_SET_NOTE, (uuid, item_id, text, utc_text(now))).scalar()
            flagged = self._refresh_vetoes(conn, uuid, definition, item_id, now)
        value = json.loads(value_json) if value_json is not None else None
        return Saved(uuid, item_id, value, text, now, item_id in flagged)

    # -- photos ----------------------------------------------------------------------------

    def attach_photo(self, uuid: str, item_id: str, data: bytes | Path, *,
                     source: str = "camera", captured_at: datetime | None = None,
                     now: datetime | None = None) -> PhotoInfo:
        """Attach a photo to an item: the image is normalised and stored on disk first
        (outside any database transaction), then referenced and committed.

        Raises UserError for a refused photo (media.*), for a gallery photo where the item
        needs one taken now with the camera, or when the inspection is finalised.
        """
        from app.media.intake import intake_photo  # Pillow is imported only when needed

        now = _now(now)
        if source not in ("camera", "gallery"):
            raise ValueError(f"source must be 'camera' or 'gallery', not {source!r}")
        definition = self._definition_of(uuid)
        item = self._item(definition, item_id)
        if source == "gallery" and rules.needs_camera(item):
            raise UserError("services.photo_needs_camera", item=item.label.get(
                self._settings.language))
        with self._store.reading() as s:
            _require_draft(s.connection(), uuid)
        stored = intake_photo(data, self._photos_dir, max_edge=self._settings.photo_max_edge,
                              source_kind=source,  # type: ignore[arg-type]
                              captured_at=captured_at)
        file = stored.path.relative_to(self._photos_dir).as_posix()
        thumb = stored.thumb_path.relative_to(self._photos_dir).as_posix()
        with self._store.writing() as s:
            _require_draft(s.connection(), uuid)
            s.execute(sqlite_insert(Photo).values(
                inspection_uuid=uuid, item_id=item_id, sha256=stored.sha256, file=file,
                thumb=thumb, size_bytes=stored.size_bytes, width=stored.width,
                height=stored.height, captured_at=stored.captured_at, attached_at=now,
                source=source, sync_state=SyncState.LOCAL.value,
            ).on_conflict_do_nothing())
            self._refresh_vetoes(s.connection(), uuid, definition, item_id, now)
        return PhotoInfo(stored.sha256, item_id, stored.path, stored.thumb_path, stored.width,
                         stored.height, stored.size_bytes, stored.captured_at, source)

    def remove_photo(self, uuid: str, item_id: str, sha256: str, *,
                     now: datetime | None = None) -> None:
        """Detach a photo from an item of a draft (the file goes when nothing uses it)."""
        now = _now(now)
        definition = self._definition_of(uuid)
        with self._store.writing() as s:
            _require_draft(s.connection(), uuid)
            s.execute(delete(Photo).where(Photo.inspection_uuid == uuid,
                                          Photo.item_id == item_id, Photo.sha256 == sha256))
            self._refresh_vetoes(s.connection(), uuid, definition, item_id, now)
        self._remove_unused_files([sha256])

    # -- reading ---------------------------------------------------------------------------

    def summary(self, uuid: str) -> InspectionSummary:
        with self._store.reading() as s:
            row = s.execute(_summary_select().where(Inspection.uuid == uuid)).first()
        if row is None:
            raise UserError("services.inspection_unknown", uuid=uuid)
        return _summary(row)

    def checklist(self, uuid: str) -> ResolvedChecklist:
        """The checklist definition this inspection was started with."""
        return self._definition_of(uuid).checklist

    def state(self, uuid: str) -> InspectionState:
        """Everything about one inspection, computed live: answers, notes, photos, visible
        items, score, what is missing before it can be finalised, progress per section."""
        with self._store.reading() as s:
            row = s.execute(_summary_select().where(Inspection.uuid == uuid)).first()
            if row is None:
                raise UserError("services.inspection_unknown", uuid=uuid)
            insp = row[0]
            definition = self._definition(s, insp.checklist_hash)
            entries = self._entries(s, uuid)
            flags = list(s.execute(select(VetoFlag).where(VetoFlag.inspection_uuid == uuid)
                                   .order_by(VetoFlag.id)).scalars())
        checklist = definition.checklist
        answers, notes, photos, answered_at = entries
        visible = rules.visible(checklist, answers)
        visible_set = set(visible)
        progress: dict[str, SectionProgress] = {}
        for section in checklist.sections:
            shown = [it for it in section.items if it.id in visible_set]
            done = sum(1 for it in shown if self._is_answered(it, answers, photos))
            progress[section.id] = SectionProgress(section.id, done, len(shown))
        return InspectionState(
            summary=_summary(row),
            checklist=checklist,
            answers=answers,
            notes=notes,
            photos=photos,
            visible=visible,
            score=rules.score(checklist, answers),
            problems=(rules.problems(checklist, answers, notes, photos)
                      if insp.status == Status.DRAFT.value else []),
            progress=progress,
            vetoes=[_veto_info(f) for f in flags],
            checkin=_location(insp.checkin_lat, insp.checkin_lon, insp.checkin_accuracy_m),
            checkout=_location(insp.checkout_lat, insp.checkout_lon,
                               insp.checkout_accuracy_m),
            answered_at=answered_at,
        )

    def score_snapshot(self, uuid: str) -> dict[str, Any] | None:
        """The score stored when the inspection was finalised (None for a draft)."""
        with self._store.reading() as s:
            raw = s.execute(select(Inspection.score_json)
                            .where(Inspection.uuid == uuid)).scalar()
        return json.loads(raw) if raw else None

    # -- lists -----------------------------------------------------------------------------

    def list_drafts(self) -> list[InspectionSummary]:
        """Unfinished visits, newest first."""
        return self._list(drafts_query())

    def list_today(self, now: datetime | None = None) -> list[InspectionSummary]:
        """Visits started today (the device's local day), in the order they were started."""
        now = _now(now)
        start = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
        end = datetime.combine(now.date() + timedelta(days=1), time.min, tzinfo=now.tzinfo)
        return self._list(between_query(start, end))

    def list_recent(self, limit: int = 50) -> list[InspectionSummary]:
        return self._list(recent_query(limit))

    def history(self, outlet_code: str, limit: int | None = None) -> list[InspectionSummary]:
        """An outlet's visits, newest first (amendments included; see `amendments_of`)."""
        stmt = history_query(outlet_code)
        return self._list(stmt.limit(limit) if limit else stmt)

    def outbox(self) -> list[InspectionSummary]:
        """Finalised visits waiting to be sent, oldest first (failed attempts keep their
        place and carry `sync_error`)."""
        return self._list(outbox_query())

    def needs_attention(self) -> list[InspectionSummary]:
        """Visits the server refused or holds differently (conflict/rejected)."""
        return self._list(
            _summary_select()
            .where(Inspection.sync_state.in_([SyncState.CONFLICT.value,
                                              SyncState.REJECTED.value]))
            .order_by(Inspection.created_seq))

    def amendments_of(self, uuid: str) -> list[InspectionSummary]:
        """Amendments pointing at this inspection, oldest first."""
        return self._list(_summary_select().where(Inspection.amends_uuid == uuid)
                          .order_by(Inspection.created_seq))

    def latest_version(self, uuid: str) -> str:
        """Follow finalised amendments from `uuid` to the current version of the record."""
        current = uuid
        with self._store.reading() as s:
            for _ in range(1000):
                nxt = s.execute(select(Inspection.uuid)
                                .where(Inspection.amends_uuid == current,
                                       Inspection.status == Status.FINALIZED.value)
                                .order_by(Inspection.created_seq.desc()).limit(1)).scalar()
                if nxt is None:
                    break
                current = nxt
        return current

    def _list(self, stmt: Select[Any]) -> list[InspectionSummary]:
        with self._store.reading() as s:
            return [_summary(row) for row in s.execute(stmt)]

    # -- finalising ------------------------------------------------------------------------

    def finalise(self, uuid: str, *,
                 checkout_location: Location | Mapping[str, Any] | tuple[float, ...] | None
                 = None, now: datetime | None = None) -> InspectionSummary:
        """Check the checklist's rules and, when nothing is missing, freeze the visit.

        Raises FinaliseBlocked listing every missing thing at once (required answers,
        photos, notes, veto evidence); nothing changes then. Otherwise, in one
        transaction: the score snapshot, finish time and check-out location are stored,
        the status becomes finalized and the visit joins the outbox.
        """
        now = _now(now)
        checkout = Location.coerce(checkout_location)
        with self._store.writing() as s:
            self._finalise_in(s, uuid, checkout, now)
        log.info("inspection %s finalised", uuid)
        return self.summary(uuid)

    def _finalise_in(self, s: Session, uuid: str, checkout: Location | None,
                     now: datetime) -> None:
        insp = s.get(Inspection, uuid)
        if insp is None:
            raise UserError("services.inspection_unknown", uuid=uuid)
        if insp.status != Status.DRAFT.value:
            raise UserError("services.finalized_immutable")
        definition = self._definition(s, insp.checklist_hash)
        answers, notes, photos, _ = self._entries(s, uuid)
        problems = rules.problems(definition.checklist, answers, notes, photos)
        if problems:
            raise FinaliseBlocked(problems)
        result = rules.score(definition.checklist, answers)
        self._refresh_vetoes(s.connection(), uuid, definition, None, now)
        facts = rules.score_facts(result)
        if insp.amends_uuid is None or insp.finished_at is None:
            insp.finished_at = now
            insp.finished_tz_offset_min = _offset_min(now)
        if checkout is not None:
            insp.checkout_lat, insp.checkout_lon = checkout.lat, checkout.lon
            insp.checkout_accuracy_m = checkout.accuracy_m
        # the photos of a finalised visit are ready to send
        s.execute(update(Photo).where(Photo.inspection_uuid == uuid,
                                      Photo.sync_state == SyncState.LOCAL.value)
                  .values(sync_state=SyncState.QUEUED.value))
        insp.score_json = _dump(facts["snapshot"])
        insp.total_score = facts["total"]
        insp.complete = facts["complete"]
        insp.veto_count = facts["veto_count"]
        insp.status = Status.FINALIZED.value
        insp.sync_state = SyncState.QUEUED.value
        insp.sync_error = None
        s.flush()
        if insp.amends_uuid is None:  # the visit fulfils the oldest open assignment
            first = s.execute(
                select(Assignment.id)
                .where(Assignment.outlet_code == insp.outlet_code,
                       Assignment.kind == insp.kind, Assignment.done_uuid.is_(None))
                .order_by(Assignment.due_date).limit(1)).scalar()
            if first is not None:
                s.execute(update(Assignment).where(Assignment.id == first)
                          .values(done_uuid=uuid))

    # -- amending --------------------------------------------------------------------------

    def amend(self, original_uuid: str, *, by: str, reason: str,
              changes: Mapping[str, Any] | None = None, notes: Mapping[str, str | None]
              | None = None, finalise: bool = False, now: datetime | None = None) -> str:
        """Correct a finalised visit: a new record pointing at the original, with who
        (`by`), when and why (`reason`). The original stays exactly as it was.

        The amendment starts as a copy of the original (answers, notes, photo references,
        times and locations) with `changes` applied (item id -> new value, None clears)
        and `notes` applied. It is a draft, so photos can be added or removed, until it
        is finalised; with `finalise=True` that happens in the same transaction (and if
        anything is missing FinaliseBlocked is raised and nothing is created).
        Returns the amendment's id.
        """
        now = _now(now)
        by, reason = (by or "").strip(), (reason or "").strip()
        if not by:
            raise UserError("services.amend.who_missing")
        if not reason:
            raise UserError("services.amend.reason_missing")
        changes = dict(changes or {})
        notes = dict(notes or {})
        definition = self._definition_of(original_uuid)
        clean: dict[str, Any] = {}
        for item_id, value in changes.items():
            item = self._item(definition, item_id)
            if item.type is ItemType.PHOTO:
                raise UserError("services.photo_item_has_no_value", item=item_id)
            clean[item_id] = None if value is None else rules.validate(item, value)
        for item_id in notes:
            self._item(definition, item_id)

        new_uuid = str(uuidlib.uuid4())
        with self._store.writing() as s:
            orig = s.get(Inspection, original_uuid)
            if orig is None:
                raise UserError("services.inspection_unknown", uuid=original_uuid)
            if orig.status != Status.FINALIZED.value:
                raise UserError("services.amend.needs_finalized")
            pending = s.execute(select(Inspection.uuid, Inspection.status)
                                .where(Inspection.amends_uuid == original_uuid)
                                .order_by(Inspection.created_seq.desc())).first()
            if pending is not None:
                key = ("services.amend.pending" if pending.status == Status.DRAFT.value
                       else "services.amend.superseded")
                raise UserError(key, uuid=pending.uuid)
            copy = {c.name: getattr(orig, c.name) for c in Inspection.__table__.columns}
            copy.update(
                uuid=new_uuid, status=Status.DRAFT.value, score_json=None, total_score=None,
                complete=None, veto_count=None, amends_uuid=original_uuid, amended_by=by,
                amended_at=now, amend_reason=reason, sync_state=SyncState.LOCAL.value,
                sync_error=None, synced_at=None, created_seq=self._next_seq(s),
            )
            s.add(Inspection(**copy))
            s.flush()
            for ans in s.execute(select(Answer).where(Answer.inspection_uuid == original_uuid)
                                 ).scalars().all():
                s.add(Answer(inspection_uuid=new_uuid, item_id=ans.item_id,
                             value_json=ans.value_json, answered_at=ans.answered_at,
                             note=ans.note, noted_at=ans.noted_at))
            for ph in s.execute(select(Photo).where(Photo.inspection_uuid == original_uuid)
                                .order_by(Photo.id)).scalars().all():
                s.add(Photo(inspection_uuid=new_uuid, item_id=ph.item_id, sha256=ph.sha256,
                            file=ph.file, thumb=ph.thumb, size_bytes=ph.size_bytes,
                            width=ph.width, height=ph.height, captured_at=ph.captured_at,
                            attached_at=ph.attached_at, source=ph.source,
                            sync_state=SyncState.LOCAL.value))
            s.flush()
            conn = s.connection()
            at = utc_text(now)
            for item_id, value in clean.items():
                if value is None:
                    _clear_value(conn, new_uuid, item_id)
                else:
                    conn.exec_driver_sql(_SQL_SET_VALUE, (new_uuid, item_id, _dump(value), at))
            for item_id, text in notes.items():
                text = (text or "").strip() or None
                if text is None:
                    _clear_note(conn, new_uuid, item_id)
                else:
                    conn.exec_driver_sql(_SQL_SET_NOTE, (new_uuid, item_id, text, at))
            self._refresh_vetoes(s.connection(), new_uuid, definition, None, now)
            if finalise:
                self._finalise_in(s, new_uuid, None, now)
        self._hash_of[new_uuid] = definition.checklist.content_hash
        log.info("inspection %s amends %s", new_uuid, original_uuid)
        return new_uuid

    # -- deleting --------------------------------------------------------------------------

    def delete_draft(self, uuid: str) -> None:
        """Throw away an unfinished visit with its answers, photos and the actions raised in
        it (actions closed or carried in it go back to how they were). Finalised visits
        cannot be deleted."""
        with self._store.writing() as s:
            _require_draft(s.connection(), uuid)
            shas = list(s.execute(select(Photo.sha256).where(Photo.inspection_uuid == uuid))
                        .scalars())
            s.execute(delete(CorrectiveAction).where(CorrectiveAction.raised_in_uuid == uuid))
            s.execute(update(CorrectiveAction).where(CorrectiveAction.closed_in_uuid == uuid)
                      .values(status=ActionStatus.OPEN.value, closed_in_uuid=None,
                              closed_at=None, closing_note=None))
            s.execute(update(CorrectiveAction).where(CorrectiveAction.carried_in_uuid == uuid)
                      .values(carried_in_uuid=None))
            s.execute(update(Assignment).where(Assignment.done_uuid == uuid)
                      .values(done_uuid=None))
            for table in (VetoFlag, Photo, Answer):
                s.execute(delete(table).where(table.inspection_uuid == uuid))
            s.execute(delete(Inspection).where(Inspection.uuid == uuid))
        self._hash_of.pop(uuid, None)
        self._remove_unused_files(shas)
        log.info("draft %s deleted", uuid)

    # -- internals -------------------------------------------------------------------------

    def _next_seq(self, s: Session) -> int:
        return int(s.execute(select(func.coalesce(func.max(Inspection.created_seq), 0) + 1))
                   .scalar_one())

    def _definition_of(self, uuid: str) -> _Definition:
        content_hash = self._hash_of.get(uuid)
        if content_hash is None or content_hash not in self._definitions:
            with self._store.reading() as s:
                content_hash = s.execute(select(Inspection.checklist_hash)
                                         .where(Inspection.uuid == uuid)).scalar()
                if content_hash is None:
                    raise UserError("services.inspection_unknown", uuid=uuid)
                definition = self._definition(s, content_hash)
            self._hash_of[uuid] = content_hash
            return definition
        return self._definitions[content_hash]

    def _definition(self, s: Session, content_hash: str) -> _Definition:
        found = self._definitions.get(content_hash)
        if found is None:
            body = s.execute(select(ChecklistDefinition.body)
                             .where(ChecklistDefinition.content_hash == content_hash)).scalar()
            if body is None:  # pragma: no cover - prevented by the foreign key
                raise RuntimeError(f"checklist definition {content_hash} is missing")
            found = _Definition(ResolvedChecklist.model_validate_json(body))
            self._definitions[content_hash] = found
        return found

    @staticmethod
    def _item(definition: _Definition, item_id: str) -> Item:
        item = definition.checklist.items.get(item_id)
        if item is None:
            raise UserError("services.item_unknown", item=item_id)
        return item

    @staticmethod
    def _is_answered(item: Item, answers: dict[str, Any],
                     photos: dict[str, list[PhotoInfo]]) -> bool:
        if item.type is ItemType.PHOTO:
            return bool(photos.get(item.id))
        return rules.answered(item, answers.get(item.id))

    def _entries(self, s: Session, uuid: str) -> tuple[
            dict[str, Any], dict[str, str], dict[str, list[PhotoInfo]], dict[str, datetime]]:
        answers: dict[str, Any] = {}
        notes: dict[str, str] = {}
        answered_at: dict[str, datetime] = {}
        for ans in s.execute(select(Answer).where(Answer.inspection_uuid == uuid)).scalars():
            if ans.value_json is not None:
                answers[ans.item_id] = json.loads(ans.value_json)
                if ans.answered_at is not None:
                    answered_at[ans.item_id] = ans.answered_at
            if ans.note:
                notes[ans.item_id] = ans.note
        photos: dict[str, list[PhotoInfo]] = {}
        for ph in s.execute(select(Photo).where(Photo.inspection_uuid == uuid)
                            .order_by(Photo.id)).scalars():
            photos.setdefault(ph.item_id, []).append(self._photo_info(ph))
        return answers, notes, photos, answered_at

    def _photo_info(self, ph: Photo) -> PhotoInfo:
        return PhotoInfo(
            sha256=ph.sha256, item_id=ph.item_id, path=self._photos_dir / ph.file,
            thumb_path=self._photos_dir / ph.thumb if ph.thumb else None, width=ph.width,
            height=ph.height, size_bytes=ph.size_bytes, captured_at=ph.captured_at,
            source=ph.source, sync_state=ph.sync_state)

    def _refresh_vetoes(self, conn: Connection, uuid: str, definition: _Definition,
                        touched: str | None, now: datetime) -> set[str]:
        """Bring the veto flags of `uuid` in line with its answers, notes and photos.

        Returns the ids of the flagged items. Skipped (returning the empty set) when the
        touched item can affect no veto, which keeps an ordinary answer to two statements.
        """
        if not definition.veto_items or (touched is not None
                                         and touched not in definition.veto_relevant):
            return set()
        rows = conn.exec_driver_sql(_SQL_ENTRIES, (uuid,)).all()
        answers = {r[0]: json.loads(r[1]) for r in rows if r[1] is not None}
        notes = {r[0]: r[2] for r in rows if r[2]}
        failing = rules.vetoed_items(definition.checklist, definition.veto_items, answers)
        first_photo: dict[str, str] = {}
        if failing:
            for item_id, sha in conn.exec_driver_sql(_SQL_PHOTOS, (uuid,)):
                first_photo.setdefault(item_id, sha)
        existing = {r[0]: (r[1], r[2])
                    for r in conn.exec_driver_sql(_SQL_FLAGS, (uuid,))}
        for item_id in existing:
            if item_id not in failing:
                conn.exec_driver_sql(_SQL_DROP_FLAG, (uuid, item_id))
        for item_id in failing:
            evidence = (notes.get(item_id), first_photo.get(item_id))
            if item_id not in existing:
                item = definition.veto_items[item_id]
                assert item.veto is not None
                conn.exec_driver_sql(_SQL_ADD_FLAG, (
                    uuid, item_id, definition.section_of[item_id], item.veto.scope.value,
                    item.veto.reason.zh, item.veto.reason.en, evidence[0], evidence[1],
                    utc_text(now)))
            elif existing[item_id] != evidence:
                conn.exec_driver_sql(_SQL_FLAG_EVIDENCE, (*evidence, uuid, item_id))
        return set(failing)

    def _remove_unused_files(self, shas: Iterable[str]) -> None:
        """Delete photo files that no inspection refers to any more (after the commit)."""
        shas = set(shas)
        if not shas:
            return
        with self._store.reading() as s:
            used = set(s.execute(select(Photo.sha256).where(Photo.sha256.in_(shas))).scalars())
        for sha in shas - used:
            try:
                from app.media.intake import photo_paths

                for path in photo_paths(self._photos_dir, sha):
                    path.unlink(missing_ok=True)
            except (OSError, ValueError):
                log.warning("could not remove unused photo file %s", sha, exc_info=True)


def _veto_info(flag: VetoFlag) -> VetoInfo:
    return VetoInfo(flag.item_id, flag.section_id, flag.scope, flag.reason_zh,
                    flag.reason_en, flag.evidence_note, flag.evidence_photo)


def _location(lat: float | None, lon: float | None, acc: float | None) -> Location | None:
    return None if lat is None or lon is None else Location(lat, lon, acc)

