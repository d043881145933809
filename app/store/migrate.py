"""Bring the device database to the schema this version of the app expects.

Migrations are Alembic scripts inside the package (`app/store/migrations/versions/`), run
through Alembic's API with a Config built here, so no `alembic.ini` is needed and the same
code works from a checkout, an installed wheel or a bundled app (the bundle must ship the
`migrations` directory as source files: Alembic reads the scripts from disk).

An upgrade runs in one transaction (BEGIN IMMEDIATE, so two processes opening the same
database at once take turns) with foreign keys switched off while tables are rebuilt and
checked before commit. A crash half way leaves the database at its previous revision.
"""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from app.errors import UserError
from app.store.engine import BEGIN_OPTION

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config for the device database (pass the connection to migrate)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision this version of the app knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: a new, empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to `revision` (default: the newest); a no-op when up to date."""
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    current = current_revision(engine)
    if current is not None and current not in known:
        # written by a newer version of the app: never touch it
        raise UserError("store.newer_schema", revision=current)
    if current == head_revision() and revision == "head":
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # outside any transaction, or it is ignored
        try:
            conn = conn.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})
            try:
                command.upgrade(alembic_config(conn), revision)
            except CommandError as exc:
                log.error("database migration failed: %s", exc)
                raise UserError("store.migration_failed", detail=str(exc)) from exc
            if conn.in_transaction():
                conn.commit()
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    log.info("database at revision %s", current_revision(engine))
