"""The workspace: one data directory opened, migrated and ready for the user's operations.

    ws = Workspace.open()                   # HALLCHECK_DATA_DIR or the user data directory
    uuid = ws.inspections.start("mystery_shop", "HZ-0001")
    ws.inspections.answer(uuid, "uniform", True)   # on disk when this returns
    ws.inspections.finalise(uuid)

Views and the CLI use only this object (and the types it returns).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from datetime import date
from pathlib import Path
from types import TracebackType

from sqlalchemy import Engine, func, select

from app.checklists import Catalog, default_checklists_path
from app.config import Paths
from app.media import remove_stale_temp_files
from app.services.actions import Actions
from app.services.assignments import Assignments
from app.services.demo import load_demo
from app.services.inspections import Inspections
from app.services.outlets import Outlets
from app.services.settings import Settings
from app.services.types import DemoReport, StorageUsage
from app.store import Inspector, Photo, Store, open_store

log = logging.getLogger(__name__)


class Workspace:
    """Paths, the migrated database, the checklist catalogue and the services on them."""

    def __init__(self, paths: Paths, store: Store, checklists_path: Path) -> None:
        self.paths = paths
        self.store = store
        self.checklists_path = checklists_path
        self._catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        self.settings = Settings(store)
        self.outlets = Outlets(store, self._get_catalog)
        self.inspections = Inspections(store, self._get_catalog, self.settings, paths.photos)
        self.actions = Actions(store)
        self.assignments = Assignments(store)

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None,
             checklists_path: str | os.PathLike[str] | None = None) -> Workspace:
        """Open the data directory (default: HALLCHECK_DATA_DIR or the user data
        directory), creating and migrating its database as needed. The checklist file
        (default: the one shipped with the app) is read on first use."""
        paths = Paths.resolve(data_dir)
        store = open_store(paths.db, photos_dir=paths.photos)  # + unreferenced photos reclaimed
        ws = cls(paths, store, Path(checklists_path) if checklists_path
                 else default_checklists_path())
        ws.settings.device_id  # noqa: B018 - made on first open, kept for life
        if paths.photos.exists():  # temp files left by a photo intake the OS killed
            remove_stale_temp_files(paths.photos)
        log.info("workspace open at %s", paths.root)
        return ws

    @property
    def catalog(self) -> Catalog:
        """The checklist rulebook (loaded once; ChecklistFileError if the file is bad)."""
        return self._get_catalog()

    def _get_catalog(self) -> Catalog:
        if self._catalog is None:
            with self._catalog_lock:
                if self._catalog is None:
                    self._catalog = Catalog.from_file(self.checklists_path)
        return self._catalog

    @property
    def engine(self) -> Engine:
        return self.store.engine

    # -- people ----------------------------------------------------------------------------

    def inspectors(self) -> list[Inspector]:
        with self.store.reading() as s:
            return list(s.execute(select(Inspector).order_by(Inspector.name)).scalars())

    def add_inspector(self, inspector_id: str, name: str, role: str) -> Inspector:
        with self.store.writing() as s:
            person = s.get(Inspector, inspector_id)
            if person is None:
                person = Inspector(id=inspector_id, name=name, role=role)
                s.add(person)
            else:
                person.name, person.role = name, role
            s.flush()
            return person

    # -- demo and housekeeping -------------------------------------------------------------

    def load_demo(self, today: date | None = None) -> DemoReport:
        """Load the DEMO- outlets, demo inspector and today's demo assignments."""
        return load_demo(self.store, self.catalog, self.outlets, self.assignments,
                         self.settings, today)

    def storage_used(self) -> StorageUsage:
        """Bytes used on this device by the database (with WAL) and the photo store."""
        db = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                db += os.path.getsize(f"{self.paths.db}{suffix}")
        photos = 0
        for root, _dirs, files in os.walk(self.paths.photos):
            for name in files:
                with contextlib.suppress(OSError):
                    photos += os.path.getsize(os.path.join(root, name))
        with self.store.reading() as s:
            count = int(s.execute(select(func.count(func.distinct(Photo.sha256)))).scalar_one())
        return StorageUsage(database_bytes=db, photos_bytes=photos, photo_count=count)

    def close(self) -> None:
        self.store.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
