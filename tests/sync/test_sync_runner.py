"""Background sync: probes with backoff while offline, syncs when the endpoint appears, and
tells a status indicator what is going on."""

from __future__ import annotations

from pathlib import Path

from app.central import admin
from app.sync.runner import Backoff, SyncRunner, SyncStatus

from .helpers import (
    ServerProcess,
    add_outlets,
    enrol_device,
    fast_policy,
    finished_inspection,
    free_port,
    jpeg,
    open_device,
    server_inspections,
    wait_until,
)


def test_backoff_grows_with_jitter_and_never_spins() -> None:
    backoff = Backoff(base=1.0, cap=60.0)
    delays = [backoff.next() for _ in range(12)]
    assert all(0.25 <= d <= 60.0 for d in delays)  # a floor: never a busy loop
    assert len(set(delays)) > 6  # jittered, not a fixed schedule
    assert max(delays[6:]) > max(delays[:2])  # the ceiling grows with each attempt
    backoff.reset()
    assert backoff.attempt == 0 and backoff.next() <= 2.0


def test_runner_waits_offline_then_syncs_when_the_endpoint_appears(
        make_server, tmp_path: Path) -> None:
    port = free_port()
    server: ServerProcess = make_server(port=port).start()
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    enrol_device(ws, server)
    server.stop()  # the device goes offline; work goes on
    uuid = finished_inspection(ws, "HALL-001", [jpeg(60)])
    seen: list[SyncStatus] = []
    runner = SyncRunner(ws, policy=fast_policy(), backoff=Backoff(base=0.05, cap=0.2),
                        idle_interval=30, probe_timeout=1, on_status=seen.append)
    runner.start()
    try:
        offline = wait_until(lambda: runner.status.probes >= 3 and runner.status, what="probes")
        assert offline.state == "offline" and offline.waiting == 1
        assert offline.last_synced_at is None
        server.start()  # back in coverage
        runner.wake()
        idle = wait_until(lambda: runner.status.state == "idle" and runner.status,
                          what="a sync after the endpoint came back")
    finally:
        runner.stop()
    assert idle.waiting == 0 and idle.last_synced_at is not None and idle.runs >= 1
    assert uuid in server_inspections(server)
    assert ws.inspections.summary(uuid).sync_state == "sent"
    states = [s.state for s in seen]
    assert "offline" in states and "syncing" in states
    assert idle.label("en") == "Up to date" and offline.label("en") == "Offline"
    ws.close()


def test_runner_reports_what_needs_attention(make_server, tmp_path: Path) -> None:
    server = make_server().start()
    ws = open_device(tmp_path / "device")
    add_outlets(ws, "HALL-001")
    enrol_device(ws, server)
    finished_inspection(ws, "HALL-001")
    from app.sync import client_store

    admin.revoke_device(server.ctx, client_store.device_id(ws.store))
    runner = SyncRunner(ws, policy=fast_policy(), backoff=Backoff(base=0.05, cap=0.2),
                        idle_interval=30, probe_timeout=1)
    runner.start()
    try:
        status = wait_until(lambda: runner.status.state == "attention" and runner.status,
                            what="attention")
    finally:
        runner.stop()
    assert status.waiting == 1 and status.message and "enrol" in status.message.lower()
    assert status.label("zh") == "需要处理"
    ws.close()


def test_runner_without_enrolment_says_so(tmp_path: Path) -> None:
    ws = open_device(tmp_path / "device")
    runner = SyncRunner(ws, backoff=Backoff(base=0.05, cap=0.2), idle_interval=30)
    runner.start()
    try:
        status = wait_until(lambda: runner.status.state == "not_enrolled" and runner.status,
                            what="not enrolled")
    finally:
        runner.stop()
    assert status.message and status.probes == 0
    ws.close()
