"""With thousands of inspections on the device, the lists are answered from indexes.

EXPLAIN QUERY PLAN must show an index for each list and no full scan or sort of the
inspection table; timings are left to benchmarks/ (they would make tests flaky).
"""

from __future__ import annotations

import random
import uuid as uuidlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Select, select

from app.services import OutletData, Workspace
from app.services.inspection.queries import visits_by_query
from app.services.inspections import (
    between_query,
    drafts_query,
    history_query,
    outbox_query,
    recent_query,
)
from app.store import Answer, CorrectiveAction
from app.store.types import utc_text

FIXTURE = Path(__file__).resolve().parents[1] / "services" / "fixtures" / "services.yaml"
N = 5000
START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path_factory.mktemp("big"), FIXTURE)
    for n in range(20):
        ws.outlets.upsert(OutletData(code=f"O-{n:03d}", name=f"网点{n}", tier="flagship"))
    first = ws.inspections.start("mystery_shop", "O-000", "I1")
    checklist_hash = ws.inspections.checklist(first).content_hash
    rng = random.Random(7)
    rows, answers = [], []
    for n in range(N):
        uuid = str(uuidlib.uuid4())
        status = "draft" if n % 50 == 0 else "finalized"
        sync = "local" if status == "draft" else rng.choice(["sent"] * 9 + ["queued"])
        started = START + timedelta(minutes=137 * n)
        rows.append((uuid, f"O-{n % 20:03d}", checklist_hash, utc_text(started), status,
                     sync, n + 2))
        answers += [(uuid, item, "true") for item in ("uniform", "rude")]
    with ws.store.writing_connection() as conn:
        conn.exec_driver_sql("DROP TRIGGER answer_frozen_insert")  # bulk load only
        conn.exec_driver_sql(
            "INSERT INTO inspection (uuid, kind, tier, outlet_code, inspector_id, "
            "checklist_id, checklist_version, checklist_hash, started_at, "
            "started_tz_offset_min, status, sync_state, created_seq) VALUES "
            "(?, 'mystery_shop', 'flagship', ?, 'I1', 'ms', 1, ?, ?, 480, ?, ?, ?)", rows)
        conn.exec_driver_sql("INSERT INTO answer (inspection_uuid, item_id, value_json) "
                             "VALUES (?, ?, ?)", answers)
    yield ws
    ws.close()


def _plan(ws: Workspace, stmt: Select) -> str:
    sql = str(stmt.compile(ws.engine, compile_kwargs={"literal_binds": True}))
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    return "\n".join(r[-1] for r in rows)


def _assert_indexed(plan: str, index: str, *, walk: bool = False) -> None:
    """`index` answers the query: a SEARCH on it (or, with `walk`, a LIMITed walk in
    index order), never a scan of the table, never a sort."""
    how = "SCAN" if walk else "SEARCH"
    assert f"{how} inspection USING INDEX {index}" in plan, plan
    assert "SCAN inspection\n" not in plan + "\n", plan  # no full table scan
    assert "TEMP B-TREE" not in plan, plan  # rows come out in index order


def test_the_lists_use_indexes(big: Workspace) -> None:
    day = START + timedelta(days=100)
    _assert_indexed(_plan(big, drafts_query()), "ix_inspection_status_started_at")
    _assert_indexed(_plan(big, between_query(day, day + timedelta(days=1))),
                    "ix_inspection_started_at")
    _assert_indexed(_plan(big, outbox_query()), "ix_inspection_sync_state_created_seq")
    _assert_indexed(_plan(big, history_query("O-003")), "ix_inspection_outlet_code_started_at")
    _assert_indexed(_plan(big, recent_query(50)), "ix_inspection_started_at", walk=True)
    rotation = visits_by_query("O-003", "I1", "mystery_shop", day, finalised_only=True)
    _assert_indexed(_plan(big, rotation.limit(1)), "ix_inspection_outlet_code_started_at")
    for plan in (_plan(big, drafts_query()), _plan(big, outbox_query())):
        assert "SEARCH outlet USING INDEX" in plan  # the outlet name by primary key


def test_answers_and_actions_are_found_by_index(big: Workspace) -> None:
    some = big.inspections.list_recent(1)[0].uuid
    plan = _plan(big, select(Answer).where(Answer.inspection_uuid == some))
    assert "SEARCH answer USING INDEX sqlite_autoindex_answer_1 (inspection_uuid=?)" in plan
    plan = _plan(big, select(CorrectiveAction).where(
        CorrectiveAction.outlet_code == "O-001", CorrectiveAction.status.in_(["open",
                                                                             "carried"])))
    assert "INDEX ix_corrective_action_outlet_code_status" in plan, plan


def test_the_lists_are_right_at_scale(big: Workspace) -> None:
    drafts = big.inspections.list_drafts()
    assert len(drafts) == N // 50 + 1
    assert [d.started_at for d in drafts] == sorted((d.started_at for d in drafts),
                                                    reverse=True)
    outbox = big.inspections.outbox()
    assert outbox and all(o.sync_state == "queued" for o in outbox)
    assert [o.created_seq for o in outbox] == sorted(o.created_seq for o in outbox)
    day = (START + timedelta(days=100)).astimezone(UTC)
    today = big.inspections.list_today(day)
    assert today and all(t.started_at.date() == day.date() for t in today)
    assert len(big.inspections.history("O-003", limit=10)) == 10
