"""The autosave path: every answer, note and photo is committed the moment it is given,
and the visit's veto flags (一票否决) are brought in line in the same transaction.

`answer()` runs on every tap, so it is fixed SQL on one connection, no ORM, and the veto
check is skipped when the touched item cannot affect any veto.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col

from app.checklists import ItemType
from app.errors import UserError
from app.services import rules
from app.services.inspection.records import Definition, Records, dump, now_or
from app.services.settings import Settings
from app.services.types import PhotoInfo, Saved
from app.store import Photo, Status, Store, SyncState
from app.store.photo_files import files_present
from app.store.types import utc_text

SQL_STATUS = "SELECT status FROM inspection WHERE uuid = ?"
SQL_SET_VALUE = (
    "INSERT INTO answer (inspection_uuid, item_id, value_json, answered_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (inspection_uuid, item_id) DO UPDATE SET "
    "value_json = excluded.value_json, answered_at = excluded.answered_at RETURNING note"
)
SQL_SET_NOTE = (
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


def require_draft(conn: Connection, uuid: str) -> None:
    """Refuse to change anything but a draft (a finalised visit is a record)."""
    status = conn.exec_driver_sql(SQL_STATUS, (uuid,)).scalar()
    if status is None:
        raise UserError("services.inspection_unknown", uuid=uuid)
    if status != Status.DRAFT.value:
        raise UserError("services.finalized_immutable")


def set_value(conn: Connection, uuid: str, item_id: str, value: Any, at: str) -> str | None:
    """Store an item's (validated) value; returns its note."""
    return conn.exec_driver_sql(SQL_SET_VALUE, (uuid, item_id, dump(value), at)).scalar()


def set_note(conn: Connection, uuid: str, item_id: str, text: str, at: str) -> str | None:
    """Store an item's note; returns its value's JSON."""
    return conn.exec_driver_sql(SQL_SET_NOTE, (uuid, item_id, text, at)).scalar()


def clear_value(conn: Connection, uuid: str, item_id: str) -> str | None:
    """Remove an item's value (keeping its note); returns the note."""
    note = conn.exec_driver_sql(_SQL_CLEAR_VALUE, (uuid, item_id)).scalar()
    conn.exec_driver_sql(_SQL_DROP_EMPTY, (uuid, item_id))
    return note


def clear_note(conn: Connection, uuid: str, item_id: str) -> str | None:
    """Remove an item's note (keeping its value); returns the value's JSON."""
    value_json = conn.exec_driver_sql(_SQL_CLEAR_NOTE, (uuid, item_id)).scalar()
    conn.exec_driver_sql(_SQL_DROP_EMPTY, (uuid, item_id))
    return value_json


def refresh_vetoes(conn: Connection, uuid: str, definition: Definition,
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
    existing = {r[0]: (r[1], r[2]) for r in conn.exec_driver_sql(_SQL_FLAGS, (uuid,))}
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


class Autosave:
    """Answer, take back, note and attach photos: one durable commit per change."""

    def __init__(self, store: Store, records: Records, settings: Settings,
                 photos_dir: Path) -> None:
        self._store = store
        self._records = records
        self._settings = settings
        self._photos_dir = photos_dir

    def answer(self, uuid: str, item_id: str, value: Any, *,
               now: datetime | None = None) -> Saved:
        now = now_or(now)
        definition = self._records.definition_of(uuid)
        item = self._records.item(definition, item_id)
        if item.type is ItemType.PHOTO:
            raise UserError("services.photo_item_has_no_value", item=item_id)
        value = rules.validate(item, value)
        if value is None or (isinstance(value, str) and not value.strip()
                             and item.type is ItemType.TEXT):
            return self.clear_answer(uuid, item_id, now=now)
        with self._store.writing_connection() as conn:
            require_draft(conn, uuid)
            note = set_value(conn, uuid, item_id, value, utc_text(now))
            flagged = refresh_vetoes(conn, uuid, definition, item_id, now)
        return Saved(uuid, item_id, value, note, now, item_id in flagged)

    def clear_answer(self, uuid: str, item_id: str, *, now: datetime | None = None) -> Saved:
        now = now_or(now)
        definition = self._records.definition_of(uuid)
        self._records.item(definition, item_id)
        with self._store.writing_connection() as conn:
            require_draft(conn, uuid)
            note = clear_value(conn, uuid, item_id)
            flagged = refresh_vetoes(conn, uuid, definition, item_id, now)
        return Saved(uuid, item_id, None, note, now, item_id in flagged)

    def note(self, uuid: str, item_id: str, text: str | None, *,
             now: datetime | None = None) -> Saved:
        now = now_or(now)
        definition = self._records.definition_of(uuid)
        self._records.item(definition, item_id)
        text = (text or "").strip() or None
        with self._store.writing_connection() as conn:
            require_draft(conn, uuid)
            if text is None:
                value_json = clear_note(conn, uuid, item_id)
            else:
                value_json = set_note(conn, uuid, item_id, text, utc_text(now))
            flagged = refresh_vetoes(conn, uuid, definition, item_id, now)
        value = json.loads(value_json) if value_json is not None else None
        return Saved(uuid, item_id, value, text, now, item_id in flagged)

    def attach_photo(self, uuid: str, item_id: str, data: bytes | Path, *,
                     source: str = "camera", captured_at: datetime | None = None,
                     now: datetime | None = None) -> PhotoInfo:
        from app.media.intake import intake_photo  # Pillow is imported only when needed

        now = now_or(now)
        if source not in ("camera", "gallery"):
            raise ValueError(f"source must be 'camera' or 'gallery', not {source!r}")
        definition = self._records.definition_of(uuid)
        item = self._records.item(definition, item_id)
        if source == "gallery" and rules.needs_camera(item):
            raise UserError("services.photo_needs_camera", item=item.label.get(
                self._settings.language))
        with self._store.reading() as s:
            require_draft(s.connection(), uuid)
        stored = intake_photo(data, self._photos_dir, max_edge=self._settings.photo_max_edge,
                              source_kind=source,  # type: ignore[arg-type]
                              captured_at=captured_at)
        file = stored.path.relative_to(self._photos_dir).as_posix()
        thumb = stored.thumb_path.relative_to(self._photos_dir).as_posix()
        with self._store.writing() as s:
            require_draft(s.connection(), uuid)
            if not files_present(self._photos_dir, file, thumb):  # reclaimed meanwhile
                stored = intake_photo(data, self._photos_dir, source_kind=source,  # type: ignore[arg-type]
                                      max_edge=self._settings.photo_max_edge,
                                      captured_at=captured_at)
                file = stored.path.relative_to(self._photos_dir).as_posix()
                thumb = stored.thumb_path.relative_to(self._photos_dir).as_posix()
            s.execute(sqlite_insert(Photo).values(
                inspection_uuid=uuid, item_id=item_id, sha256=stored.sha256, file=file,
                thumb=thumb, size_bytes=stored.size_bytes, width=stored.width,
                height=stored.height, captured_at=stored.captured_at, attached_at=now,
                source=source, sync_state=SyncState.LOCAL.value,
            ).on_conflict_do_nothing())
            refresh_vetoes(s.connection(), uuid, definition, item_id, now)
        return PhotoInfo(stored.sha256, item_id, stored.path, stored.thumb_path, stored.width,
                         stored.height, stored.size_bytes, stored.captured_at, source)

    def remove_photo(self, uuid: str, item_id: str, sha256: str, *,
                     now: datetime | None = None) -> None:
        now = now_or(now)
        definition = self._records.definition_of(uuid)
        with self._store.writing() as s:
            require_draft(s.connection(), uuid)
            s.execute(delete(Photo).where(col(Photo.inspection_uuid) == uuid,
                                          col(Photo.item_id) == item_id,
                                          col(Photo.sha256) == sha256))
            refresh_vetoes(s.connection(), uuid, definition, item_id, now)
        self._records.remove_unused_files([sha256])
