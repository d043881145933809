"""The server's database: engine set-up for SQLite or PostgreSQL, and migrations to head."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


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
