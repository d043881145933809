"""Alembic environment for the device database.

Run only through `app.store.migrate` (no alembic.ini): it passes an open connection in
`config.attributes["connection"]`, with foreign keys off for the duration and the whole
upgrade inside one transaction, so a migration interrupted by a crash leaves the database
exactly as it was before.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from app.store.models import StoreModel

config = context.config
target_metadata = StoreModel.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: copy-and-move instead
        transactional_ddl=True,  # SQLite DDL is transactional once BEGIN is ours
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        # foreign keys are off while tables are rebuilt: prove nothing was orphaned
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("run migrations through app.store.migrate(engine)")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():  # pragma: no cover - SQL scripts are not used on devices
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
