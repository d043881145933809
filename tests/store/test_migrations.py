"""Schema changes go through Alembic migrations; an old database upgrades with its data."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from app.checklists import Catalog
from app.errors import UserError
from app.services import Workspace
from app.store import StoreModel, current_revision, head_revision, migrate, open_engine
from app.store.migrate import MIGRATIONS_DIR

FIXTURE = Path(__file__).resolve().parents[1] / "services" / "fixtures" / "services.yaml"
T0 = "2025-03-14T02:30:00.000000+00:00"
T1 = "2025-03-14T03:00:00.000000+00:00"


def _dump(engine: Engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        tables = [r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != 'alembic_version' ORDER BY name")]
        out = {}
        for table in tables:
            cols = [r[1] for r in conn.exec_driver_sql(f"PRAGMA table_info({table})")
                    if r[1] != "traffic"]
            out[table] = sorted(conn.exec_driver_sql(
                f"SELECT {', '.join(cols)} FROM {table}").all())
        return out


def _fill_revision_1(engine: Engine) -> tuple[str, str]:
    """Rows as the app at revision 0001 wrote them (raw SQL: today's models are newer)."""
    checklist = Catalog.from_file(FIXTURE).resolve("mystery_shop", "flagship")
    h = checklist.content_hash
    with engine.begin() as conn:
        x = conn.exec_driver_sql
        x("INSERT INTO outlet (code, name, tier, family, business_unit, region, address, "
          "cooperation_start, competitor, phase, updated_at) VALUES "
          "('HZ-001', '杭州旗舰厅', 'flagship', 'self_run_hall', '杭州', '西湖', '延安路 1 号', "
          "'2015-06-01', 0, NULL, ?)", (T0,))
        x("INSERT INTO setting (key, value) VALUES ('language', 'en'), ('inspector_id', 'I1')")
        x("INSERT INTO checklist_definition VALUES (?, 'ms', 1, 'mystery_shop', 'flagship', "
          "'established', ?, ?)", (h, checklist.model_dump_json(), T0))
        for uuid, status, seq in (("11111111-1111-4111-8111-111111111111", "finalized", 1),
                                  ("22222222-2222-4222-8222-222222222222", "draft", 2)):
            x("INSERT INTO inspection (uuid, kind, tier, phase, outlet_code, inspector_id, "
              "checklist_id, checklist_version, checklist_hash, started_at, "
              "started_tz_offset_min, status, sync_state, created_seq, total_score, "
              "complete, veto_count, score_json, finished_at) VALUES (?, 'mystery_shop', "
              "'flagship', 'established', 'HZ-001', 'I1', 'ms', 1, ?, ?, 480, 'draft', "
              "'local', ?, NULL, NULL, NULL, NULL, NULL)", (uuid, h, T0, seq))
            for item, value in (("uniform", "false"), ("rude", "false"),
                                ("greet_seconds", "5"), ("solved", '"fully"'),
                                ("friendliness", "4")):
                x("INSERT INTO answer (inspection_uuid, item_id, value_json, answered_at, "
                  "note) VALUES (?, ?, ?, ?, ?)",
                  (uuid, item, value, T0, "未穿工装" if item == "uniform" else None))
            x("INSERT INTO photo (inspection_uuid, item_id, sha256, file, size_bytes, width, "
              "height, attached_at, source, sync_state) VALUES (?, 'storefront', ?, 'f.jpg', "
              "10, 4, 3, ?, 'camera', 'local')", (uuid, "a" * 64, T0))
            x("INSERT INTO veto_flag (inspection_uuid, item_id, section_id, scope, "
              "reason_zh, reason_en, evidence_note, raised_at) VALUES (?, 'uniform', "
              "'conduct', 'section', '未着工装', 'Staff not in uniform', '未穿工装', ?)",
              (uuid, T0))
            if status == "finalized":
                x("UPDATE inspection SET status = 'finalized', sync_state = 'queued', "
                  "total_score = 40.0, complete = 1, veto_count = 1, score_json = '{}', "
                  "finished_at = ? WHERE uuid = ?", (T1, uuid))
        x("INSERT INTO corrective_action (id, outlet_code, raised_in_uuid, description, "
          "owner, due_date, status, raised_at, carried_count, updated_at) VALUES "
          "('A1', 'HZ-001', '22222222-2222-4222-8222-222222222222', '更换工装', '店长', "
          "'2025-03-21', 'open', ?, 0, ?)", (T0, T0))
    return "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def test_an_old_database_upgrades_with_its_data_intact(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    engine = open_engine(data / "hallcheck.db")
    migrate(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "traffic" not in {c["name"] for c in inspect(engine).get_columns("outlet")}
    final, draft = _fill_revision_1(engine)
    before = _dump(engine)

    migrate(engine)
    assert current_revision(engine) == head_revision() == "0003"
    assert _dump(engine) == before  # every row, every value

    with engine.begin() as conn:  # the new column is there and usable
        conn.exec_driver_sql("UPDATE outlet SET traffic = 'busy' WHERE code = 'HZ-001'")
    # the new immutability triggers protect the records finalised before the upgrade
    with pytest.raises(Exception, match="finalized inspection cannot be changed"), \
            engine.begin() as conn:
        conn.exec_driver_sql("UPDATE answer SET value_json = 'true' "
                             "WHERE inspection_uuid = ?", (final,))
    engine.dispose()

    ws = Workspace.open(data, FIXTURE)  # and the app works on the upgraded data
    try:
        assert ws.outlets.require("HZ-001").traffic == "busy"
        assert ws.settings.language == "en"
        old = ws.inspections.state(final)
        assert old.summary.status == "finalized" and old.answers["uniform"] is False
        assert ws.inspections.state(draft).vetoes[0].evidence_note == "未穿工装"
        ws.inspections.answer(draft, "uniform", True)
        assert ws.inspections.state(draft).vetoes == []
        assert [s.uuid for s in ws.inspections.outbox()] == [final]
        assert [a.id for a in ws.actions.open_actions("HZ-001")] == ["A1"]
        new = ws.inspections.start("mystery_shop", "HZ-001")
        assert ws.inspections.summary(new).created_seq == 3
    finally:
        ws.close()


def test_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "t.db")
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_the_models_match_what_the_migrations_build(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "t.db")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                StoreModel.metadata)
    engine.dispose()
    assert diff == []


def test_the_immutability_triggers_cover_every_column(tmp_path: Path) -> None:
    """A column added to inspection/photo must be added to the trigger's list as well."""
    spec = importlib.util.spec_from_file_location(
        "m0002", next((MIGRATIONS_DIR / "versions").glob("0002_*.py")))
    assert spec and spec.loader
    m0002 = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m0002)
    engine = open_engine(tmp_path / "t.db")
    migrate(engine)
    cols = {t: {c["name"] for c in inspect(engine).get_columns(t)}
            for t in ("inspection", "photo")}
    with engine.connect() as conn:
        sql = dict(conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all())
    engine.dispose()
    assert cols["inspection"] - {"sync_state", "sync_error", "synced_at"} == \
        set(m0002.INSPECTION_FROZEN_COLUMNS)
    assert cols["photo"] - {"sync_state"} == set(m0002.PHOTO_FROZEN_COLUMNS)
    for col in m0002.INSPECTION_FROZEN_COLUMNS:
        assert f"NEW.{col} IS NOT OLD.{col}" in sql["inspection_frozen_update"]
    assert {f"{t}_frozen_{w}" for t in ("answer", "photo", "veto_flag")
            for w in ("insert", "update", "delete")} <= set(sql)


def test_a_failed_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE veto_flag (x)")  # in the way of revision 0001
    raw.commit()
    raw.close()
    engine = open_engine(db)
    with pytest.raises(Exception, match="veto_flag"):
        migrate(engine)
    tables = set(inspect(engine).get_table_names())
    assert tables == {"veto_flag"}  # no half-built schema, no version stamp
    assert current_revision(engine) is None
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_database_from_a_newer_app_is_not_touched(tmp_path: Path) -> None:
    engine = open_engine(tmp_path / "t.db")
    migrate(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(UserError) as err:
        migrate(engine)
    assert err.value.key == "store.newer_schema" and "0099" in err.value.message("en")
    engine.dispose()
