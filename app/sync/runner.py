"""Sync in the background whenever the endpoint is reachable, without ever blocking the UI.

`SyncRunner` owns one daemon thread. It probes the endpoint (GET /api/v1/health, short
timeout); while it is unreachable the probes back off exponentially with full jitter
(tenacity's `wait_random_exponential`), so a phone without signal costs almost nothing and
many devices coming back at once do not stampede the server. When the endpoint answers it
runs one `SyncClient.run()`, then sleeps until the next periodic pull or until `wake()`
(the app calls it after a finalise, or when the OS reports the network is back).

The UI reads `status` (or subscribes with `on_status`): offline / syncing / idle with N
waiting, last synced at, and anything needing attention with its reason.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from tenacity import RetryCallState, wait_random_exponential

from app.errors import UserError
from app.i18n import t
from app.sync import client_store
from app.sync.client import RetryPolicy, SyncClient, SyncReport

log = logging.getLogger(__name__)


class SyncPhase(StrEnum):
    """What the background sync is doing (the one vocabulary of every sync indicator)."""

    NOT_ENROLLED = "not_enrolled"  # no central endpoint or no device token yet
    OFFLINE = "offline"  # the endpoint does not answer; probing with backoff
    SYNCING = "syncing"
    IDLE = "idle"  # nothing going on (`waiting` says whether anything is queued)
    ATTENTION = "attention"  # something was refused, is in conflict, or auth failed


OFFLINE, SYNCING, IDLE, ATTENTION, NOT_ENROLLED = (
    SyncPhase.OFFLINE, SyncPhase.SYNCING, SyncPhase.IDLE, SyncPhase.ATTENTION,
    SyncPhase.NOT_ENROLLED)


@dataclass(frozen=True)
class SyncStatus:
    """What a sync indicator shows: the one status type, from the runner or counted on
    the device (app/services/sync_status.py)."""

    state: SyncPhase = SyncPhase.OFFLINE
    waiting: int = 0  # inspections still to send
    last_synced_at: datetime | None = None
    attention: tuple[tuple[str, str], ...] = ()  # (uuid, reason) refused or in conflict
    message: str | None = None  # why it is offline / stopped (network, re-enrol ...)
    runs: int = 0  # syncs completed since start
    probes: int = 0  # reachability probes made since start

    def label(self, lang: str | None = None) -> str:
        key = {OFFLINE: "sync.status.offline", SYNCING: "sync.status.syncing",
               ATTENTION: "sync.status.attention",
               NOT_ENROLLED: "sync.status.not_enrolled"}.get(self.state)
        if key:
            return t(key, lang)
        if self.waiting:
            return t("sync.status.waiting", lang, count=self.waiting)
        return t("sync.status.idle", lang)


@dataclass
class Backoff:
    """Delays between probes: random in [0, min(cap, base * 2^n)] (full jitter)."""

    base: float = 2.0
    cap: float = 300.0
    attempt: int = 0
    _wait: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._wait = wait_random_exponential(multiplier=self.base, max=self.cap)

    def next(self) -> float:
        self.attempt += 1
        state = RetryCallState(retry_object=None, fn=None, args=(), kwargs={})  # type: ignore[arg-type]
        state.attempt_number = self.attempt
        return max(self.base / 4, float(self._wait(state)))  # never a busy loop

    def reset(self) -> None:
        self.attempt = 0


class SyncRunner:
    """Background sync for one open workspace."""

    def __init__(self, ws: Any, *, policy: RetryPolicy | None = None,
                 backoff: Backoff | None = None, idle_interval: float = 300.0,
                 probe_timeout: float = 5.0,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 client_kw: dict[str, Any] | None = None) -> None:
        self.ws = ws
        self.policy = policy or RetryPolicy()
        self.backoff = backoff or Backoff()
        self.idle_interval = idle_interval
        self.probe_timeout = probe_timeout
        self.on_status = on_status
        self.client_kw = client_kw or {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = SyncStatus()
        self.last_report: SyncReport | None = None

    # -- control (any thread) --

    def start(self) -> SyncRunner:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="hallcheck-sync",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Try now (after a finalise, or when the network comes back)."""
        self._wake.set()

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)
            status = self._status
        if self.on_status is not None:
            try:
                self.on_status(status)
            except Exception:  # a UI callback must not kill the sync thread
                log.exception("sync status callback failed")

    # -- the loop (the sync thread) --

    def _sleep(self, seconds: float) -> None:
        self._wake.wait(seconds)
        self._wake.clear()

    def _local_facts(self) -> dict[str, Any]:
        store = self.ws.store
        return {"waiting": client_store.waiting_count(store),
                "last_synced_at": client_store.last_synced_at(store),
                "attention": tuple((u, r or s) for u, s, r
                                   in client_store.needing_attention(store))}

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                delay = self._step()
            except Exception:  # never let the thread die; try again later
                log.exception("background sync failed")
                delay = self.backoff.next()
            if self._stop.is_set():
                break
            self._sleep(delay)

    def _step(self) -> float:
        facts = self._local_facts()
        try:
            client = SyncClient.for_workspace(self.ws, policy=self.policy, cancel=self._stop,
                                              **self.client_kw)
        except UserError as exc:
            self._set(state=NOT_ENROLLED, message=exc.message(), **facts)
            return self.idle_interval
        with client:
            reachable = client.api.health(self.probe_timeout)
            self._set(probes=self.status.probes + 1)
            if not reachable:
                self._set(state=OFFLINE, **facts)
                return self.backoff.next()
            self._set(state=SYNCING, **facts)
            report = client.run()
        self.last_report = report
        facts = self._local_facts()
        if report.auth_failed:
            self._set(state=ATTENTION, message=report.stopped, runs=self.status.runs + 1,
                      **facts)
            return self.idle_interval
        if report.stopped:  # the network went during the sync: back off, then retry
            self._set(state=OFFLINE, message=report.stopped, runs=self.status.runs + 1,
                      **facts)
            return self.backoff.next()
        self.backoff.reset()
        state = ATTENTION if facts["attention"] else IDLE
        self._set(state=state, message=None, runs=self.status.runs + 1, **facts)
        return self.idle_interval
