"""The engine's pragmas, transactions, the UTC time type and the data directory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import event, select

from app.config import DB_FILENAME, Paths, data_dir
from app.store import Setting, open_store
from app.store.types import UTCDateTime, utc_text


def test_every_connection_gets_the_device_pragmas(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    try:
        conns = [store.engine.connect() for _ in range(3)]  # several pooled connections
        for conn in conns:
            pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("journal_mode", "synchronous", "foreign_keys",
                                    "busy_timeout")}
            assert pragmas == {"journal_mode": "wal", "synchronous": 2,  # 2 = FULL
                               "foreign_keys": 1, "busy_timeout": 10_000}
        for conn in conns:
            conn.close()
    finally:
        store.dispose()


def test_writes_take_the_write_lock_up_front_and_roll_back_on_error(tmp_path: Path) -> None:
    store = open_store(tmp_path / "t.db")
    begins: list[str] = []
    event.listen(store.engine, "before_cursor_execute",
                 lambda conn, cur, stmt, *a: begins.append(stmt) if "BEGIN" in stmt else None)
    try:
        with pytest.raises(RuntimeError), store.writing() as s:
            s.add(Setting(key="a", value="1"))
            s.flush()
            raise RuntimeError("boom")
        with store.reading() as s:
            assert s.execute(select(Setting)).first() is None
        with store.writing() as s:
            s.add(Setting(key="a", value="1"))
        with store.writing_connection() as conn:
            conn.exec_driver_sql("UPDATE setting SET value = '2'")
        with store.reading() as s:
            assert s.get(Setting, "a").value == "2"
        assert begins.count("BEGIN IMMEDIATE") == 3
        assert "BEGIN" in begins  # reads: a deferred transaction, a consistent snapshot
    finally:
        store.dispose()


def test_utc_datetime_keeps_the_moment_and_refuses_naive_values() -> None:
    t = UTCDateTime()
    cst = datetime(2025, 3, 14, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    stored = t.process_bind_param(cst, None)  # type: ignore[arg-type]
    assert stored == "2025-03-14T00:00:00.000000+00:00" == utc_text(cst)
    back = t.process_result_value(stored, None)  # type: ignore[arg-type]
    assert back == cst and back.tzinfo == UTC
    with pytest.raises(ValueError):
        t.process_bind_param(datetime(2025, 1, 1), None)  # type: ignore[arg-type]
    # text of fixed width sorts in time order
    a = utc_text(datetime(2025, 1, 1, 23, 59, 59, 999999, tzinfo=UTC))
    b = utc_text(datetime(2025, 1, 2, tzinfo=UTC))
    assert a < b


def test_data_dir_override_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HALLCHECK_DATA_DIR", str(tmp_path / "from-env"))
    assert data_dir() == tmp_path / "from-env" and (tmp_path / "from-env").is_dir()
    paths = Paths.resolve(tmp_path / "explicit")
    assert paths.db == tmp_path / "explicit" / DB_FILENAME
    assert paths.photos.is_dir()


def test_default_data_dir_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.delenv("HALLCHECK_DATA_DIR", raising=False)
    calls: list[str] = []

    def fake(appname: str, *args: object, **kwargs: object) -> str:
        calls.append(appname)
        return str(tmp_path / "user-data" / appname)

    monkeypatch.setattr(platformdirs, "user_data_dir", fake)
    assert data_dir() == tmp_path / "user-data" / "hallcheck"
    assert calls == ["hallcheck"]


def test_a_full_disk_is_explained_and_nothing_half_written(tmp_path: Path) -> None:
    from app.errors import UserError

    store = open_store(tmp_path / "t.db")
    store.engine.dispose()
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
    store.engine.dispose()
    event.listen(store.engine, "connect",
                 lambda dbapi, rec: dbapi.execute(f"PRAGMA max_page_count = {pages}"))
    with pytest.raises(UserError) as err, store.writing() as s:
        s.add_all(Setting(key=f"k{i}", value="x" * 2000) for i in range(50))
    assert err.value.key == "store.disk_full"
    with store.reading() as s:
        assert s.execute(select(Setting)).first() is None
    store.dispose()
