"""Alembic migrations of the central endpoint's database (SQLite and PostgreSQL)."""
