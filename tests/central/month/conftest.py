"""Fixtures of the month-close tests: an office on a real SQLite file or a real throwaway
PostgreSQL, with the shipped checklists and programme rules (see support.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync.helpers import create_database  # tests/sync/helpers.py (tests/ is on sys.path)

from app.central.context import ServerContext
from app.central.settings import ServerSettings

from ..review_support import backend, pg_admin_url  # noqa: F401
from .support import CHECKLISTS, Office


@pytest.fixture
def ctx(tmp_path: Path, backend: str, request: pytest.FixtureRequest  # noqa: F811
        ) -> Iterator[ServerContext]:
    url = None if backend == "sqlite" else create_database(
        request.getfixturevalue("pg_admin_url"))
    c = ServerContext(ServerSettings(data_dir=tmp_path / f"server-{backend}",
                                     database_url=url, checklists_path=CHECKLISTS))
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def office(ctx: ServerContext, tmp_path: Path) -> Office:
    o = Office(ctx, tmp_path)
    o.import_master_data()
    return o
