"""The PostgreSQL engine's pool: a connection that sat idle is pinged (and replaced when
the server dropped it) before a request gets it; one used moments ago goes out as it is."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine, event, text
from sync.helpers import create_database

from app.central import db


@pytest.fixture()
def engine(pg_admin_url: str) -> Iterator[Engine]:
    e = db.make_engine(create_database(pg_admin_url))
    yield e
    e.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _pings(engine: Engine) -> list[object]:
    seen: list[object] = []
    original = engine.dialect.do_ping

    def counting(dbapi_conn: object) -> bool:
        seen.append(dbapi_conn)
        return original(dbapi_conn)

    engine.dialect.do_ping = counting  # type: ignore[method-assign]
    return seen


def test_a_connection_used_moments_ago_is_not_pinged(engine: Engine) -> None:
    first = _backend_pid(engine)
    pings = _pings(engine)
    for _ in range(5):
        assert _backend_pid(engine) == first  # the same pooled connection each time
    assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced_unnoticed(
        engine: Engine, pg_admin_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    dropped = _backend_pid(engine)
    plain = pg_admin_url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(plain, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (dropped,))
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", -1.0)  # as if it sat idle for a while
    pings = _pings(engine)
    connects: list[object] = []
    event.listen(engine, "connect", lambda *_: connects.append(1))
    fresh = _backend_pid(engine)  # no error reaches the caller
    assert fresh != dropped
    assert len(pings) >= 1 and connects == [1]
