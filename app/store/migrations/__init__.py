"""Alembic migrations of the device database (run with `app.store.migrate`)."""
