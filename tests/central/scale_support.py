"""Load and comparison for the scale tests (several workers, backup under load).

`DeviceLoad` is devices syncing as the client does (photos first, then the inspection),
each in its own thread over real HTTP, retrying a refused or cut connection the way the
sync client does, so a worker killed mid-run costs retries, never a result. It is bounded
in count and in time. `table_rows` reads every table of a database by reflection (no list
of table names), so tables added by later migrations are compared too.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import MetaData, create_engine, select
from sync.helpers import Enrolled, make_upload

API = "/api/v1"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class DeviceLoad:
    url: str
    devices: list[Enrolled]
    per_device: int = 10
    photos_per: int = 2
    photo_size: int = 4096
    deadline_s: float = 240.0
    acked: dict[str, str] = field(default_factory=dict)  # uuid -> body_sha256 acked
    photos: dict[str, int] = field(default_factory=dict)  # sha -> size acked
    retries: int = 0
    errors: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> DeviceLoad:
        """Let every device finish the result it is sending, then end."""
        self._stop.set()
        return self.join()

    def start(self) -> DeviceLoad:
        self._end = time.monotonic() + self.deadline_s
        for k, device in enumerate(self.devices):
            th = threading.Thread(target=self._device, args=(k, device), daemon=True)
            th.start()
            self._threads.append(th)
        return self

    def join(self) -> DeviceLoad:
        for th in self._threads:
            th.join(self.deadline_s + 30)
        assert not any(th.is_alive() for th in self._threads), "load did not finish"
        return self

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.acked)

    def _send(self, client: httpx.Client, method: str, path: str, **kw: Any
              ) -> httpx.Response:
        """One request, retried like the sync client retries (connection refused or cut,
        5xx): bounded by the load's deadline."""
        end = self._end
        delay = 0.05
        while True:
            try:
                r = client.request(method, path, **kw)
                if r.status_code < 500:
                    return r
            except httpx.TransportError:
                pass
            with self._lock:
                self.retries += 1
            if time.monotonic() > end:
                raise TimeoutError(f"{method} {path}: no answer before the deadline")
            time.sleep(delay)
            delay = min(delay * 2, 1.0)

    def _device(self, k: int, device: Enrolled) -> None:
        rng = random.Random(1000 + k)
        try:
            with httpx.Client(base_url=self.url, headers=device.headers, timeout=30) as c:
                for i in range(self.per_device):
                    if self._stop.is_set():
                        break
                    blobs = [rng.randbytes(self.photo_size) for _ in range(self.photos_per)]
                    for blob in blobs:
                        r = self._send(c, "PUT", f"{API}/photos/{sha(blob)}", content=blob)
                        assert r.status_code == 200, r.text
                        with self._lock:
                            self.photos[sha(blob)] = len(blob)
                    body = make_upload(device.device_id, photos=blobs, seq=i + 1,
                                       inspector_id=device.inspector_id or "ms-001",
                                       outlet=f"HALL-{(k * 7 + i) % 5 + 1:03d}")
                    r = self._send(c, "PUT", f"{API}/inspections/{body['uuid']}", json=body)
                    assert r.status_code == 200, r.text
                    ack = r.json()
                    assert ack["complete"], ack
                    with self._lock:
                        self.acked[body["uuid"]] = ack["body_sha256"]
        except BaseException as exc:  # reported by the test
            with self._lock:
                self.errors.append(f"device {k}: {type(exc).__name__}: {exc}")


def table_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (reflected), each table's rows sorted, values as text."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        out: dict[str, list[tuple[Any, ...]]] = {}
        with engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                rows = conn.execute(select(table)).all()
                out[name] = sorted(tuple("" if v is None else str(v) for v in r)
                                   for r in rows)
        return out
    finally:
        engine.dispose()


def photo_hashes(store: Any) -> dict[str, str]:
    """name -> SHA-256 of the bytes actually stored under it, for every photo of a store."""
    out = {}
    for name in store.hashes():
        digest = hashlib.sha256()
        for chunk in store.open_chunks(name):
            digest.update(chunk)
        out[name] = digest.hexdigest()
    return out
