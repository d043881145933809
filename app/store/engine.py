"""The SQLite engine of the device database, with the pragmas that make autosave durable.

Every connection gets:
- `journal_mode=WAL`: readers never block the writer (the UI lists while sync sends), and a
  commit is one append to the log;
- `synchronous=FULL`: in WAL mode this fsyncs the log on every commit, so an acknowledged
  answer survives a power cut or a flat battery, not only a killed app (NORMAL would only
  be safe against the latter: its commits may roll back after power loss);
- `foreign_keys=ON` and `busy_timeout`.

Transactions: Python's sqlite3 module (legacy transaction control) would not BEGIN before
DDL or SELECT, which breaks transactional migrations and repeatable reads. We switch that
off and emit BEGIN ourselves (SQLAlchemy's documented recipe). Write transactions use
`BEGIN IMMEDIATE` (see `Store.writing`) so two writers queue on busy_timeout instead of
one of them failing with "database is locked" half way through.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from app.errors import UserError

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
PRAGMAS: tuple[tuple[str, str], ...] = (
    ("journal_mode", "WAL"),
    ("synchronous", "FULL"),
    ("foreign_keys", "ON"),
    ("busy_timeout", str(BUSY_TIMEOUT_MS)),
)
BEGIN_OPTION = "hallcheck_begin"  # execution option: "" (deferred) or "IMMEDIATE"


def apply_pragmas(dbapi_connection: sqlite3.Connection,
                  pragmas: tuple[tuple[str, str], ...] = PRAGMAS) -> None:
    """Set the device pragmas on a raw sqlite3 connection (also used by the benchmark)."""
    cursor = dbapi_connection.cursor()
    try:
        for name, value in pragmas:
            row = cursor.execute(f"PRAGMA {name}={value}").fetchone()
            if name == "journal_mode" and row and str(row[0]).lower() != value.lower():
                # e.g. a filesystem without shared memory; still correct, only slower
                log.warning("SQLite refused journal_mode=%s (got %s)", value, row[0])
    finally:
        cursor.close()


def open_engine(db_path: str | Path, *, echo: bool = False) -> Engine:
    """An engine on the SQLite file `db_path` (created if missing) with the device pragmas."""
    url = URL.create("sqlite", database=str(db_path))
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        apply_pragmas(dbapi_connection)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(BEGIN_OPTION, "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


@contextmanager
def _explained() -> Iterator[None]:
    """Turn the SQLite failures a user can act on into UserErrors (nothing was saved)."""
    try:
        yield
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if "disk is full" in text or "database or disk is full" in text:
            log.error("the device storage is full: %s", exc.orig)
            raise UserError("store.disk_full") from exc
        if "locked" in text or "busy" in text:
            log.error("the database stayed locked for %d ms", BUSY_TIMEOUT_MS)
            raise UserError("store.busy") from exc
        raise


class Store:
    """The engine plus the two ways the app talks to it: reading and writing sessions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._immediate = engine.execution_options(**{BEGIN_OPTION: "IMMEDIATE"})

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only session: one consistent snapshot, rolled back at the end."""
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE): committed, and durable, when the block
        ends without an exception; rolled back otherwise. A full disk or a database held
        too long by another process is raised as a UserError (store.disk_full/busy)."""
        with _explained(), Session(self._immediate, expire_on_commit=False) as session, \
                session.begin():
            yield session

    @contextmanager
    def writing_connection(self) -> Iterator[Connection]:
        """Like `writing`, on a bare Connection (no ORM): for the autosave hot path."""
        with _explained(), self._immediate.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
