"""Fixtures of the perception office tests: a real server context on SQLite and
PostgreSQL (tests/central/review_support.py)."""

from central.review_support import backend, ctx, pg_admin_url  # noqa: F401
