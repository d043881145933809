"""Intercept records go the way of every result: made offline on the device (kind
intercept, the shipped checklists.yaml), finalised, synced to a real server process, and
aggregated there per hall: 29 records are too few and carry no figure, 30 are enough. A
record without a single perception is not finished on the device and is refused by the
server, nothing of it stored."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sync.helpers import (
    ServerProcess,
    add_outlets,
    fast_policy,
    issued_hash,
    make_upload,
    server_inspections,
)

from app.central import admin
from app.central.perception.month_inputs import perception_aggregates
from app.checklists import Catalog, default_checklists_path
from app.checklists.schema import Kind
from app.programme.months import YearMonth
from app.services.session import kind_for_role
from app.sync.client import SyncClient, enrol

SHIPPED = default_checklists_path()
JUNE = YearMonth(2025, 6)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path_factory.mktemp("server"), checklists=SHIPPED)
    try:
        yield proc.start()
    finally:
        proc.close()


@pytest.fixture
def device(tmp_path: Path, server: ServerProcess) -> Iterator[Any]:
    from app.services import Workspace

    ws = Workspace.open(tmp_path / "device", checklists_path=SHIPPED)
    add_outlets(ws, "HALL-A", "HALL-B")
    admin.add_inspector(server.ctx, "sv-001", "调查员 1", role="surveyor")
    code, _ = admin.create_enrol_code(server.ctx, "sv-001")
    enrol(ws, server.url, code, "surveyor phone")
    ws.settings.set_role("surveyor")
    yield ws
    ws.close()


def sync(ws: Any) -> Any:
    with SyncClient.for_workspace(ws, policy=fast_policy()) as client:
        return client.run()


def record(ws: Any, outlet: str, when: datetime, answers: dict[str, int]) -> str:
    uuid = ws.inspections.start(kind_for_role("surveyor"), outlet, "sv-001", now=when)
    for item, value in answers.items():
        ws.inspections.answer(uuid, item, value, now=when)
    ws.inspections.finalise(uuid, now=when + timedelta(seconds=50))
    return str(uuid)


def test_the_surveyor_does_intercepts_and_the_server_issues_them() -> None:
    assert kind_for_role("surveyor") == Kind.INTERCEPT.value
    catalog = Catalog.from_file(SHIPPED)
    for tier in ("flagship", "level2", "level3"):
        checklist = catalog.resolve(Kind.INTERCEPT, tier)
        items = set(checklist.items)
        assert {"e_attitude", "p_attitude", "p_problem_solving", "overall"} <= items
        assert len(items) == 25  # 12 dimensions x (expectation, perception) + overall


def test_thirty_records_through_the_sync(device: Any, server: ServerProcess) -> None:
    bundle = server.ctx.checklists.bundle()
    assert ("intercept", "flagship") in bundle.defaults  # issued to devices
    day = datetime(2025, 6, 12, 2, 0, tzinfo=UTC)  # 10:00 in China
    for i in range(30):
        record(device, "HALL-A", day + timedelta(minutes=i),
               {"e_attitude": 6, "p_attitude": 5 + i % 2, "e_efficiency": 7,
                "p_efficiency": 4, "overall": 6})
    for i in range(29):
        record(device, "HALL-B", day + timedelta(minutes=i), {"p_attitude": 7})
    report = sync(device)
    assert report.ok, report
    assert report.sent == 59

    got = perception_aggregates(server.ctx, JUNE)
    a, b = got["intercept/HALL-A"], got["intercept/HALL-B"]
    assert (a.count, a.sufficient) == (30, True)
    # perception: attitude mean 5.5, efficiency 4 -> 4.75 on 1..7 -> 62.5 of 100
    assert a.score == pytest.approx(62.5)
    assert (b.count, b.sufficient, b.score) == (29, False, None)

    record(device, "HALL-B", day + timedelta(hours=2), {"p_attitude": 1})
    assert sync(device).ok
    b = perception_aggregates(server.ctx, JUNE)["intercept/HALL-B"]
    assert (b.count, b.sufficient, b.score) == (30, True, round(
        ((29 * 7 + 1) / 30 - 1) / 6 * 100, 2))


def test_a_record_without_any_perception_is_refused(device: Any, server: ServerProcess
                                                    ) -> None:
    """The device will not finish it (the surveyor is told why), and the server refuses
    one that arrives anyway (422, nothing stored)."""
    from app.services.errors import FinaliseBlocked

    when = datetime(2025, 6, 13, 2, 0, tzinfo=UTC)
    uuid = device.inspections.start("intercept", "HALL-A", "sv-001", now=when)
    device.inspections.answer(uuid, "e_attitude", 6, now=when)
    with pytest.raises(FinaliseBlocked) as blocked:
        device.inspections.finalise(uuid, now=when + timedelta(seconds=40))
    assert "今天感受" in blocked.value.message("zh")

    dev = server.enrol("sv-002")
    admin.add_inspector(server.ctx, "sv-002", "调查员 2", role="surveyor")
    body = make_upload(dev.device_id, inspector_id="sv-002", outlet="HALL-A",
                       kind="intercept", tier="flagship", checklist_id="intercept_std",
                       checklist_hash=issued_hash("intercept", "flagship",
                                                  checklists=SHIPPED),
                       answers=[{"item_id": "e_attitude", "value": 6}], score=None)
    with dev.client() as c:
        r = c.put(f"/api/v1/inspections/{body['uuid']}", json=body,
                  headers={"Accept-Language": "zh"})
    assert r.status_code == 422, r.text
    assert "今天感受" in r.text
    assert body["uuid"] not in server_inspections(server)
