"""On-device data: SQLModel tables, the engine with its pragmas, and migrations.

Use `open_store(db_path)` to get a migrated `Store`; the services layer is the only user.
"""

from __future__ import annotations

from pathlib import Path

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


def open_store(db_path: str | Path) -> Store:
    """Open (creating if needed) and migrate the database at `db_path`."""
    engine = open_engine(db_path)
    migrate(engine)
    return Store(engine)


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
]
