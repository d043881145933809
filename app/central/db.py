"""The server's database: engine set-up for SQLite or PostgreSQL, migrations to head, and
bulk inserts (COPY on PostgreSQL)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               pool_size=20, max_overflow=20)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    _ping_after_idle(engine)
    return engine


# A pooled connection idle longer than this is pinged before it is handed out; one used
# moments ago is not (a ping is a round trip, and a busy worker checks out per request).
# A server that went away meanwhile still fails once: its error invalidates the pool.
PING_AFTER_IDLE_S = 10.0


def _ping_after_idle(engine: Engine) -> None:
    """pool_pre_ping, but only for connections that sat idle (SQLAlchemy's documented
    pessimistic check: a DisconnectionError from `checkout` makes the pool connect anew)."""

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _used(_dbapi_conn, record):  # type: ignore[no-untyped-def]
        record.info["hc_used_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _check(dbapi_conn, record, _proxy):  # type: ignore[no-untyped-def]
        if time.monotonic() - record.info.get("hc_used_at", 0.0) <= PING_AFTER_IDLE_S:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:  # any failure of the ping: the connection is gone
            raise DisconnectionError("the database connection was closed") from exc
        if not alive:
            raise DisconnectionError("the database connection was closed")


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


# pg_advisory_lock key of the migration run: any 64-bit number every worker agrees on
# (the first 8 bytes of sha256("hallcheck: alembic upgrade"), as a signed bigint).
MIGRATION_LOCK_KEY = int.from_bytes(
    hashlib.sha256(b"hallcheck: alembic upgrade").digest()[:8], "big", signed=True)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there).

    Several workers (or hosts) may start together: each waits for one lock before it looks
    at the schema, so exactly one runs the migrations and the others then find them done.
    PostgreSQL: a session-level advisory lock held on its own connection while alembic works
    on another; SQLite: an exclusive file lock beside the database file.
    """
    from alembic import command

    with migration_lock(engine):
        command.upgrade(alembic_config(engine), "head")


@contextmanager
def migration_lock(engine: Engine) -> Iterator[None]:
    """Hold the one migration lock of this database (blocking until it is free)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
            conn.commit()  # the lock is the session's, not the transaction's
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK_KEY})
                conn.commit()
        return
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    import fcntl

    with open(f"{database}.migrate-lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _fast_toast(s: Session) -> None:
    """Compress this transaction's large texts (the frozen rows' JSON) with lz4 where the
    server has it: PostgreSQL's default (pglz) spent most of the snapshot's write time
    compressing them. Reading them back needs nothing: each value names its method."""
    found = s.execute(text(
        "SELECT 'lz4' = ANY(enumvals) FROM pg_settings"
        " WHERE name = 'default_toast_compression'")).scalar()
    if found:
        s.execute(text("SET LOCAL default_toast_compression = 'lz4'"))


def bulk_insert(s: Session, table: Any, rows: Iterable[dict[str, Any]]) -> None:
    """Insert many rows (dicts with every column but a serial key) in the session's
    transaction: COPY on PostgreSQL (a frozen month or a month's plan is written in
    seconds, each row sent as it is made; no Python-side column defaults), executemany
    elsewhere."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return
    conn = s.connection()
    if conn.dialect.name == "postgresql":
        _fast_toast(s)
        columns = list(first)
        raw = conn.connection.driver_connection
        from psycopg.copy import QueuedLibpqWriter

        # the queued writer sends from a thread of its own: the rows are made here while
        # the server takes in the previous ones
        with raw.cursor() as cur, cur.copy(  # type: ignore[union-attr]
                f"COPY {table.__tablename__} ({', '.join(columns)}) FROM STDIN",
                writer=QueuedLibpqWriter(cur)) as cp:
            cp.write_row(tuple(first[c] for c in columns))
            for r in it:
                cp.write_row(tuple(r[c] for c in columns))
        return
    batch = [first]
    for r in it:
        batch.append(r)
        if len(batch) == 5000:
            s.execute(insert(table), batch)
            batch = []
    if batch:
        s.execute(insert(table), batch)
