"""The plan tests' server context: a real SQLite file or a real throwaway PostgreSQL (as the
other central tests), with the shipped checklists.yaml so every tier is known."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sync.helpers import create_database

from app.central.context import ServerContext
from app.central.settings import ServerSettings

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture
def ctx(tmp_path: Path, backend: str, request: pytest.FixtureRequest
        ) -> Iterator[ServerContext]:
    url = None if backend == "sqlite" else create_database(
        request.getfixturevalue("pg_admin_url"))
    c = ServerContext(ServerSettings(data_dir=tmp_path / f"server-{backend}",
                                     database_url=url,
                                     checklists_path=REPO / "checklists.yaml"))
    try:
        yield c
    finally:
        c.close()
