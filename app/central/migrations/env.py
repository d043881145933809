"""Alembic environment: runs against the engine handed over in `config.attributes`."""

from __future__ import annotations

from alembic import context

from app.central.models import ServerModel

config = context.config
target_metadata = ServerModel.metadata


def run() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()


run()
