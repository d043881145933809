"""For every kind x tier x phase of the shipped checklists.yaml, an honest device's score is
the server's score: the device path (definitions as the sync client stores them, an outlet
in that phase, answers, notes and camera photos through the services, finalise, the upload
`client_store` builds) against the server's re-score of that upload (`ingest.assess`, the
code the endpoint runs on arrival).

A second pass scores many more random visits per definition through the protocol only
(the upload's JSON round trip, as the server receives it), where the device path would be
too slow to repeat.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync.helpers import jpeg

from app.central import ingest
from app.central.checklists import ChecklistSource
from app.central.settings import ServerSettings
from app.checklists import Catalog
from app.checklists.scoring import score
from app.services import OutletData, Workspace
from app.sync import client_store
from app.sync.protocol import InspectionUpload

from .trust_support import SHIPPED, honest_visit, upload_body

SOURCE = ChecklistSource(SHIPPED)
BUNDLE = SOURCE.bundle()
COMBOS = sorted(BUNDLE.resolved.values(), key=lambda c: (c.kind.value, c.tier, c.phase or ""))
SETTINGS = ServerSettings(data_dir=Path("/nonexistent"))


def test_the_server_issues_every_kind_tier_and_phase_of_the_shipped_file() -> None:
    catalog = Catalog.from_file(SHIPPED)
    phases = list(catalog.source.phases)
    assert len(phases) >= 2
    expected = {(k.value, t, p) for k, t in catalog.combinations() for p in phases}
    issued = {(c.kind.value, c.tier, c.phase) for c in COMBOS}
    assert issued == expected
    # within each kind x tier the default phase comes last (what older devices take)
    last: dict[tuple[str, str], str] = {}
    for doc in BUNDLE.checklists:
        last[(doc["kind"], doc["tier"])] = doc["phase"]
    assert set(last.values()) == {catalog.source.default_phase}
    # phases really weigh differently: the two definitions of a kind x tier differ
    assert len({c.content_hash for c in COMBOS}) == len(COMBOS)


def _assessed(upload: InspectionUpload, now: datetime) -> ingest.Assessment:
    checklist = ingest.definition_for(SOURCE, upload)
    assessment, _ = ingest.assess(checklist, upload, received_at=now, settings=SETTINGS)
    return assessment


def test_an_honest_device_scores_what_the_server_scores_for_every_definition(
        tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "device", checklists_path=SHIPPED)
    try:
        client_store.apply_checklists(ws.store, BUNDLE.etag, BUNDLE.checklists)
        images = [jpeg(i, size=(48, 36)) for i in range(4)]
        now = datetime.now(UTC) - timedelta(days=1)
        seen_veto = seen_void = 0
        for n, checklist in enumerate(COMBOS):
            outlet = f"O-{checklist.tier}-{checklist.phase}"
            ws.outlets.upsert(OutletData(code=outlet, name=outlet, tier=checklist.tier,
                                         phase=checklist.phase))
            inspector = f"insp-{n}"  # a new shopper each time: the rotation rule holds
            uuid = ws.inspections.start(checklist.kind.value, outlet, inspector, now=now)
            # the device took the server's definition of this outlet's phase
            assert ws.inspections.summary(uuid).checklist_version == checklist.version
            assert client_store.build_upload(ws.store, uuid, "dev-x").checklist_hash == \
                checklist.content_hash
            visit = honest_visit(checklist, seed=n)
            for item_id, value in visit.answers.items():
                ws.inspections.answer(uuid, item_id, value, now=now)
            for item_id, text in visit.notes.items():
                ws.inspections.note(uuid, item_id, text, now=now)
            for item_id, count in visit.photos.items():
                for k in range(count):
                    ws.inspections.attach_photo(uuid, item_id, images[(n + k) % 4],
                                                source="camera", now=now)
            ws.inspections.finalise(uuid, now=now + timedelta(minutes=20))
            upload = client_store.build_upload(ws.store, uuid, "dev-x")
            wire = InspectionUpload.model_validate_json(json.dumps(upload.model_dump(
                mode="json")))  # what the server receives
            got = _assessed(wire, now + timedelta(minutes=30))
            assert upload.score is not None
            where = f"{checklist.kind.value}/{checklist.tier}/{checklist.phase}"
            assert got.score_total == upload.score.total, where
            assert got.voided == upload.score.voided, where
            assert got.veto_count == upload.score.veto_count, where
            assert got.phase == checklist.phase
            assert ingest.FLAG_SCORE_DISAGREEMENT not in got.flags, where
            seen_veto += got.veto_count > 0
            seen_void += got.voided
        # the generator really exercised the rules that matter (not only clean visits)
        assert seen_veto >= 5 and seen_void >= 2
    finally:
        ws.close()


@pytest.mark.parametrize("checklist", COMBOS,
                         ids=[f"{c.kind.value}-{c.tier}-{c.phase}" for c in COMBOS])
def test_many_random_honest_visits_score_the_same_after_the_wire(checklist) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    for seed in range(25):
        visit = honest_visit(checklist, seed=1000 + seed, fail_rate=0.05 + 0.02 * seed)
        device = score(checklist, visit.answers)
        body = upload_body(checklist, visit, device_id="dev-x", inspector_id="i",
                           outlet="O-1")
        got = _assessed(InspectionUpload.model_validate_json(json.dumps(body)), now)
        assert got.score_total == device.total
        assert got.voided == device.voided and got.veto_count == len(device.vetoes)
        assert ingest.FLAG_SCORE_DISAGREEMENT not in got.flags
