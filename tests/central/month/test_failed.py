"""The compact failed items (app/central/month/failed.py): what the ingest stores beside each
breakdown reads the same as the breakdown, migration 0007 fills it for rows stored before,
and a row without it (a console amendment) is still read from its breakdown."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select
from sync.helpers import create_database  # tests/sync/helpers.py

from app.central.context import ServerContext
from app.central.db import alembic_config, make_engine
from app.central.models import Inspection
from app.central.month import failed
from app.central.month.close import counted_visits, month_window
from app.central.review import counted_results
from app.checklists import Catalog, default_checklists_path
from app.checklists.scoring import score
from app.programme.months import YearMonth

from .support import Office, answers_for, month_start_utc

CATALOG = Catalog.from_file(default_checklists_path())


def _breakdowns(n: int) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for kind in ("mystery_shop", "open_inspection"):
        checklist = CATALOG.resolve(kind, "agent")
        rng = random.Random(kind)
        for i in range(n):
            answers, _, _ = answers_for(checklist, rng, i / max(n - 1, 1))
            out.append(score(checklist, answers).to_dict("zh"))
    return out


def test_the_compact_form_reads_as_the_breakdown() -> None:
    vetoed = 0
    for doc in _breakdowns(20):
        want = failed.parts_of_breakdown(doc)
        items, vetoes = failed.parts(failed.compact(doc), None)
        assert ([tuple(i) for i in items], [tuple(v) for v in vetoes]) == want
        # the compact column wins over the breakdown; a bad one falls back to it
        assert failed.parts(failed.compact(doc), "not json")[0] == items
        got = failed.parts("not json", json.dumps(doc, ensure_ascii=False))
        assert got == want
        vetoed += bool(want[1])
    assert vetoed
    assert failed.parts(None, None) == failed.parts("", "[1]") == ([], [])


def test_the_ingest_stores_the_compact_form_and_the_close_reads_it(
        ctx: ServerContext, office: Office) -> None:
    at = month_start_utc(2025, 7)
    for n, (code, tier) in enumerate([("A1", "agent"), ("H1", "flagship")] * 3):
        office.visit(code, tier, at, fail_rate=0.15 * n, seed=700 + n)
    with ctx.session() as s:
        rows = s.exec(select(Inspection)).all()
        assert len(rows) == 6
        for row in rows:
            assert row.failed_items == failed.compact(json.loads(row.score_detail or ""))
    start, end = month_window(YearMonth(2025, 7))
    counted = counted_results(ctx, start, end)
    before = {v.uuid: v.failed for v in counted_visits(ctx, counted)}
    assert any(before.values())
    with ctx.session() as s:  # as a console amendment is stored: the breakdown alone
        s.execute(text("UPDATE inspections SET failed_items = NULL"))
        s.commit()
    assert {v.uuid: v.failed for v in counted_visits(ctx, counted)} == before


def test_migration_0007_fills_the_rows_stored_before(tmp_path: Path, backend: str,
                                                     request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path / 'server.db'}" if backend == "sqlite"
           else create_database(request.getfixturevalue("pg_admin_url")))
    engine = make_engine(url)
    try:
        cfg = alembic_config(engine)
        command.upgrade(cfg, "0006")
        docs = _breakdowns(3)
        now = datetime(2025, 7, 3, tzinfo=UTC)
        with engine.begin() as conn:
            for i, doc in enumerate([*docs, None, "not json"]):
                detail = doc if isinstance(doc, str) or doc is None else json.dumps(
                    doc, ensure_ascii=False)
                conn.execute(text(
                    "INSERT INTO inspections (uuid, device_id, inspector_id, outlet_code, kind,"
                    " tier, status, checklist_id, checklist_version, checklist_hash,"
                    " started_at, received_at, updated_at, score_detail, voided, veto_count,"
                    " flags, review_state, body_sha256, body) VALUES (:u, 'd', 'i', 'A1',"
                    " 'mystery_shop', 'agent', 'finalized', 'c', 1, 'h', :t, :t, :t, :d,"
                    " false, 0, '[]', 'approved', 'x', '{}')"),
                    {"u": f"u-{i}", "t": now, "d": detail})
        command.upgrade(cfg, "head")
        with engine.connect() as conn:
            got = dict(conn.execute(text(
                "SELECT uuid, failed_items FROM inspections ORDER BY seq")).all())
    finally:
        engine.dispose()
    for i, doc in enumerate(docs):
        items, vetoes = failed.parts(got[f"u-{i}"], None)
        assert ([tuple(x) for x in items], [tuple(v) for v in vetoes]) == \
            failed.parts_of_breakdown(doc)
    assert got[f"u-{len(docs)}"] is None and got[f"u-{len(docs) + 1}"] is None
