"""Trust through the real device client against a real endpoint process: a refused result
is shown with the server's reason and stays on the device while the others go on; a new
phone blocks a repeat covert visit it never saw; an outlet in phase `new` is inspected with
the server's definition of that phase, and the server's score is the device's."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select
from sync.conftest import make_server as make_server  # a fixture
from sync.conftest import sqlite_server as sqlite_server  # a fixture
from sync.helpers import (
    ServerProcess,
    add_outlets,
    enrol_device,
    fast_policy,
    finished_inspection,
    jpeg,
    open_device,
    server_inspections,
)

from app.checklists import Catalog
from app.errors import UserError
from app.services import OutletData, Workspace
from app.store import Inspection as DeviceInspection
from app.sync.client import SyncClient

from .trust_support import SHIPPED, honest_visit


def sync(ws: Any) -> Any:
    with SyncClient.for_workspace(ws, policy=fast_policy()) as client:
        return client.run()


def test_one_refused_result_never_holds_the_queue_and_stays_on_the_device(
        tmp_path: Path, sqlite_server: ServerProcess) -> None:
    # the device's own checklists.yaml differs from what the server issues (an old build)
    local = tmp_path / "local-checklists.yaml"
    assert sqlite_server.checklists is not None
    text = sqlite_server.checklists.read_text(encoding="utf-8")
    local.write_text(text.replace("weight: 30", "weight: 35", 1), encoding="utf-8")
    ws = Workspace.open(tmp_path / "device", checklists_path=local)
    try:
        add_outlets(ws, "HALL-001", "HALL-002", "HALL-003", "HALL-004")
        enrol_device(ws, sqlite_server, "ms-queue")
        assert sync(ws).ok  # the server's definitions are now on the device
        first = finished_inspection(ws, "HALL-001")
        ws.inspections.use_issued_checklists(lambda *a: None)  # as if never pulled
        never_issued = finished_inspection(ws, "HALL-002")
        ws.inspections.use_issued_checklists(ws.inspections._server_issued)
        as_someone_else = finished_inspection(ws, "HALL-003", inspector_id="ms-not-me")
        last = finished_inspection(ws, "HALL-004")
        report = sync(ws)
        assert report.sent == 2 and not report.auth_failed and report.stopped is None
        rejected = dict(report.rejected)
        assert set(rejected) == {never_issued, as_someone_else}
        held = server_inspections(sqlite_server)
        assert first in held and last in held
        assert never_issued not in held and as_someone_else not in held
        # each refused result stays on the device, finalised, with the server's reason
        with ws.store.reading() as s:
            rows = {r.uuid: r for r in s.execute(select(DeviceInspection)).scalars()}
        for uuid, words in ((never_issued, "never issued|不是本服务器下发"),
                            (as_someone_else, "ms-not-me")):
            row = rows[uuid]
            assert row.status == "finalized" and row.sync_state == "rejected"
            assert row.sync_error and any(w in row.sync_error for w in words.split("|")), \
                row.sync_error
        summary = ws.inspections.summary(never_issued)
        assert summary.sync_state == "rejected" and summary.total_score is not None
        # and a later sync does not send them again, nor stop on them
        again = sync(ws)
        assert again.ok and again.sent == 0
    finally:
        ws.close()


def _visit_now(ws: Any, outlet: str, inspector: str) -> str:
    when = datetime.now(UTC) - timedelta(days=2)
    uuid = ws.inspections.start("mystery_shop", outlet, inspector, now=when)
    ws.inspections.answer(uuid, "uniform", True, now=when)
    ws.inspections.answer(uuid, "greet_seconds", 4, now=when)
    ws.inspections.finalise(uuid, now=when + timedelta(minutes=20))
    return str(uuid)


def test_a_new_phone_blocks_a_repeat_visit_made_on_another(
        tmp_path: Path, sqlite_server: ServerProcess) -> None:
    old = open_device(tmp_path / "old-phone")
    new = open_device(tmp_path / "new-phone")
    try:
        for ws in (old, new):
            add_outlets(ws, "HALL-001", "HALL-002")
            enrol_device(ws, sqlite_server, "ms-rotating")
        new.inspections.check_rotation("HALL-001", "ms-rotating")  # nothing known yet
        uuid = _visit_now(old, "HALL-001", "ms-rotating")
        assert sync(old).sent == 1
        assert sync(new).ok  # pulls the shopper's recent visits
        with pytest.raises(UserError) as blocked:
            new.inspections.check_rotation("HALL-001", "ms-rotating")
        assert blocked.value.key == "services.rotation_blocked"
        with pytest.raises(UserError):
            new.inspections.start("mystery_shop", "HALL-001", "ms-rotating")
        new.inspections.check_rotation("HALL-002", "ms-rotating")  # another outlet: fine
        assert uuid in server_inspections(sqlite_server)
    finally:
        old.close()
        new.close()


def test_an_outlet_in_phase_new_uses_the_servers_definition_of_that_phase(
        tmp_path: Path, make_server: Any) -> None:
    # the server's file gives the `new` phase other weights than the app's own copy
    issued = tmp_path / "issued.yaml"
    shutil.copy(SHIPPED, issued)
    text = issued.read_text(encoding="utf-8")
    assert "phase_factors: {new: 0.7, established: 1}" in text
    issued.write_text(text.replace("phase_factors: {new: 0.7, established: 1}",
                                   "phase_factors: {new: 0.4, established: 1}"),
                      encoding="utf-8")
    server = make_server(checklists=issued).start()
    theirs = Catalog.from_file(issued).resolve("mystery_shop", "flagship", "new")
    ours = Catalog.from_file(SHIPPED).resolve("mystery_shop", "flagship", "new")
    assert theirs.content_hash != ours.content_hash
    ws = Workspace.open(tmp_path / "device", checklists_path=SHIPPED)
    try:
        ws.outlets.upsert(OutletData(code="HALL-NEW", name="新厅", tier="flagship",
                                     phase="new"))
        ws.outlets.upsert(OutletData(code="HALL-OLD", name="老厅", tier="flagship"))
        enrol_device(ws, server, "ms-phase")
        assert sync(ws).ok
        when = datetime.now(UTC) - timedelta(hours=3)
        uuid = ws.inspections.start("mystery_shop", "HALL-NEW", "ms-phase", now=when)
        assert ws.inspections.checklist(uuid).content_hash == theirs.content_hash
        default = ws.inspections.start("mystery_shop", "HALL-OLD", "ms-phase", now=when)
        assert ws.inspections.checklist(default).phase == "established"
        visit = honest_visit(theirs, seed=11)
        for item_id, value in visit.answers.items():
            ws.inspections.answer(uuid, item_id, value, now=when)
        for item_id, note in visit.notes.items():
            ws.inspections.note(uuid, item_id, note, now=when)
        for item_id, count in visit.photos.items():
            for k in range(count):
                ws.inspections.attach_photo(uuid, item_id, jpeg(k, size=(48, 36)),
                                            source="camera", now=when)
        done = ws.inspections.finalise(uuid, now=when + timedelta(minutes=30))
        report = sync(ws)
        assert report.sent == 1 and report.ok, report
        row = server_inspections(server)[uuid]
        assert row.phase == "new" and row.checklist_hash == theirs.content_hash
        assert row.score_total == done.total_score == row.device_score_total
        assert "score_disagreement" not in json.loads(row.flags)
    finally:
        ws.close()
