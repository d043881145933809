"""One running endpoint's resources: settings, database engine, photo store, checklists."""

from __future__ import annotations

from sqlmodel import Session

from app.central.checklists import ChecklistSource
from app.central.db import make_engine, upgrade
from app.central.photos import FileSystemPhotoStore, PhotoStore
from app.central.settings import ServerSettings
from app.sync.protocol import API_VERSION, MAX_HASHES_PER_QUERY, Limits


class ServerContext:
    def __init__(self, settings: ServerSettings, *, photos: PhotoStore | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.engine = make_engine(settings.url)
        upgrade(self.engine)
        self.photos: PhotoStore = photos or FileSystemPhotoStore(settings.photos_dir)
        self.checklists = ChecklistSource(settings.resolved_checklists_path())

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

    def close(self) -> None:
        self.engine.dispose()
