"""Amendments: a finalised visit is a record and never changes; a correction is a new
inspection that points at the original and carries who, when and why.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.checklists import ItemType
from app.errors import UserError
from app.services import rules
from app.services.inspection.autosave import (
    clear_note,
    clear_value,
    refresh_vetoes,
    set_note,
    set_value,
)
from app.services.inspection.records import Records, log, now_or
from app.services.types import Location
from app.store import Answer, Inspection, Photo, Status, Store, SyncState
from app.store.types import utc_text

# finalise a draft inside the caller's transaction: (session, uuid, checkout, now)
FinaliseIn = Callable[[Session, str, "Location | None", datetime], None]


class Amendments:
    """Start (and optionally finalise) the correction of a finalised visit."""

    def __init__(self, store: Store, records: Records, finalise_in: FinaliseIn) -> None:
        self._store = store
        self._records = records
        self._finalise_in = finalise_in

    def amend(self, original_uuid: str, *, by: str, reason: str,
              changes: Mapping[str, Any] | None = None,
              notes: Mapping[str, str | None] | None = None, finalise: bool = False,
              now: datetime | None = None) -> str:
        now = now_or(now)
        by, reason = (by or "").strip(), (reason or "").strip()
        if not by:
            raise UserError("services.amend.who_missing")
        if not reason:
            raise UserError("services.amend.reason_missing")
        changes = dict(changes or {})
        notes = dict(notes or {})
        definition = self._records.definition_of(original_uuid)
        clean: dict[str, Any] = {}
        for item_id, value in changes.items():
            item = self._records.item(definition, item_id)
            if item.type is ItemType.PHOTO:
                raise UserError("services.photo_item_has_no_value", item=item_id)
            clean[item_id] = None if value is None else rules.validate(item, value)
        for item_id in notes:
            self._records.item(definition, item_id)

        new_uuid = str(uuidlib.uuid4())
        with self._store.writing() as s:
            self._check_amendable(s, original_uuid)
            self._copy(s, original_uuid, new_uuid, by=by, reason=reason, now=now)
            conn = s.connection()
            at = utc_text(now)
            for item_id, value in clean.items():
                if value is None:
                    clear_value(conn, new_uuid, item_id)
                else:
                    set_value(conn, new_uuid, item_id, value, at)
            for item_id, text in notes.items():
                text = (text or "").strip() or None
                if text is None:
                    clear_note(conn, new_uuid, item_id)
                else:
                    set_note(conn, new_uuid, item_id, text, at)
            refresh_vetoes(s.connection(), new_uuid, definition, None, now)
            if finalise:
                self._finalise_in(s, new_uuid, None, now)
        self._records.remember_hash(new_uuid, definition.checklist.content_hash)
        log.info("inspection %s amends %s", new_uuid, original_uuid)
        return new_uuid

    @staticmethod
    def _check_amendable(s: Session, original_uuid: str) -> None:
        """Only a finalised visit, and only one correction at a time (the latest)."""
        orig = s.get(Inspection, original_uuid)
        if orig is None:
            raise UserError("services.inspection_unknown", uuid=original_uuid)
        if orig.status != Status.FINALIZED.value:
            raise UserError("services.amend.needs_finalized")
        pending = s.execute(select(col(Inspection.uuid), col(Inspection.status))
                            .where(col(Inspection.amends_uuid) == original_uuid)
                            .order_by(col(Inspection.created_seq).desc())).first()
        if pending is not None:
            key = ("services.amend.pending" if pending.status == Status.DRAFT.value
                   else "services.amend.superseded")
            raise UserError(key, uuid=pending.uuid)

    def _copy(self, s: Session, original_uuid: str, new_uuid: str, *, by: str, reason: str,
              now: datetime) -> None:
        """The amendment starts as a draft copy of the original: answers, notes, photo
        references, times and locations."""
        orig = s.get(Inspection, original_uuid)
        assert orig is not None
        copy = {c.name: getattr(orig, c.name) for c in sa_inspect(Inspection).columns}
        copy.update(
            uuid=new_uuid, status=Status.DRAFT.value, score_json=None, total_score=None,
            complete=None, veto_count=None, amends_uuid=original_uuid, amended_by=by,
            amended_at=now, amend_reason=reason, sync_state=SyncState.LOCAL.value,
            sync_error=None, synced_at=None, created_seq=self._records.next_seq(s),
        )
        s.add(Inspection(**copy))
        s.flush()
        for ans in s.execute(select(Answer).where(col(Answer.inspection_uuid) == original_uuid)
                             ).scalars().all():
            s.add(Answer(inspection_uuid=new_uuid, item_id=ans.item_id,
                         value_json=ans.value_json, answered_at=ans.answered_at,
                         note=ans.note, noted_at=ans.noted_at))
        for ph in s.execute(select(Photo).where(col(Photo.inspection_uuid) == original_uuid)
                            .order_by(col(Photo.id))).scalars().all():
            s.add(Photo(inspection_uuid=new_uuid, item_id=ph.item_id, sha256=ph.sha256,
                        file=ph.file, thumb=ph.thumb, size_bytes=ph.size_bytes,
                        width=ph.width, height=ph.height, captured_at=ph.captured_at,
                        attached_at=ph.attached_at, source=ph.source,
                        sync_state=SyncState.LOCAL.value))
        s.flush()
