"""Sync as the screens see it (services.sync_status): one typed status, from the runner when
there is one, counted on the device otherwise, never behind the outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from app.services import DeviceSync, SyncPhase, SyncStatus, Workspace
from app.store import Inspection, SyncState

from .conftest import NOW, complete_answers


def _finished(ws: Workspace) -> str:
    uuid = ws.inspections.start("mystery_shop", "HZ-001", now=NOW)
    complete_answers(ws, uuid)
    ws.inspections.finalise(uuid, now=NOW)
    return uuid


@dataclass
class Runner:
    """What DeviceSync asks of app.sync.runner.SyncRunner."""

    status: SyncStatus
    woken: list[bool] = field(default_factory=list)

    def wake(self) -> None:
        self.woken.append(True)


def test_without_a_runner_the_device_counts_for_itself(ws: Workspace) -> None:
    sync = DeviceSync(ws)
    assert not sync.background
    assert sync.status() == SyncStatus(state=SyncPhase.NOT_ENROLLED)
    uuid = _finished(ws)
    assert sync.status().waiting == 1
    ws.settings.set_endpoint("https://central.example")
    ws.settings.set_device_token("tok")
    assert sync.status() == SyncStatus(state=SyncPhase.IDLE, waiting=1)
    with ws.store.writing() as s:  # the server refused it
        s.get(Inspection, uuid).sync_state = SyncState.REJECTED.value
    st = sync.status()
    assert st.state is SyncPhase.ATTENTION and st.attention == ((uuid, "rejected"),)
    sync.wake()  # nothing to wake: no error either


def test_the_runners_status_with_the_outbox_counted_now(ws: Workspace) -> None:
    last = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
    runner = Runner(SyncStatus(state=SyncPhase.IDLE, waiting=0, last_synced_at=last))
    sync = DeviceSync(ws, runner)  # type: ignore[arg-type]
    assert sync.background
    _finished(ws)  # after the runner's last round
    st = sync.status()
    assert (st.state, st.waiting, st.last_synced_at) == (SyncPhase.IDLE, 1, last)
    runner.status = SyncStatus(state=SyncPhase.SYNCING, waiting=3)
    assert sync.status().waiting == 3  # while sending, the runner's own count
    runner.status = SyncStatus(state=SyncPhase.NOT_ENROLLED, message="enrol first")
    assert sync.status().message is None  # the indicator's own sentence says what to do
    sync.wake()
    assert runner.woken == [True]


def test_the_phases_are_the_words_the_runner_uses() -> None:
    assert SyncStatus().state is SyncPhase.OFFLINE
    assert {p.value for p in SyncPhase} == {"not_enrolled", "offline", "syncing", "idle",
                                            "attention"}
    assert SyncStatus(state=SyncPhase.IDLE, waiting=2).label("en") != SyncStatus(
        state=SyncPhase.IDLE).label("en")
