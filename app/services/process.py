"""The one Workspace and the one background sync of this process.

Every tab of the web UI (and the phone app's one window) works on the same device data,
so the entry point opens the data directory once and starts one sync thread, here, on
first use; `reset()` stops and forgets both (tests open a fresh data directory each time).
"""

from __future__ import annotations

import logging
import threading

from app.services.sync_status import DeviceSync
from app.services.workspace import Workspace
from app.sync.runner import SyncRunner

log = logging.getLogger(__name__)

_lock = threading.Lock()
_workspace: Workspace | None = None
_sync: DeviceSync | None = None
_runner: SyncRunner | None = None


def workspace() -> Workspace:
    """The process's Workspace (HALLCHECK_DATA_DIR or the user data directory)."""
    global _workspace
    with _lock:
        if _workspace is None:
            _workspace = Workspace.open()
        return _workspace


def device_sync() -> DeviceSync:
    """The process's sync, its background runner started on first use. A runner that
    cannot start (no thread to be had) is logged; the status is then counted locally."""
    global _sync, _runner
    ws = workspace()
    with _lock:
        if _sync is None:
            try:
                _runner = SyncRunner(ws).start()
            except RuntimeError:  # threading: can't start new thread
                log.exception("the background sync could not start")
                _runner = None
            _sync = DeviceSync(ws, _runner)
        return _sync


def reset() -> None:
    """Stop the sync thread and close the Workspace; the next use opens them again."""
    global _workspace, _sync, _runner
    with _lock:
        ws, _workspace = _workspace, None
        runner, _runner = _runner, None
        _sync = None
    if runner is not None:
        runner.stop(timeout=5)
    if ws is not None:
        ws.close()
