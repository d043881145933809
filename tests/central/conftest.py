"""Fixtures of the central tests (review, accounts, disputes): see review_support.py."""

from .review_support import backend, ctx, pg_admin_url  # noqa: F401
