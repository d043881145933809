"""Publish -> device: a real server process on 127.0.0.1 and the real sync client on two
shoppers' phones. Each phone gets exactly its own visits, in errand words; a reassigned
visit leaves one phone and reaches the other on the next sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sync.helpers import ServerProcess, enrol_device, fast_policy, open_device

from app.central.plans import store
from app.programme.months import YearMonth
from app.sync.client import SyncClient

from .conftest import REPO
from .support import load_master_data
from .test_store import AUDIT_WORDS

JUNE = YearMonth(2025, 6)


def sync(ws):  # type: ignore[no-untyped-def]
    with SyncClient.for_workspace(ws, policy=fast_policy()) as client:
        return client.run()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(tmp_path / "server", checklists=REPO / "checklists.yaml")
    try:
        yield proc.start()
    finally:
        proc.close()


def _own(ws, inspector: str) -> set[tuple[str, date]]:  # type: ignore[no-untyped-def]
    return {(a.outlet_code, a.due_date) for a in ws.assignments.open_for(inspector)
            if a.source == "server"}


def test_a_published_plan_reaches_exactly_each_shoppers_phone(
        server: ServerProcess, tmp_path: Path) -> None:
    load_master_data(server.ctx, tmp_path / "master")
    phones = {sid: open_device(tmp_path / f"phone-{sid}") for sid in ("ms1", "ms2")}
    try:
        for sid, ws in phones.items():
            enrol_device(ws, server, sid)
            assert sync(ws).ok
            assert _own(ws, sid) == set()  # nothing before the plan is published
        stored = store.propose_covert(server.ctx, JUNE, seed=11, by="boss")
        for ws in phones.values():  # a draft is not sent
            assert sync(ws).ok
        assert all(_own(ws, sid) == set() for sid, ws in phones.items())
        store.publish(server.ctx, stored.id, by="boss")
        for sid, ws in phones.items():
            report = sync(ws)
            assert report.ok
            mine = {(v.outlet, v.day) for v in stored.covert.visits if v.shopper == sid}
            assert _own(ws, sid) == mine
            # what the phone is handed reads like the customer's own errand
            api = server.enrol(sid, device_name="second phone")
            body = httpx.get(f"{server.url}/api/v1/assignments", headers=api.headers).json()
            assert {a["inspector_id"] for a in body["assignments"]} <= {sid}
            for a in body["assignments"]:
                assert a["note"] and not any(w in a["note"] for w in AUDIT_WORDS)
        # reassign one of ms1's visits to ms2 (the first the rules allow) and sync again
        moved = None
        for v in stored.covert.visits:
            if v.shopper != "ms1":
                continue
            try:
                store.move_visit(server.ctx, stored.id, v.id, by="boss", shopper="ms2")
            except store.PlanError:
                continue
            moved = v
            break
        assert moved is not None, "some visit of ms1 can go to ms2"
        for ws in phones.values():
            assert sync(ws).ok
        assert (moved.outlet, moved.day) not in _own(phones["ms1"], "ms1")
        assert (moved.outlet, moved.day) in _own(phones["ms2"], "ms2")
    finally:
        for ws in phones.values():
            ws.close()

