"""Fixtures for the console's tests: a real office (server process, synced device), and the
central tests' `ctx` (a real SQLite file or a throwaway PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from central.review_support import backend, ctx, pg_admin_url  # noqa: F401

from .office import Office


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    o = Office(tmp_path_factory.mktemp("office")).start()
    try:
        yield o
    finally:
        o.close()
