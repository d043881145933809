"""Fixtures for the sync tests: real server processes on 127.0.0.1, SQLite or PostgreSQL.

* ``pg_admin_url`` (session): $HALLCHECK_TEST_PG_URL if CI provides a server, else a
  throwaway cluster started with initdb/pg_ctl (as the `postgres` user when running as
  root). Without PostgreSQL binaries the tests fail.
* ``server`` (module, parametrised sqlite / postgresql): one endpoint per backend per module.
* ``sqlite_server`` (module): one endpoint on SQLite.
* ``make_server`` (function): a factory for endpoints a test kills and restarts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import (
    PG_URL_ENV,
    PgCluster,
    ServerProcess,
    create_database,
    pg_bin_dir,
)

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is needed for the server tests: install Debian's "
                    "`postgresql` package (or set HALLCHECK_TEST_PG_URL)")
    cluster = PgCluster(bin_dir)
    try:
        url = cluster.start()
    except Exception:
        cluster.stop()
        raise
    try:
        yield url
    finally:
        cluster.stop()


def _database_url(backend: str, request: pytest.FixtureRequest) -> str | None:
    if backend == "sqlite":
        return None
    return create_database(request.getfixturevalue("pg_admin_url"))


@pytest.fixture(scope="module", params=BACKENDS)
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    backend = request.param
    proc = ServerProcess(tmp_path_factory.mktemp(f"server-{backend}"),
                         _database_url(backend, request))
    proc.backend = backend  # type: ignore[attr-defined]
    try:
        yield proc.start()
    finally:
        proc.close()


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("server-sqlite"))
    try:
        yield proc.start()
    finally:
        proc.close()


@pytest.fixture
def make_server(tmp_path: Path, request: pytest.FixtureRequest
                ) -> Iterator[Callable[..., ServerProcess]]:
    made: list[ServerProcess] = []

    def make(backend: str = "sqlite", **kw: object) -> ServerProcess:
        proc = ServerProcess(tmp_path / f"server-{len(made)}",
                             _database_url(backend, request), **kw)  # type: ignore[arg-type]
        made.append(proc)
        return proc

    try:
        yield make
    finally:
        for proc in made:
            proc.close()
