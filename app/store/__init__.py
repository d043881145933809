"""On-device data: SQLModel tables, the engine with its pragmas, and migrations.

Use `open_store(db_path)` to get a migrated `Store`; the services layer is the only user.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from app.errors import UserError
from app.store.engine import Store, apply_pragmas, open_engine
from app.store.migrate import current_revision, head_revision, migrate
from app.store.models import (
    ActionStatus,
    Answer,
    Assignment,
    ChecklistDefinition,
    CorrectiveAction,
    Inspection,
    Inspector,
    Outlet,
    Photo,
    PhotoSource,
    Setting,
    Status,
    StoreModel,
    SyncState,
    VetoFlag,
)
from app.store.photo_files import Reclaimed, reclaim

log = logging.getLogger(__name__)


def open_store(db_path: str | Path, photos_dir: Path | None = None) -> Store:
    """Open (creating if needed) and migrate the database at `db_path`; with `photos_dir`,
    also reclaim the photo files no row refers to (left by a crash between writing a photo
    and committing it; see `app.store.photo_files`)."""
    engine = open_engine(db_path)
    migrate(engine)
    store = Store(engine)
    if photos_dir is not None and photos_dir.is_dir():
        try:
            reclaim(store, photos_dir)
        except (UserError, SQLAlchemyError, OSError):  # housekeeping: never stops the app
            log.warning("photo files not reclaimed this time", exc_info=True)
    return store


__all__ = [
    "ActionStatus",
    "Answer",
    "Assignment",
    "ChecklistDefinition",
    "CorrectiveAction",
    "Inspection",
    "Inspector",
    "Outlet",
    "Photo",
    "PhotoSource",
    "Reclaimed",
    "Setting",
    "Status",
    "Store",
    "StoreModel",
    "SyncState",
    "VetoFlag",
    "apply_pragmas",
    "current_revision",
    "head_revision",
    "migrate",
    "open_engine",
    "open_store",
    "reclaim",
]
