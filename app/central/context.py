"""One running endpoint's resources: settings, database engine, photo store, checklists."""

from __future__ import annotations

import json

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.central.checklists import ChecklistSource
from app.central.db import make_engine, upgrade
from app.central.models import IssuedChecklist, utcnow
from app.central.photos import PhotoStore, open_photo_store
from app.central.settings import ServerSettings
from app.checklists import ResolvedChecklist
from app.checklists.schema import to_plain
from app.sync.protocol import API_VERSION, MAX_HASHES_PER_QUERY, Limits


class ServerContext:
    def __init__(self, settings: ServerSettings, *, photos: PhotoStore | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.url)
        upgrade(self.engine)
        self.photos: PhotoStore = photos or open_photo_store(settings)
        self.checklists = ChecklistSource(settings.resolved_checklists_path(),
                                          record=self._record_issued,
                                          find=self._find_issued)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @property
    def limits(self) -> Limits:
        s = self.settings
        return Limits(
            api_version=API_VERSION,
            max_request_bytes=s.max_request_bytes,
            max_json_bytes=min(s.max_json_bytes, s.max_request_bytes),
            max_photo_bytes=s.max_request_bytes,
            max_hashes_per_query=MAX_HASHES_PER_QUERY,
        )

    def _record_issued(self, definitions: list[ResolvedChecklist]) -> None:
        """Keep every definition about to be issued (those already kept stay as they are:
        a definition is named by its content, so it never changes)."""
        by_hash = {c.content_hash: c for c in definitions}
        for _ in range(3):  # another worker may record the same ones at the same moment
            with self.session() as s:
                have = set(s.exec(select(IssuedChecklist.content_hash).where(
                    col(IssuedChecklist.content_hash).in_(list(by_hash)))).all())
                now = utcnow()
                for h, c in by_hash.items():
                    if h not in have:
                        s.add(IssuedChecklist(
                            content_hash=h, checklist_id=c.id, kind=c.kind.value, tier=c.tier,
                            phase=c.phase, version=c.version, first_issued_at=now,
                            body=json.dumps(to_plain(c), ensure_ascii=False,
                                            sort_keys=True, separators=(",", ":"))))
                try:
                    s.commit()
                    return
                except IntegrityError:
                    s.rollback()
        raise RuntimeError("could not record the issued checklists")

    def _find_issued(self, content_hash: str) -> str | None:
        with self.session() as s:
            return s.exec(select(IssuedChecklist.body)
                          .where(IssuedChecklist.content_hash == content_hash)).first()

    def close(self) -> None:
        self.engine.dispose()
