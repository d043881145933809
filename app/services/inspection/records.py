"""What every part of handling a visit shares: the clock, JSON as stored, and the checklist
definition a visit was started with, parsed once per content hash (a visit never changes
checklist, so the cache is never stale).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from app.checklists import Item, ItemType, ResolvedChecklist
from app.errors import UserError
from app.services import rules
from app.services.types import PhotoInfo
from app.store import Answer, ChecklistDefinition, Inspection, Photo, Store, reclaim

log = logging.getLogger("app.services.inspections")


def now_or(now: datetime | None) -> datetime:
    """`now` (must be aware) or the current local time with the device's offset."""
    if now is None:
        return datetime.now().astimezone()
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware `now`")
    return now


def offset_min(moment: datetime) -> int:
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def dump(value: Any) -> str:
    """JSON as the answer and score columns store it (compact, Chinese kept readable)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Definition:
    """One checklist definition and the facts the autosave path needs about it."""

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


class Records:
    """The definitions cache and the readers every part of `Inspections` uses."""

    def __init__(self, store: Store, photos_dir: Path) -> None:
        self.store = store
        self.photos_dir = photos_dir
        self._definitions: dict[str, Definition] = {}
        self._hash_of: dict[str, str] = {}  # inspection uuid -> checklist hash (immutable)

    # -- definitions -------------------------------------------------------------------

    def remember(self, uuid: str, checklist: ResolvedChecklist) -> None:
        """A visit was just created with `checklist`: no need to read it back."""
        self._definitions.setdefault(checklist.content_hash, Definition(checklist))
        self._hash_of[uuid] = checklist.content_hash

    def remember_hash(self, uuid: str, content_hash: str) -> None:
        self._hash_of[uuid] = content_hash

    def forget(self, uuid: str) -> None:
        self._hash_of.pop(uuid, None)

    def definition_of(self, uuid: str) -> Definition:
        content_hash = self._hash_of.get(uuid)
        if content_hash is None or content_hash not in self._definitions:
            with self.store.reading() as s:
                content_hash = s.execute(select(col(Inspection.checklist_hash))
                                         .where(col(Inspection.uuid) == uuid)).scalar()
                if content_hash is None:
                    raise UserError("services.inspection_unknown", uuid=uuid)
                definition = self.definition(s, content_hash)
            self._hash_of[uuid] = content_hash
            return definition
        return self._definitions[content_hash]

    def definition(self, s: Session, content_hash: str) -> Definition:
        found = self._definitions.get(content_hash)
        if found is None:
            body = s.execute(select(col(ChecklistDefinition.body))
                             .where(col(ChecklistDefinition.content_hash) == content_hash)).scalar()
            if body is None:  # pragma: no cover - prevented by the foreign key
                raise RuntimeError(f"checklist definition {content_hash} is missing")
            found = Definition(ResolvedChecklist.model_validate_json(body))
            self._definitions[content_hash] = found
        return found

    @staticmethod
    def item(definition: Definition, item_id: str) -> Item:
        item = definition.checklist.items.get(item_id)
        if item is None:
            raise UserError("services.item_unknown", item=item_id)
        return item

    # -- a visit's entries -------------------------------------------------------------

    @staticmethod
    def is_answered(item: Item, answers: dict[str, Any],
                    photos: dict[str, list[PhotoInfo]]) -> bool:
        if item.type is ItemType.PHOTO:
            return bool(photos.get(item.id))
        return rules.answered(item, answers.get(item.id))

    def entries(self, s: Session, uuid: str) -> tuple[
            dict[str, Any], dict[str, str], dict[str, list[PhotoInfo]], dict[str, datetime]]:
        """(answers, notes, photos per item, answered_at) of one visit."""
        answers: dict[str, Any] = {}
        notes: dict[str, str] = {}
        answered_at: dict[str, datetime] = {}
        for ans in s.execute(select(Answer).where(col(Answer.inspection_uuid) == uuid)).scalars():
            if ans.value_json is not None:
                answers[ans.item_id] = json.loads(ans.value_json)
                if ans.answered_at is not None:
                    answered_at[ans.item_id] = ans.answered_at
            if ans.note:
                notes[ans.item_id] = ans.note
        photos: dict[str, list[PhotoInfo]] = {}
        for ph in s.execute(select(Photo).where(col(Photo.inspection_uuid) == uuid)
                            .order_by(col(Photo.id))).scalars():
            photos.setdefault(ph.item_id, []).append(self.photo_info(ph))
        return answers, notes, photos, answered_at

    def photo_info(self, ph: Photo) -> PhotoInfo:
        return PhotoInfo(
            sha256=ph.sha256, item_id=ph.item_id, path=self.photos_dir / ph.file,
            thumb_path=self.photos_dir / ph.thumb if ph.thumb else None, width=ph.width,
            height=ph.height, size_bytes=ph.size_bytes, captured_at=ph.captured_at,
            source=ph.source, sync_state=ph.sync_state)

    @staticmethod
    def next_seq(s: Session) -> int:
        """The next creation number (the outbox sends in this order)."""
        return int(s.execute(select(func.coalesce(func.max(col(Inspection.created_seq)), 0) + 1))
                   .scalar_one())

    def remove_unused_files(self, shas: set[str] | list[str]) -> None:
        """Delete photo files that no inspection refers to any more (after the commit)."""
        if not shas:
            return
        try:  # checked and deleted under the write lock, so a concurrent attach is safe
            reclaim(self.store, self.photos_dir, shas=shas, min_age_seconds=0)
        except UserError:  # the database stayed busy: the next open reclaims them
            log.warning("unused photo files left for the next reclaim", exc_info=True)
