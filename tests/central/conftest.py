"""Fixtures of the central tests (review, accounts, disputes): see review_support.py."""

from .review_support import backend, ctx, pg_admin_url  # noqa: F401
from .s3_support import moto  # noqa: F401
