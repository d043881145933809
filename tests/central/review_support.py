"""Shared set-up of the review, accounts and dispute tests: a ServerContext on a real
SQLite file or on a real throwaway PostgreSQL, and results stored as the ingest stores them
(the body a device sends, the server's own score of it against the issued definition).

Test modules import the fixtures they use from here (`from .review_support import ...`).
"""

from __future__ import annotations

import json
import os
import uuid as uuidlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from sync.helpers import (  # tests/sync/helpers.py (tests/ is on sys.path)
    CHECKLISTS,
    PG_URL_ENV,
    PgCluster,
    create_database,
    pg_bin_dir,
)

from app.central import accounts, admin, audit
from app.central.context import ServerContext
from app.central.models import (
    Inspection,
    InspectionPhoto,
    IssuedChecklist,
    Outlet,
    Photo,
    utcnow,
)
from app.central.settings import ServerSettings
from app.checklists import Catalog, ResolvedChecklist
from app.checklists.schema import to_plain
from app.checklists.scoring import score
from app.sync.protocol import InspectionUpload, canonical_json

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PASSWORD = "a long passphrase"


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    given = os.environ.get(PG_URL_ENV)
    if given:
        yield given
        return
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        pytest.fail("PostgreSQL is needed: install Debian's `postgresql` package")
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


def make_ctx(tmp_path: Path, backend: str, request: pytest.FixtureRequest,
             **settings: Any) -> ServerContext:
    url = None if backend == "sqlite" else create_database(
        request.getfixturevalue("pg_admin_url"))
    return ServerContext(ServerSettings(data_dir=tmp_path / f"server-{backend}",
                                        database_url=url, checklists_path=CHECKLISTS,
                                        **settings))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def ctx(tmp_path: Path, backend: str, request: pytest.FixtureRequest
        ) -> Iterator[ServerContext]:
    c = make_ctx(tmp_path, backend, request, lockout_threshold=3, lockout_minutes=1,
                 lockout_max_minutes=8)
    try:
        yield c
    finally:
        c.close()


def definition(kind: str = "mystery_shop", tier: str = "flagship") -> ResolvedChecklist:
    return Catalog.from_file(CHECKLISTS).resolve(kind, tier)


def issue(ctx: ServerContext, checklist: ResolvedChecklist) -> None:
    with ctx.session() as s:
        if s.get(IssuedChecklist, checklist.content_hash) is None:
            s.add(IssuedChecklist(content_hash=checklist.content_hash,
                                  checklist_id=checklist.id, kind=checklist.kind.value,
                                  tier=checklist.tier, phase=checklist.phase,
                                  version=checklist.version,
                                  body=json.dumps(to_plain(checklist), ensure_ascii=False)))
            s.commit()


def outlet(ctx: ServerContext, code: str, unit: str | None = None, tier: str = "flagship"
           ) -> None:
    with ctx.session() as s:
        if s.get(Outlet, code) is None:
            s.add(Outlet(code=code, name=f"营业厅 {code}", tier=tier, business_unit=unit))
            s.commit()


def store_result(ctx: ServerContext, *, inspector: str = "ms-001", outlet_code: str = "HALL-1",
                 unit: str | None = "东区", answers: dict[str, Any] | None = None,
                 notes: dict[str, str] | None = None, flags: list[str] | None = None,
                 received_at: datetime | None = None, device_total: float | None = None,
                 amends: str | None = None, photos: list[tuple[str, str | None]] = (),  # type: ignore[assignment]
                 photos_arrived: bool = True, started_at: datetime | None = None) -> str:
    """One finalised result as the ingest stores it: the device's body, the server's score
    (same scoring code, issued definition) and the 'received' audit line."""
    checklist = definition()
    issue(ctx, checklist)
    outlet(ctx, outlet_code, unit)
    admin.add_inspector(ctx, inspector, f"检查员 {inspector}")
    answers = {"uniform": True, "greet_seconds": 5} if answers is None else answers
    notes = notes or {}
    result = score(checklist, answers)
    uid = str(uuidlib.uuid4())
    started = started_at or datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    now = received_at or utcnow()
    body = {
        "uuid": uid, "device_id": "dev-test", "outlet_code": outlet_code,
        "kind": "mystery_shop", "tier": "flagship", "inspector_id": inspector,
        "checklist_id": checklist.id, "checklist_version": checklist.version,
        "checklist_hash": checklist.content_hash, "created_seq": 1,
        "started_at": started.isoformat(),
        "finalized_at": (started + timedelta(minutes=25)).isoformat(), "status": "finalized",
        "location_start": {"lat": 31.2, "lon": 121.4, "accuracy_m": 10.0},
        "location_end": {"lat": 31.2, "lon": 121.4, "accuracy_m": 12.0},
        "score": {"total": device_total if device_total is not None else result.total,
                  "complete": result.complete, "voided": result.voided,
                  "veto_count": len(result.vetoes), "detail": {}},
        "answers": [{"item_id": k, "value": v, "note": notes.get(k)}
                    for k, v in sorted(answers.items())]
        + [{"item_id": k, "value": None, "note": n} for k, n in sorted(notes.items())
           if k not in answers],
        "photos": [{"sha256": sha, "size": 100, "item_id": item} for sha, item in photos],
        "vetoes": [{"item_id": v.item_id, "section_id": v.section_id, "scope": v.scope.value,
                    "note": notes.get(v.item_id),
                    "photos": [sha for sha, item in photos if item == v.item_id]}
                   for v in result.vetoes],
    }
    if amends:
        body["amends_uuid"] = amends
        body["amendment"] = {"by": inspector, "at": now.isoformat(), "reason": "更正"}
    upload = InspectionUpload.model_validate(body)
    with ctx.session() as s:
        row = Inspection(
            uuid=uid, device_id="dev-test", inspector_id=inspector, outlet_code=outlet_code,
            kind="mystery_shop", tier="flagship", status="finalized",
            checklist_id=checklist.id, checklist_version=checklist.version,
            checklist_hash=checklist.content_hash, started_at=started,
            finalized_at=started + timedelta(minutes=25), received_at=now, updated_at=now,
            score_total=result.total, device_score_total=upload.score.total,  # type: ignore[union-attr]
            score_detail=json.dumps(result.to_dict("zh"), ensure_ascii=False),
            voided=result.voided, veto_count=len(result.vetoes),
            flags=json.dumps(flags or []), time_on_site_s=1500, amends_uuid=amends,
            body_sha256=upload.body_sha256(), body=canonical_json(upload).decode())
        s.add(row)
        s.flush()
        for sha, _ in photos:
            s.add(InspectionPhoto(inspection_seq=row.seq, sha256=sha))  # type: ignore[arg-type]
            if photos_arrived and s.get(Photo, sha) is None:
                s.add(Photo(sha256=sha, size=100, device_id="dev-test"))
        audit.record(s, inspection_uuid=uid, actor_kind="device", actor_id="dev-test",
                     action="received", to_state="received")
        s.commit()
    return uid


def state(ctx: ServerContext, uid: str) -> str:
    with ctx.session() as s:
        return s.exec(select(Inspection.review_state).where(Inspection.uuid == uid)).one()


def account(ctx: ServerContext, username: str, role: str = "reviewer",
            unit: str | None = None) -> accounts.ManagerInfo:
    return accounts.add_manager(ctx, username, f"经理 {username}", role,  # type: ignore[arg-type]
                                PASSWORD, business_unit=unit)


def actions(ctx: ServerContext, uid: str) -> list[str]:
    with ctx.session() as s:
        return [a.action for a in audit.trail(s, uid)]
