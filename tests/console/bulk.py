"""Many results at once, stored as the ingest stores them, for export tests and the export
benchmark (benchmarks/bench_exports.py).

Each result is an honest visit (tests/central/trust_support.py: valid answers for every
shown item, some failed, vetoes included, the evidence finalising asks for) made into the
upload a device sends, validated by the protocol's own model, and stored with the server's
own score of it against the issued definition: the same columns `service.put_inspection`
fills. Rows go in with one INSERT per thousand, so 10,000 results take seconds, not the
minutes the HTTP path would.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from central.review_support import issue
from central.trust_support import honest_visit, upload_body
from sqlalchemy import insert
from sqlmodel import select

from app.central import admin
from app.central.context import ServerContext
from app.central.models import Inspection, InspectionPhoto, Outlet
from app.checklists import Catalog
from app.checklists.scoring import score
from app.sync.protocol import InspectionUpload, canonical_json

UNITS = ("东区营业部", "西区营业部")
SHOPPERS = 10
VISITS = 40  # distinct honest visits, reused with new ids


def fill_results(ctx: ServerContext, n: int, checklists: Path, *, outlets: int = 20,
                 kind: str = "mystery_shop", tier: str = "flagship", seed: int = 1
                 ) -> list[str]:
    """`n` finalised, received results over `outlets` outlets in two business units;
    returns their uuids in arrival order (the queue's order)."""
    checklist = Catalog.from_file(checklists).resolve(kind, tier)
    issue(ctx, checklist)
    with ctx.session() as s:
        have = set(s.exec(select(Outlet.code)).all())
        for k in range(outlets):
            code = f"BULK-{k:03d}"
            if code not in have:
                s.add(Outlet(code=code, name=f"营业厅 {k:03d}", tier=tier,
                             business_unit=UNITS[k % len(UNITS)]))
        s.commit()
    for k in range(SHOPPERS):
        admin.add_inspector(ctx, f"bulk-{k:02d}", f"暗访员 {k:02d}")
    visits = [honest_visit(checklist, seed=seed * 1000 + v, fail_rate=0.1)
              for v in range(VISITS)]
    scores = [score(checklist, v.answers) for v in visits]
    start = datetime(2025, 1, 6, 1, 0, tzinfo=UTC)
    uuids: list[str] = []
    rows: list[dict[str, object]] = []
    photos: list[tuple[str, list[str]]] = []

    def flush() -> None:
        if not rows:
            return
        with ctx.engine.begin() as conn:
            conn.execute(insert(Inspection.__table__), rows)  # type: ignore[attr-defined]
            seqs = dict(conn.execute(select(Inspection.uuid, Inspection.seq).where(  # type: ignore[call-overload]
                Inspection.uuid.in_([r["uuid"] for r in rows]))).all())  # type: ignore[attr-defined]
            links = [{"inspection_seq": seqs[u], "sha256": sha} for u, shas in photos
                     for sha in dict.fromkeys(shas)]
            if links:
                conn.execute(insert(InspectionPhoto.__table__), links)  # type: ignore[attr-defined]
        rows.clear()
        photos.clear()

    templates = [InspectionUpload.model_validate(upload_body(
        checklist, visit, device_id="dev-bulk-00", inspector_id="bulk-00",
        outlet="BULK-000", finalized_at=start, uuid=str(uuidlib.uuid4())))
        for visit in visits]
    for i in range(n):
        v = i % VISITS
        uid = str(uuidlib.UUID(int=(seed << 64) + i + 1, version=4))
        inspector = f"bulk-{i % SHOPPERS:02d}"
        finalized = start + timedelta(minutes=17 * i)
        # the honest visit's upload with this result's ids and times (validated once per
        # visit: the fields changed here keep their types)
        upload = templates[v].model_copy(update={
            "uuid": uuidlib.UUID(uid), "device_id": f"dev-{inspector}", "inspector_id": inspector,
            "outlet_code": f"BULK-{i % outlets:03d}",
            "started_at": finalized - timedelta(minutes=25), "finalized_at": finalized})
        result = scores[v]
        received = finalized + timedelta(minutes=30)
        rows.append({
            "uuid": uid, "device_id": f"dev-{inspector}", "inspector_id": inspector,
            "outlet_code": upload.outlet_code, "kind": kind, "tier": tier,
            "status": "finalized", "checklist_id": checklist.id,
            "checklist_version": checklist.version, "checklist_hash": checklist.content_hash,
            "started_at": upload.started_at, "finalized_at": finalized,
            "received_at": received, "updated_at": received, "phase": checklist.phase,
            "score_total": result.total, "device_score_total": result.total,
            "score_detail": json.dumps(result.to_dict("zh"), ensure_ascii=False),
            "voided": result.voided, "veto_count": len(result.vetoes),
            "flags": json.dumps(["veto"] if result.vetoes else []), "time_on_site_s": 1500,
            "review_state": "received", "body_sha256": upload.body_sha256(),
            "body": canonical_json(upload).decode(),
        })
        photos.append((uid, upload.photo_hashes()))
        uuids.append(uid)
        if len(rows) >= 1000:
            flush()
    flush()
    return uuids
