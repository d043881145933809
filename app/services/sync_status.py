"""Sync as the screens see it: one typed status, what a person can ask of it (sync now,
enrol), whether or not the background runner is going.

The status type is the runner's (`SyncStatus` with a `SyncPhase`); this face only corrects
what the runner cannot know between its rounds: the outbox is counted now (a visit
finalised since the runner's last round - e.g. while the endpoint is down - is waiting
too). Without a runner the status is worked out on the device alone.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from app.sync.client import enrol as client_enrol
from app.sync.runner import SyncPhase, SyncRunner, SyncStatus

if TYPE_CHECKING:
    from app.services.workspace import Workspace

__all__ = ["DeviceSync", "SyncPhase", "SyncStatus"]

log = logging.getLogger(__name__)


class DeviceSync:
    """The device's sync: status for the indicator, `wake()` after a finalise, `enrol()`."""

    def __init__(self, ws: Workspace, runner: SyncRunner | None = None) -> None:
        self._ws = ws
        self._runner = runner

    @property
    def background(self) -> bool:
        """A background sync is running (so "sync now" can do something)."""
        return self._runner is not None

    def status(self) -> SyncStatus:
        """The status right now."""
        if self._runner is None:
            return self._local()
        st = self._runner.status
        if st.state is SyncPhase.NOT_ENROLLED:
            st = replace(st, message=None)  # the indicator's own sentence says what to do
        if st.state is not SyncPhase.SYNCING:
            # the runner's count is from its last round: the outbox is the truth, and cheap
            st = replace(st, waiting=len(self._ws.inspections.outbox()))
        return st

    def _local(self) -> SyncStatus:
        ws = self._ws
        waiting = len(ws.inspections.outbox())
        attention = tuple((s.uuid, s.sync_error or s.sync_state)
                          for s in ws.inspections.needs_attention())
        if attention:
            state = SyncPhase.ATTENTION
        elif not ws.settings.endpoint or not ws.settings.device_token:
            state = SyncPhase.NOT_ENROLLED
        else:
            state = SyncPhase.IDLE
        return SyncStatus(state=state, waiting=waiting, attention=attention)

    def wake(self) -> None:
        """Ask the runner to try now (after a finalise, an enrolment, "sync now")."""
        if self._runner is not None:
            self._runner.wake()

    def enrol(self, endpoint: str, code: str) -> None:
        """Enrol this device with the central endpoint using a one-time code, then sync.
        Raises UserError saying what to do when it fails."""
        name = f"hallcheck {self._ws.settings.device_id[:8]}"
        client_enrol(self._ws, endpoint, code, name)
        self.wake()
